using Microsoft.Extensions.Options;
using Traceability.Api.Serials;
using Traceability.Infrastructure;

namespace Traceability.Api.Hosting;

public static class OptionsSetup
{
    public static IServiceCollection AddTraceabilityOptions(this IServiceCollection services)
    {
        services.AddOptions<TraceabilityOptions>().BindConfiguration("Traceability")
            .ValidateDataAnnotations()
            .Validate(o => Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out var u) && u.Scheme is "http" or "https",
                "Traceability:PublicBaseUrl must be an absolute http(s) URL.")
            .ValidateOnStart();
        services.AddOptions<SerialOptions>().BindConfiguration("Serials")
            .Validate(o => o.PinSecret is null || o.Secret is { Length: >= 32 }, "Serials:PinSecret must be base64 of at least 32 random bytes.")
            .Validate(o => o.LimitsAreValid, "Serials: CopyWarningClients 2–100, and every PIN limit above 0.")
            .ValidateOnStart();
        services.AddOptions<DatabaseOptions>().BindConfiguration("Database")
            .Configure<IConfiguration>((o, config) =>
            {
                o.ConnectionString ??= config.GetConnectionString("Traceability");
                o.ReadOnlyConnectionString ??= config.GetConnectionString("TraceabilityReadOnly") is { Length: > 0 } ro ? ro : null;
            })
            .ValidateOnStart();
        services.AddOptions<QuotaOptions>().BindConfiguration("Quotas").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ShutdownOptions>().BindConfiguration("Shutdown").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Shutdown>();
        services.AddHostedService(sp => sp.GetRequiredService<Shutdown>());
        services.AddOptions<HostOptions>().Configure<IOptions<ShutdownOptions>>((host, shutdown) =>
            host.ShutdownTimeout = TimeSpan.FromSeconds(shutdown.Value.DrainSeconds + shutdown.Value.TimeoutSeconds));
        services.AddSingleton(TimeProvider.System);
        return services;
    }
}
