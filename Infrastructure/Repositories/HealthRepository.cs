using Dapper;

namespace Traceability.Infrastructure.Repositories;

/// <summary>What readiness asks the database: can a write be made, durably, to the database at the configured path?</summary>
public sealed class HealthRepository(Database db)
{
    private const string ProbeSql = "UPDATE health_probe SET probed_at = @Now WHERE id = 1";

    /// <summary>Writes the probe row in a transaction, as every write does; throws what a write would meet.</summary>
    public async Task ProbeAsync(DateTimeOffset now, CancellationToken ct)
    {
        if (db.Dialect.StorageFault() is { } fault) throw new DatabaseFaultException(fault);
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var rows = await connection.ExecuteAsync(new CommandDefinition(db.Sql(ProbeSql), new { Now = now }, transaction, cancellationToken: ct));
        if (rows != 1) throw new DatabaseFaultException("the database at the configured path is not this API's (no health_probe row)");
        await db.CommitAsync(transaction, ct);
    }
}
