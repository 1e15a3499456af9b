using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Traceability.Api.Telemetry;

/// <summary>The "Telemetry" configuration section. Nothing is collected unless one of them is set.</summary>
public sealed class TelemetryOptions
{
    /// <summary>A port the API also listens on (add it to ASPNETCORE_URLS, e.g. http://127.0.0.1:9464): /metrics is
    /// answered there in Prometheus's format, and on no other port, so the public port never shows it.</summary>
    public int? MetricsPort { get; set; }

    /// <summary>An OpenTelemetry collector (OTLP over gRPC, e.g. http://collector:4317): traces and metrics go there.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>The share of traces recorded (0–1) when a request starts one; a request that arrives inside a sampled trace
    /// (a traceparent header saying so) is recorded whatever this says. 1: every request (bench/NOTES.md, "Telemetry",
    /// has what that costs on the scan path).</summary>
    [System.ComponentModel.DataAnnotations.Range(0.0, 1.0)]
    public double TraceSampleRatio { get; set; } = 1.0;

    /// <summary>Seconds between samples of what is waiting (webhook backlog, stale records, the chain audit's progress).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 3600)]
    public int SampleSeconds { get; set; } = 15;
}

/// <summary>OpenTelemetry for operators: metrics (requests by route and status, the service's own meter
/// <see cref="Infrastructure.Metrics"/>, outgoing HTTP, the runtime's) for Prometheus on a port of their own and for
/// OTLP; traces of requests, their database statements (by name, Infrastructure/Tracing) and webhook deliveries for OTLP.</summary>
public static class TelemetrySetup
{
    public const string ServiceName = "ocop-traceability";

    public static IServiceCollection AddTraceabilityTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Telemetry").Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (options.TraceSampleRatio is < 0 or > 1 || options.SampleSeconds is < 1 or > 3600)
            throw new InvalidOperationException("Telemetry:TraceSampleRatio must be between 0 and 1, and Telemetry:SampleSeconds between 1 and 3600.");
        services.AddSingleton(options);
        if (options.MetricsPort is null && string.IsNullOrEmpty(options.OtlpEndpoint)) return services;
        services.AddHostedService<BacklogSampler>();
        var telemetry = services.AddOpenTelemetry().ConfigureResource(r => r.AddService(ServiceName));
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(Infrastructure.Metrics.MeterName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddMeter("System.Runtime");
            if (options.MetricsPort is not null) metrics.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);  // each scrape reads now
            if (!string.IsNullOrEmpty(options.OtlpEndpoint)) metrics.AddOtlpExporter(o => o.Endpoint = new Uri(options.OtlpEndpoint));
        });
        if (!string.IsNullOrEmpty(options.OtlpEndpoint))
            telemetry.WithTracing(tracing => tracing.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.TraceSampleRatio)))
                .AddAspNetCoreInstrumentation().AddHttpClientInstrumentation()
                .AddSource(Infrastructure.Tracing.DatabaseActivities.SourceName)
                .AddOtlpExporter(o => o.Endpoint = new Uri(options.OtlpEndpoint)));
        return services;
    }

    /// <summary>/metrics on the metrics port only (404 on every other).</summary>
    public static WebApplication MapTelemetryEndpoints(this WebApplication app)
    {
        if (app.Services.GetRequiredService<TelemetryOptions>().MetricsPort is { } port)
            app.MapPrometheusScrapingEndpoint("/metrics").RequireHost($"*:{port}").ExcludeFromDescription();
        return app;
    }
}
