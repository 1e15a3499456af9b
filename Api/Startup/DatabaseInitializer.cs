using Microsoft.Extensions.Options;
using Traceability.Api.Auth;
using Traceability.Api.Setup;
using Traceability.Domain;
using Traceability.Infrastructure;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Startup;

public static class DatabaseInitializer
{
    /// <summary>Before the first request: migrate, make sure an admin key exists, seed the demo if asked.</summary>
    public static async Task InitializeDatabaseAsync(this WebApplication app)
    {
        var services = app.Services;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Traceability.Startup");
        var options = services.GetRequiredService<IOptions<TraceabilityOptions>>().Value;
        services.GetRequiredService<ISqlDialect>().Migrate(logger);

        if (string.IsNullOrEmpty(options.AdminApiKey))
            await EnsureAdminKeyAsync(services.GetRequiredService<ApiKeyRepository>(), services.GetRequiredService<TimeProvider>(), logger);
        if (options.SeedDemoData)
            await services.GetRequiredService<DemoData>().SeedIfEmptyAsync(logger, CancellationToken.None);
    }

    /// <summary>No admin key configured and none stored: generate one, store its hash, print it this once.</summary>
    private static async Task EnsureAdminKeyAsync(ApiKeyRepository keys, TimeProvider clock, ILogger logger)
    {
        if (await keys.AnyAdminKeyAsync(CancellationToken.None)) return;
        var key = IssuedKey.New(Role.Admin, null, clock.GetUtcNow());
        await keys.CreateAsync(key.Record, key.Hash, CancellationToken.None);
        logger.LogWarning("Generated the admin API key; it is shown only now, store it safely: {AdminApiKey}", key.Secret);
    }
}
