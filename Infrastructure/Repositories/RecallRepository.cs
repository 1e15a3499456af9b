using System.Data.Common;
using Dapper;
using Traceability.Domain;
using Traceability.Domain.Events;

namespace Traceability.Infrastructure.Repositories;

/// <summary>Recalls (migration recalls): the recalled batch is marked in the request's transaction; the batches
/// made from it are found and marked by <see cref="StepAsync"/>, <see cref="ChunkSize"/> at a time, each step its own
/// short transaction, so a recall of any size lands without any writer waiting long, and a crash leaves work the next
/// step resumes. A withdrawal releases the recall's batches the same way (those no other recall covers). Each newly
/// recalled or released batch gets the event in its hash chain.</summary>
public sealed partial class RecallRepository(Database db, EventRepository events, Webhooks.IAnnouncements announce)
{
    /// <summary>Batches marked or released per step: ~50 chain appends, a few milliseconds of write lock, so a writer queued
    /// behind a step waits about as long as behind another writer (bench/NOTES.md, "Recalls").</summary>
    public const int ChunkSize = 50;

    private const string InsertRecallSql = """
        INSERT INTO recalls (id, batch_id, reason, issuer_role, issuer_id, issuer_name, issuer_level, recalled_at, affected_count,
                             newly_recalled_count, pending)
        VALUES (@Id, @BatchId, @Reason, @IssuerRole, @IssuerId, @IssuerName, @IssuerLevel, @RecalledAt, 1, 0, 1);
        SELECT seq FROM recalls WHERE id = @Id;
        """;

    private const string InsertRootSql = """
        INSERT INTO recall_batches (recall_seq, batch_seq, depth, state) SELECT @Recall, seq, 0, 0 FROM batches WHERE id = @BatchId
        """;

