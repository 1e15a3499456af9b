using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Traceability.Infrastructure;

namespace Traceability.Api.Setup;

/// <summary>Ready means the database answers a query.</summary>
public sealed class DatabaseHealthCheck(Database db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var connection = await db.OpenAsync(ct);
            await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: ct));
            return HealthCheckResult.Healthy();
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("The database did not answer.", e);
        }
    }
}
