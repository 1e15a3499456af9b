using Microsoft.Extensions.Diagnostics.HealthChecks;
using Traceability.Infrastructure;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Hosting;

/// <summary>Ready means a write would succeed now: the probe writes a row in a transaction to the database at the
/// configured path (a removed or replaced SQLite file, a full disk or a read-only file all fail it).</summary>
public sealed class DatabaseHealthCheck(HealthRepository health, Database db, TimeProvider clock, ILogger<DatabaseHealthCheck> logger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await health.ProbeAsync(clock.GetUtcNow(), ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var cause = db.Fault(e) ?? "the database did not accept a write";
            logger.LogWarning("Not ready: {Cause} ({Error})", cause, e.Message);
            return HealthCheckResult.Unhealthy(cause, e);
        }
    }
}
