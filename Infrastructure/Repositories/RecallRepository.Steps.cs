using System.Data.Common;
using Dapper;
using Traceability.Domain;
using Traceability.Domain.Events;

namespace Traceability.Infrastructure.Repositories;

/// <summary>How a recall spreads and how a withdrawal takes it back: one step at a time, each its own short transaction,
/// in which newly recalled (or released) batches get their event in the hash chain and their announcement.</summary>
public sealed partial class RecallRepository
{
    // Taken first in every step: on SQL Server an exclusive lock on the recall's row for the step's transaction, so two
    // processes never work the same recall at once; on SQLite the write lock, which serialises every write anyway.
    private const string LockSql = "UPDATE recalls SET pending = pending WHERE seq = @Recall";

    private const string ToMarkSql = """
        SELECT {top} batch_seq AS BatchSeq, depth AS Depth FROM recall_batches WHERE recall_seq = @Recall AND state = 0 ORDER BY depth, batch_seq {limit}
        """;

    private const string MarkedToReleaseSql = """
        SELECT {top} batch_seq AS BatchSeq, depth AS Depth FROM recall_batches WHERE recall_seq = @Recall AND state = 1 ORDER BY batch_seq {limit}
        """;

    private const string BatchesBySeqSql = "SELECT seq AS Seq, id AS Id, code AS Code, producer_id AS ProducerId, recalled_at AS RecalledAt FROM batches WHERE seq IN @Seqs";

    private const string MarkSql = "UPDATE batches SET recalled_at = @At, recall_reason = @Reason WHERE seq IN @Seqs AND recalled_at IS NULL";

    // The children of the chunk's batches that this recall has not found yet, each once, at its nearest depth.
    private const string FindChildrenSql = """
        INSERT INTO recall_batches (recall_seq, batch_seq, depth, state)
        SELECT @Recall, c.seq, MIN(r.depth) + 1, 0
        FROM recall_batches r JOIN batches p ON p.seq = r.batch_seq JOIN batch_parents bp ON bp.parent_id = p.id JOIN batches c ON c.id = bp.child_id
        WHERE r.recall_seq = @Recall AND r.batch_seq IN @Seqs
          AND NOT EXISTS (SELECT 1 FROM recall_batches x WHERE x.recall_seq = @Recall AND x.batch_seq = c.seq)
        GROUP BY c.seq
        """;

    private const string SetStateSql = "UPDATE recall_batches SET state = @State WHERE recall_seq = @Recall AND batch_seq IN @Seqs";

    private const string CountMarkedSql = """
        UPDATE recalls SET affected_count = affected_count + @Found, newly_recalled_count = newly_recalled_count + @Newly WHERE seq = @Recall
        """;

    private const string CompleteSql = "UPDATE recalls SET completed_at = @Now, pending = 0 WHERE seq = @Recall AND completed_at IS NULL";

    // A withdrawn recall stops reaching further: what it found but had not marked is left unmarked, a chunk at a time.
    private const string AbandonSql = """
        UPDATE recall_batches SET state = 3
        WHERE recall_seq = @Recall AND batch_seq IN (SELECT {top} batch_seq FROM recall_batches WHERE recall_seq = @Recall AND state = 0 ORDER BY batch_seq {limit})
        """;

    // Which of the chunk's batches another recall, not withdrawn, has marked (or will: found, not yet marked).
    private const string CoveredElsewhereSql = """
        SELECT DISTINCT r.batch_seq FROM recall_batches r JOIN recalls c ON c.seq = r.recall_seq
        WHERE r.batch_seq IN @Seqs AND r.recall_seq <> @Recall AND r.state IN (0, 1) AND c.withdrawn_at IS NULL
        """;

    private const string ReleaseSql = "UPDATE batches SET recalled_at = NULL, recall_reason = NULL WHERE seq IN @Seqs AND recalled_at IS NOT NULL";

    private const string CountReleasedSql = "UPDATE recalls SET released_count = released_count + @Released WHERE seq = @Recall";

    private const string WithdrawalDoneSql = """
        UPDATE recalls SET withdrawal_completed_at = @Now, pending = 0 WHERE seq = @Recall AND withdrawal_completed_at IS NULL
        """;

    /// <summary>One step of the recall's remaining work, in its own transaction: how many batches it handled, 0 when no
    /// work remains (the recall or its withdrawal is then recorded as complete).</summary>
    public async Task<int> StepAsync(long recallSeq, DateTimeOffset now, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var handled = await StepAsync(connection, transaction, recallSeq, now, ct);
        await db.CommitAsync(transaction, ct);
        return handled;
    }

