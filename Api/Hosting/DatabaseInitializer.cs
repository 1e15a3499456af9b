using Microsoft.Extensions.Options;
using Traceability.Api.Auth;
using Traceability.Domain;
using Traceability.Infrastructure;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Hosting;

public static class DatabaseInitializer
{
    /// <summary>Before the first request: migrate, make sure an admin key exists, seed the demo if asked.</summary>
    public static async Task InitializeDatabaseAsync(this WebApplication app)
    {
        var services = app.Services;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Traceability.Startup");
        var options = services.GetRequiredService<IOptions<TraceabilityOptions>>().Value;
        services.GetRequiredService<ISqlDialect>().Migrate(logger);

        await BackfillProvinceCodesAsync(services, logger);
        var folded = await services.GetRequiredService<ProductRepository>().BackfillSearchNamesAsync(CancellationToken.None);
        if (folded > 0) logger.LogInformation("Folded the names of {Count} products for the catalogue's search.", folded);
        var abandoned = await services.GetRequiredService<SerialIssueRepository>().RemoveAbandonedAsync(
            services.GetRequiredService<TimeProvider>().GetUtcNow() - Serials.SerialEndpoints.AbandonedAfter, CancellationToken.None);
        if (abandoned > 0) logger.LogWarning("Removed {Count} issues of serials that a stopped process left incomplete", abandoned);
        if (string.IsNullOrEmpty(options.AdminApiKey))
            await EnsureAdminKeyAsync(services.GetRequiredService<ApiKeyRepository>(), services.GetRequiredService<TimeProvider>(), logger);
        if (options.SeedDemoData)
            await services.GetRequiredService<DemoData>().SeedIfEmptyAsync(logger, CancellationToken.None);
    }

    /// <summary>Producers and authorities registered before province codes were checked get theirs from their province's
    /// name where it resolves; the rest are listed so that an operator can set them (until then only a national
    /// authority acts on them).</summary>
    private static async Task BackfillProvinceCodesAsync(IServiceProvider services, ILogger logger)
    {
        static string? Resolve(string name) => Provinces.ByName(name)?.Code;
        var producers = await services.GetRequiredService<ProducerRepository>().BackfillProvinceCodesAsync(Resolve, CancellationToken.None);
        var authorities = await services.GetRequiredService<AuthorityRepository>().BackfillProvinceCodesAsync(Resolve, CancellationToken.None);
        if (producers + authorities > 0)
            logger.LogInformation("Gave {Producers} producers and {Authorities} authorities the province code of their province's name", producers, authorities);
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
