using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Traceability.Api.Endpoints;

public sealed record HealthResponse(string Status);

public static class HealthEndpoints
{
    /// <summary>Liveness and readiness, at the root for orchestrators and load balancers. Anonymous.</summary>
    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        var group = app.MapGroup("/health").WithTags("Health").AllowAnonymous();
        group.MapGet("/live", Live).WithName("Live").WithSummary("Liveness: the process is up.");
        group.MapGet("/ready", Ready).WithName("Ready").WithSummary("Readiness: the database answers a query.");
        return app;
    }

    public static Ok<HealthResponse> Live() => TypedResults.Ok(new HealthResponse("healthy"));

    public static async Task<Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>>> Ready(HealthCheckService health, CancellationToken ct)
    {
        var report = await health.CheckHealthAsync(c => c.Tags.Contains("ready"), ct);
        return report.Status == HealthStatus.Healthy
            ? TypedResults.Ok(new HealthResponse("healthy"))
            : TypedResults.Json(new HealthResponse("unhealthy"), statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