    private async Task<int> StepAsync(DbConnection connection, DbTransaction transaction, long recallSeq, DateTimeOffset now, CancellationToken ct)
    {
        CommandDefinition Command(string sql, object args) => new(db.Sql(sql), args, transaction, cancellationToken: ct);
        if (await connection.ExecuteAsync(Command(LockSql, new { Recall = recallSeq })) == 0) return 0;
        var recall = await connection.QuerySingleAsync<RecallRow>(Command(GetBySeqSql, new { Recall = recallSeq }));
        if (recall.WithdrawnAt is null)
        {
            var chunk = (await connection.QueryAsync<Found>(Command(ToMarkSql, new { Recall = recallSeq, Limit = ChunkSize }))).AsList();
            if (chunk.Count == 0)
            {
                await connection.ExecuteAsync(Command(CompleteSql, new { Recall = recallSeq, Now = now }));
                return 0;
            }
            var seqs = chunk.Select(c => c.BatchSeq).ToList();
            var batches = (await connection.QueryAsync<BatchRow>(Command(BatchesBySeqSql, new { Seqs = seqs }))).AsList();
            var newly = batches.Where(b => b.RecalledAt is null).OrderBy(b => b.Seq).ToList();
            if (newly.Count > 0)
            {
                await connection.ExecuteAsync(Command(MarkSql, new { At = now, recall.Reason, Seqs = newly.Select(b => b.Seq).ToList() }));
                var rootId = recall.BatchId;
                await events.AppendAsync(connection, transaction, newly.Select(b => new NewEvent(b.Id, EventType.Recalling, now.ToOffset(VietnamTime.Offset),
                    null, recall.IssuerName, recall.Reason,
                    b.Id == rootId ? new Dictionary<string, string>() : new Dictionary<string, string> { ["recalledBecauseOf"] = recall.BatchCode },
                    [], null)).ToList(), now, ct);
                await announce.BatchesRecalledAsync(connection, transaction, recall.Notice, newly.Select(b => b.Reached).ToList(), now, ct);
            }
            var found = await connection.ExecuteAsync(Command(FindChildrenSql, new { Recall = recallSeq, Seqs = seqs }));
            await connection.ExecuteAsync(Command(SetStateSql, new { Recall = recallSeq, Seqs = seqs, State = 1 }));
            await connection.ExecuteAsync(Command(CountMarkedSql, new { Recall = recallSeq, Found = found, Newly = newly.Count }));
            return chunk.Count;
        }
        if (await connection.ExecuteAsync(Command(AbandonSql, new { Recall = recallSeq, Limit = ChunkSize })) is > 0 and var abandoned) return abandoned;
        var marked = (await connection.QueryAsync<Found>(Command(MarkedToReleaseSql, new { Recall = recallSeq, Limit = ChunkSize }))).AsList();
        if (marked.Count == 0)
        {
            await connection.ExecuteAsync(Command(WithdrawalDoneSql, new { Recall = recallSeq, Now = now }));
            return 0;
        }
        var markedSeqs = marked.Select(c => c.BatchSeq).ToList();
        var covered = (await connection.QueryAsync<long>(Command(CoveredElsewhereSql, new { Recall = recallSeq, Seqs = markedSeqs }))).ToHashSet();
        var toRelease = markedSeqs.Where(s => !covered.Contains(s)).ToList();
        var released = toRelease.Count == 0 ? []
            : (await connection.QueryAsync<BatchRow>(Command(BatchesBySeqSql, new { Seqs = toRelease }))).Where(b => b.RecalledAt is not null).OrderBy(b => b.Seq).ToList();
        if (released.Count > 0)
        {
            await connection.ExecuteAsync(Command(ReleaseSql, new { Seqs = released.Select(b => b.Seq).ToList() }));
            await events.AppendAsync(connection, transaction, released.Select(b => new NewEvent(b.Id, EventType.RecallWithdrawn, now.ToOffset(VietnamTime.Offset),
                null, recall.WithdrawnByName, recall.WithdrawalReason,
                new Dictionary<string, string> { ["withdrawnRecallOf"] = recall.BatchCode }, [], null)).ToList(), now, ct);
            await announce.BatchesReleasedAsync(connection, transaction, recall.Notice, released.Select(b => b.Reached).ToList(), now, ct);
        }
        await connection.ExecuteAsync(Command(SetStateSql, new { Recall = recallSeq, Seqs = markedSeqs, State = 2 }));
        await connection.ExecuteAsync(Command(CountReleasedSql, new { Recall = recallSeq, Released = released.Count }));
        return marked.Count;
    }

    private sealed class Found
    {
        public long BatchSeq { get; set; }
        public int Depth { get; set; }
    }

    private sealed class BatchRow
    {
        public long Seq { get; set; }
        public Guid Id { get; set; }
        public string Code { get; set; } = "";
        public Guid ProducerId { get; set; }
        public DateTimeOffset? RecalledAt { get; set; }

        public Webhooks.BatchReached Reached => new(Id, Code, ProducerId);
    }
}
