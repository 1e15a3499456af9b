using System.Diagnostics;

namespace Traceability.Api.Hosting;

/// <summary>Logs an operator can search: in Production one JSON object a line (UTC timestamps, the scopes: RequestPath,
/// RequestId, TraceId, SpanId), so that the traceId a shopper's or an app's problem details carry leads to the request's
/// log lines and, with Telemetry:OtlpEndpoint, to its trace. Plain text elsewhere, for people at a terminal.</summary>
public static class LoggingSetup
{
    public static ILoggingBuilder AddTraceabilityLogging(this ILoggingBuilder logging, IHostEnvironment environment)
    {
        logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        if (!environment.IsProduction()) return logging;
        logging.ClearProviders();
        logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ";
        });
        return logging;
    }

    /// <summary>The id problem details carry as traceId: the request's W3C trace id, as the logs' TraceId scope has it.</summary>
    public static string TraceId(HttpContext context) => Activity.Current?.TraceId.ToHexString() ?? context.TraceIdentifier;
}
