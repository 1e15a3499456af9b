using Dapper;
using Traceability.Domain;
using Traceability.Domain.Events;

namespace Traceability.Infrastructure.Repositories;

/// <summary>Recalls a batch and everything made from it, transitively; each newly recalled batch gets a "recalling"
/// event in its hash chain.</summary>
public sealed class RecallRepository(Database db, EventRepository events, LineageRepository lineage, Webhooks.WebhookOutbox? outbox = null)
{
    private const string CodesSql = "SELECT id, code, seq, producer_id FROM batches WHERE id IN @Ids";

    private const string MarkSql = """
        UPDATE batches SET recalled_at = @Now, recall_reason = @Reason
        WHERE id = @Id AND recalled_at IS NULL
        """;

    public sealed record Result(IReadOnlyList<string> AffectedCodes, IReadOnlyList<string> NewlyRecalledCodes);

    /// <summary>The affected set is walked before the write lock is taken, which is then held only to write. A batch
    /// made from an affected one while the walk ran (before it was marked) is caught by walking again after the write:
    /// once marked, a batch can no longer be used as an input, so the walks end.</summary>
    public async Task<Result> RecallAsync(Batch root, string reason, string recordedBy, DateTimeOffset now, CancellationToken ct)
    {
        var affected = new Dictionary<Guid, string>();
        var newly = new List<string>();
        while (true)
        {
            var closure = await ClosureAsync(root.Id, ct);
            var fresh = closure.Where(c => !affected.ContainsKey(c.Id)).ToList();
            if (fresh.Count == 0) break;
            foreach (var (id, code, _) in fresh) affected[id] = code;
            newly.AddRange(await MarkAsync(root, fresh, reason, recordedBy, now, ct));
        }
        return new Result(affected.Values.ToList(), newly);
    }

    /// <summary>The batch and every batch made from it, in registration order.</summary>
    private async Task<List<(Guid Id, string Code, Guid ProducerId)>> ClosureAsync(Guid rootId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var ids = (await lineage.WalkAsync(connection, null, rootId, LineageRepository.Direction.Descendants, LineageRepository.MaxNodes, ct)).Keys.Prepend(rootId).ToList();
        var rows = new List<CodeRow>();
        foreach (var chunk in ids.Chunk(500))
            rows.AddRange(await connection.QueryAsync<CodeRow>(new CommandDefinition(db.Sql(CodesSql), new { Ids = chunk }, cancellationToken: ct)));
        return rows.OrderBy(r => r.Seq).Select(r => (r.Id, r.Code, r.ProducerId)).ToList();
    }

    private sealed class CodeRow
    {
        public Guid Id { get; set; }
        public string Code { get; set; } = "";
        public long Seq { get; set; }
        public Guid ProducerId { get; set; }
    }

    /// <summary>batch.recalled, for each newly recalled batch: to its producer (for a batch made from the recalled one,
    /// that is the downstream producer, who is told which of its lots the recall reached and why) and to every authority.</summary>
    private Webhooks.WebhookOutbox.Message Announcement(Batch root, Guid id, string code, Guid producerId, string reason, DateTimeOffset now) =>
        new(Domain.Webhooks.WebhookKinds.BatchRecalled,
            new Domain.Webhooks.BatchRecalledData(id, code, producerId, reason, now, id == root.Id ? null : new(root.Id, root.Code),
                new($"{outbox!.BaseUrl}/api/v1/batches/{id}", $"{outbox.BaseUrl}/p/{code}")),
            [producerId], ToAuthorities: true);

    /// <summary>Marks the batches recalled and records the recall in each newly recalled one's chain, in one short transaction.</summary>
    private async Task<List<string>> MarkAsync(Batch root, List<(Guid Id, string Code, Guid ProducerId)> batches, string reason, string recordedBy,
        DateTimeOffset now, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var newly = new List<(Guid Id, string Code, Guid ProducerId)>();
        foreach (var batch in batches)
            if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(MarkSql), new { batch.Id, Now = now, Reason = reason }, transaction, cancellationToken: ct)) == 1)
                newly.Add(batch);

        var recallEvents = newly.Select(b => new NewEvent(b.Id, EventType.Recalling, now.ToOffset(VietnamTime.Offset), null, recordedBy, reason,
            b.Id == root.Id ? new Dictionary<string, string>() : new Dictionary<string, string> { ["recalledBecauseOf"] = root.Code },
            [], null)).ToList();
        await events.AppendAsync(connection, transaction, recallEvents, now, ct);
        if (outbox is not null)
            await outbox.AddAsync(connection, transaction, newly.Select(b => Announcement(root, b.Id, b.Code, b.ProducerId, reason, now)).ToList(), now, ct);
        await db.CommitAsync(transaction, ct);
        return newly.Select(n => n.Code).ToList();
    }
}
