using Dapper;

namespace Traceability.Infrastructure.PublicRecords;

/// <summary>How far each batch's hash chain has been verified by the audit (migration record_versions' chain_audits): the
/// sequence and hash of the last verified event, or where the chain broke.</summary>
public sealed class ChainAuditRepository(Database db)
{
    /// <summary>A batch to audit: <see cref="Sequence"/> and <see cref="Hash"/> are its last verified event's (0: none yet).</summary>
    public sealed class Pending
    {
        public long Seq { get; set; }
        public Guid BatchId { get; set; }
        public string Code { get; set; } = "";
        public long Sequence { get; set; }
        public string? Hash { get; set; }
    }

    private const string PendingSql = """
        SELECT {top} b.seq, b.id AS batch_id, b.code, COALESCE(a.sequence, 0) AS sequence, a.hash
        FROM batches b LEFT JOIN chain_audits a ON a.batch_id = b.id
        WHERE b.seq > @After AND b.last_sequence > COALESCE(a.sequence, 0) AND a.broken_at IS NULL
        ORDER BY b.seq {limit}
        """;

    /// <summary>Batches with events appended since the audit last verified them (a keyset page by batch seq).</summary>
    public async Task<IReadOnlyList<Pending>> PendingAsync(long after, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<Pending>(new CommandDefinition(db.Sql(PendingSql), new { After = after, Limit = limit }, cancellationToken: ct))).AsList();
    }

    /// <summary>A batch and the sequence its chain's head says it reached.</summary>
    public sealed class Head
    {
        public long Seq { get; set; }
        public Guid BatchId { get; set; }
        public string Code { get; set; } = "";
        public long LastSequence { get; set; }
    }

    private const string HeadsSql = "SELECT {top} b.seq, b.id AS batch_id, b.code, b.last_sequence FROM batches b WHERE b.seq > @After ORDER BY b.seq {limit}";

    /// <summary>Every batch, a keyset page by seq at a time: what a backup's verification walks (read-only).</summary>
    public async Task<IReadOnlyList<Head>> HeadsAsync(long after, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<Head>(new CommandDefinition(db.Sql(HeadsSql), new { After = after, Limit = limit }, cancellationToken: ct))).AsList();
    }

    private const string UpdateSql = "UPDATE chain_audits SET sequence = @Sequence, hash = @Hash, broken_at = @BrokenAt WHERE batch_id = @BatchId";
    private const string InsertSql = "INSERT INTO chain_audits (batch_id, sequence, hash, broken_at) VALUES (@BatchId, @Sequence, @Hash, @BrokenAt)";

    /// <summary>Records that the chain is verified up to <paramref name="sequence"/>, or that it breaks at
    /// <paramref name="brokenAt"/> (then the audit stops visiting it: the page shows the break, and the log said so).</summary>
    public async Task RecordAsync(Guid batchId, long sequence, string? hash, long? brokenAt, CancellationToken ct)
    {
        var args = new { BatchId = batchId, Sequence = sequence, Hash = hash, BrokenAt = brokenAt };
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(UpdateSql), args, cancellationToken: ct)) == 0)
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertSql), args, cancellationToken: ct));
    }
}