    /// <summary>Records a recall of <paramref name="root"/> and marks the batch itself, in one transaction; returns it
    /// with the batches made from it found, still to be marked by <see cref="StepAsync"/>.</summary>
    public async Task<Recall> StartAsync(Batch root, string reason, RecallIssuer issuer, DateTimeOffset now, CancellationToken ct)
    {
        var id = Guid.CreateVersion7(now);
        using (var turn = await db.EnterWriteAsync(ct))
        {
            await using var connection = await db.OpenAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            var seq = await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(InsertRecallSql), new
            {
                Id = id, BatchId = root.Id, Reason = reason, IssuerRole = WireEnum<RecallIssuerRole>.Name(issuer.Role), IssuerId = issuer.Id,
                IssuerName = issuer.Name, IssuerLevel = issuer.Level is { } l ? WireEnum<AuthorityLevel>.Name(l) : null, RecalledAt = now,
            }, transaction, cancellationToken: ct));
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertRootSql), new { Recall = seq, BatchId = root.Id }, transaction, cancellationToken: ct));
            await StepAsync(connection, transaction, seq, now, ct);
            await db.CommitAsync(transaction, ct);
        }
        return (await GetAsync(id, ct))!;
    }

    private const string WithdrawSql = """
        UPDATE recalls SET withdrawn_at = @At, withdrawn_by = @By, withdrawn_by_name = @ByName, withdrawal_reason = @Reason, pending = 1
        WHERE seq = @Recall AND withdrawn_at IS NULL
        """;

    /// <summary>Records a recall's withdrawal (the batches it marked are then released by <see cref="StepAsync"/>); false
    /// when it was withdrawn already.</summary>
    public async Task<bool> WithdrawAsync(long recallSeq, RecallWithdrawal w, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var changed = await connection.ExecuteAsync(new CommandDefinition(db.Sql(WithdrawSql),
            new { Recall = recallSeq, w.At, w.By, w.ByName, w.Reason }, transaction, cancellationToken: ct));
        await db.CommitAsync(transaction, ct);
        return changed == 1;
    }

    private const string PendingSql = "SELECT {top} seq FROM recalls WHERE pending = 1 ORDER BY seq {limit}";

    /// <summary>Recalls with marking or releasing left, oldest first.</summary>
    public async Task<IReadOnlyList<long>> PendingAsync(int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<long>(new CommandDefinition(db.Sql(PendingSql), new { Limit = limit }, cancellationToken: ct))).AsList();
    }

    private const string RecallColumns = """
        r.seq, r.id, r.batch_id, b.code AS batch_code, b.producer_id, r.reason, r.issuer_role, r.issuer_id, r.issuer_name, r.issuer_level,
        r.recalled_at, r.affected_count, r.newly_recalled_count, r.completed_at, r.withdrawn_at, r.withdrawn_by, r.withdrawn_by_name,
        r.withdrawal_reason, r.released_count, r.withdrawal_completed_at
        """;

    private const string GetBySeqSql = $"SELECT {RecallColumns} FROM recalls r JOIN batches b ON b.id = r.batch_id WHERE r.seq = @Recall";
    private const string GetSql = $"SELECT {RecallColumns} FROM recalls r JOIN batches b ON b.id = r.batch_id WHERE r.id = @Id";

    public async Task<Recall?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<RecallRow>(new CommandDefinition(db.Sql(GetSql), new { Id = id }, cancellationToken: ct)))?.ToRecall();
    }

    private const string CoveringSql = $"""
        SELECT {RecallColumns} FROM recall_batches c JOIN recalls r ON r.seq = c.recall_seq JOIN batches b ON b.id = r.batch_id
        WHERE c.batch_seq = (SELECT seq FROM batches WHERE id = @BatchId) ORDER BY r.seq
        """;

    /// <summary>Every recall that reached the batch (itself or a batch it was made from), withdrawn ones included, oldest first.</summary>
    public async Task<IReadOnlyList<Recall>> ReachingAsync(Guid batchId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<RecallRow>(new CommandDefinition(db.Sql(CoveringSql), new { BatchId = batchId }, cancellationToken: ct)))
            .Select(r => r.ToRecall()).ToList();
    }

    /// <summary>A batch a recall reached: how far from the recalled one, and whether the recall has marked it yet.</summary>
    public sealed record Reached(long Seq, Guid BatchId, string Code, string LotNumber, string? Gtin, Guid ProducerId, string ProducerName, string ProductName,
        int Depth, int State, bool Recalled);

    private const string ReachedSql = """
        SELECT {top} b.seq AS Seq, b.id AS BatchId, b.code AS Code, b.lot_number AS LotNumber, p.gtin AS Gtin, b.producer_id AS ProducerId,
               pr.name AS ProducerName, p.name AS ProductName, r.depth AS Depth, r.state AS State,
               CASE WHEN b.recalled_at IS NULL THEN 0 ELSE 1 END AS Recalled
        FROM recall_batches r JOIN batches b ON b.seq = r.batch_seq JOIN products p ON p.id = b.product_id JOIN producers pr ON pr.id = b.producer_id
        WHERE r.recall_seq = @Recall AND r.batch_seq > @After ORDER BY r.batch_seq {limit}
        """;

    /// <summary>A keyset page of the batches the recall has reached so far, in registration order.</summary>
    public async Task<Page<Reached>> ReachedAsync(long recallSeq, long after, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = (await connection.QueryAsync<ReachedRow>(new CommandDefinition(db.Sql(ReachedSql),
            new { Recall = recallSeq, After = after, Limit = limit + 1 }, cancellationToken: ct))).AsList();
        return Paging.ToPage(rows, limit, r => r.Seq, r => new Reached(r.Seq, r.BatchId, r.Code, r.LotNumber, r.Gtin, r.ProducerId, r.ProducerName,
            r.ProductName, r.Depth, r.State, r.Recalled != 0));
    }

    private sealed class ReachedRow
    {
        public long Seq { get; set; }
        public Guid BatchId { get; set; }
        public string Code { get; set; } = "";
        public string LotNumber { get; set; } = "";
        public string? Gtin { get; set; }
        public Guid ProducerId { get; set; }
        public string ProducerName { get; set; } = "";
        public string ProductName { get; set; } = "";
        public int Depth { get; set; }
        public int State { get; set; }
        public long Recalled { get; set; }
    }

    private sealed class RecallRow
    {
        public long Seq { get; set; }
        public Guid Id { get; set; }
        public Guid BatchId { get; set; }
        public string BatchCode { get; set; } = "";
        public Guid ProducerId { get; set; }
        public string Reason { get; set; } = "";
        public string IssuerRole { get; set; } = "";
        public Guid? IssuerId { get; set; }
        public string IssuerName { get; set; } = "";
        public string? IssuerLevel { get; set; }
        public DateTimeOffset RecalledAt { get; set; }
        public long AffectedCount { get; set; }
        public long NewlyRecalledCount { get; set; }
        public DateTimeOffset? CompletedAt { get; set; }
        public DateTimeOffset? WithdrawnAt { get; set; }
        public Guid? WithdrawnBy { get; set; }
        public string? WithdrawnByName { get; set; }
        public string? WithdrawalReason { get; set; }
        public long ReleasedCount { get; set; }
        public DateTimeOffset? WithdrawalCompletedAt { get; set; }

        public Webhooks.RecallNotice Notice => new(Id, BatchId, BatchCode, Reason, WithdrawalReason);

        public Recall ToRecall() => new(Id, Seq, BatchId, BatchCode, ProducerId, Reason,
            new RecallIssuer(WireEnum<RecallIssuerRole>.Parse(IssuerRole), IssuerId, IssuerName, IssuerLevel is null ? null : WireEnum<AuthorityLevel>.Parse(IssuerLevel)),
            RecalledAt, AffectedCount, NewlyRecalledCount, CompletedAt,
            WithdrawnAt is { } at ? new RecallWithdrawal(at, WithdrawnBy ?? Guid.Empty, WithdrawnByName ?? "", WithdrawalReason ?? "") : null,
            ReleasedCount, WithdrawalCompletedAt);
    }
}
