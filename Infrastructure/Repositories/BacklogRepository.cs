using Dapper;

namespace Traceability.Infrastructure.Repositories;

/// <summary>What is waiting, for the operators' gauges (Metrics): webhook deliveries not yet made and the oldest of them,
/// public records waiting to be rebuilt, events the chain audit has not yet checked, and chains it found broken.</summary>
public sealed class BacklogRepository(Database db)
{
    public sealed record Backlog(long PendingDeliveries, DateTimeOffset? OldestPendingDelivery, long StaleRecords, long UnauditedEvents, long BrokenChains);

    private const string PendingDeliveriesSql = "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'";
    private const string OldestPendingDeliverySql = "SELECT {top} created_at FROM webhook_deliveries WHERE status = 'pending' ORDER BY seq {limit}";
    private const string StaleRecordsSql = """
        SELECT COUNT(*) FROM batches b JOIN public_records r ON r.batch_id = b.id WHERE b.record_version <> r.built_version
        """;
    private const string UnauditedEventsSql = """
        SELECT COALESCE(SUM(b.last_sequence - COALESCE(a.sequence, 0)), 0)
        FROM batches b LEFT JOIN chain_audits a ON a.batch_id = b.id WHERE b.last_sequence > COALESCE(a.sequence, 0)
        """;
    private const string BrokenChainsSql = "SELECT COUNT(*) FROM chain_audits WHERE broken_at IS NOT NULL";

    public async Task<Backlog> SampleAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var pending = await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(PendingDeliveriesSql), cancellationToken: ct));
        var oldest = pending == 0 ? null
            : await connection.ExecuteScalarAsync<object?>(new CommandDefinition(db.Sql(OldestPendingDeliverySql), new { Limit = 1 }, cancellationToken: ct));
        return new Backlog(pending, oldest is null or DBNull ? null : TypeHandlers.ToDateTimeOffset(oldest),
            await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(StaleRecordsSql), cancellationToken: ct)),
            await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(UnauditedEventsSql), cancellationToken: ct)),
            await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(BrokenChainsSql), cancellationToken: ct)));
    }
}
