using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Traceability.Api.Hosting;

/// <param name="Cause">Why it is not ready (for example "the disk is full"); absent when healthy.</param>
public sealed record HealthResponse(string Status, string? Cause = null);

public static class HealthEndpoints
{
    /// <summary>Liveness and readiness, at the root for orchestrators and load balancers. Anonymous.</summary>
    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        var group = app.MapGroup("/health").WithTags("Health").AllowAnonymous();
        group.MapGet("/live", Live).WithName("Live").WithSummary("Liveness: the process is up.");
        group.MapGet("/ready", Ready).WithName("Ready")
            .WithSummary("Readiness: a write to the database at the configured path succeeds now. 503 with the cause and Retry-After until it does.");
        return app;
    }

    public static Ok<HealthResponse> Live() => TypedResults.Ok(new HealthResponse("healthy"));

    public static async Task<Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>>> Ready(
        HealthCheckService health, HttpContext context, CancellationToken ct)
    {
        var report = await health.CheckHealthAsync(c => c.Tags.Contains("ready"), ct);
        if (report.Status == HealthStatus.Healthy) return TypedResults.Ok(new HealthResponse("healthy"));
        context.Response.Headers.RetryAfter = Problems.ProblemHandler.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var cause = string.Join("; ", report.Entries.Values.Where(e => e.Status != HealthStatus.Healthy).Select(e => e.Description));
        return TypedResults.Json(new HealthResponse("unhealthy", cause), statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
