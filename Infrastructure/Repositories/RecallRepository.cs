using Dapper;
using Traceability.Domain;
using Traceability.Domain.Events;

namespace Traceability.Infrastructure.Repositories;

/// <summary>Recalls a batch and everything made from it, transitively, in one transaction; each newly recalled
/// batch gets a "recalling" event in its hash chain.</summary>
public sealed class RecallRepository(Database db, EventRepository events)
{
    private const string ClosureSql = """
        WITH l (id, depth) AS (
            SELECT @Id, 0
            UNION ALL
            SELECT bp.child_id, l.depth + 1 FROM batch_parents bp JOIN l ON bp.parent_id = l.id WHERE l.depth < @MaxDepth
        )
        SELECT DISTINCT b.id, b.code AS value, b.seq FROM l JOIN batches b ON b.id = l.id ORDER BY b.seq
        """;

    private const string MarkSql = """
        UPDATE batches SET recalled_at = @Now, recall_reason = @Reason
        WHERE id = @Id AND recalled_at IS NULL
        """;

    public sealed record Result(IReadOnlyList<string> AffectedCodes, IReadOnlyList<string> NewlyRecalledCodes);

    public async Task<Result> RecallAsync(Batch root, string reason, string recordedBy, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var closure = (await connection.QueryAsync<Pair<string>>(new CommandDefinition(db.Sql(ClosureSql),
            new { root.Id, LineageRepository.MaxDepth }, transaction, cancellationToken: ct))).ToList();
        var newly = new List<(Guid Id, string Code)>();
        foreach (var batch in closure)
            if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(MarkSql), new { batch.Id, Now = now, Reason = reason }, transaction, cancellationToken: ct)) == 1)
                newly.Add((batch.Id, batch.Value));

        var recallEvents = newly.Select(b => new NewEvent(b.Id, EventType.Recalling, now.ToOffset(VietnamTime.Offset), null, recordedBy, reason,
            b.Id == root.Id ? new Dictionary<string, string>() : new Dictionary<string, string> { ["recalledBecauseOf"] = root.Code },
            [], null)).ToList();
        await events.AppendAsync(connection, transaction, recallEvents, now, ct);
        await db.CommitAsync(transaction, ct);
        return new Result(closure.Select(c => c.Value).ToList(), newly.Select(n => n.Code).ToList());
    }
}
