using Dapper;

namespace Traceability.Infrastructure.Repositories;

/// <summary>Issues of item serials: writing them a chunk at a time, the printer's file back in order, voiding. Serials
/// are stored compactly (serial, issue, position); PINs never (see Domain.Serials.ItemSerial.Pin).</summary>
public sealed class SerialIssueRepository(Database db, Webhooks.IAnnouncements announce)
{
    /// <summary>An issue of serials; <paramref name="CompletedAt"/> null while its serials are still being written (they
    /// count for nothing until it is set: no scan finds them and no file is handed out).</summary>
    public sealed record Issue(Guid Id, long Seq, Guid BatchId, int Count, bool WithPin, DateTimeOffset CreatedAt, string? RequestHash,
        DateTimeOffset? CompletedAt = null);

    /// <summary>Two serials of one issue, or of two, came out the same (1 in 10¹² for a million): issue again.</summary>
    public sealed class DuplicateSerialException(Exception inner) : Exception("A serial was issued twice.", inner);

    private const string InsertIssueSql = """
        INSERT INTO serial_issues (id, batch_id, serial_count, with_pin, idempotency_key, request_hash, created_at)
        VALUES (@Id, @BatchId, @Count, @WithPin, @Key, @RequestHash, @CreatedAt);
        SELECT seq FROM serial_issues WHERE id = @Id;
        """;

    private const string CompleteIssueSql = "UPDATE serial_issues SET completed_at = @At WHERE seq = @Seq";
    private const string DeleteIssueSerialsSql = "DELETE FROM serials WHERE issue_seq = @Seq";
    private const string DeleteIssueSql = "DELETE FROM serial_issues WHERE seq = @Seq AND completed_at IS NULL";

    /// <summary>Stores an issue and its <see cref="Issue.Count"/> serials, drawn a chunk at a time (<paramref name="draw"/>
    /// gives n new serials), so a million never sit in memory at once; positions follow the draws. Each chunk is its own
    /// short transaction taking the write turn (<see cref="ISqlDialect.SerialChunk"/>: 10,000 serials on SQLite, ~0.15 s), so other producers' writes go on
    /// between them instead of waiting out a million; the issue counts only once its last transaction marks it complete.</summary>
    /// <exception cref="DuplicateSerialException">A serial exists already (or was drawn twice); the issue and what it had
    /// written are removed.</exception>
    /// <exception cref="ConflictException">Another request stored an issue under the same Idempotency-Key first.</exception>
    public async Task<long> IssueAsync(Issue issue, string? idempotencyKey, Func<int, string[]> draw, CancellationToken ct)
    {
        long seq;
        using (var turn = await db.EnterWriteAsync(ct))
        {
            await using var connection = await db.OpenAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            try
            {
                seq = await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(InsertIssueSql), new
                {
                    issue.Id, issue.BatchId, issue.Count, issue.WithPin, Key = idempotencyKey, issue.RequestHash, issue.CreatedAt,
                }, transaction, cancellationToken: ct));
            }
            catch (Exception e) when (db.Dialect.IsUniqueViolation(e))
            {
                throw new Domain.ConflictException("Another request with this Idempotency-Key issued serials for this batch first; repeat it to get them.");
            }
            await db.CommitAsync(transaction, ct);
        }
        var chunk = db.Dialect.SerialChunk;
        try
        {
            for (var from = 0; from < issue.Count; from += chunk)
            {
                using var turn = await db.EnterWriteAsync(ct);
                await using var connection = await db.OpenAsync(ct);
                await using var transaction = await connection.BeginTransactionAsync(ct);
                await db.Dialect.InsertSerialsAsync(connection, transaction, seq, from + 1, draw(Math.Min(chunk, issue.Count - from)), ct);
                await db.CommitAsync(transaction, ct);
            }
            using (var turn = await db.EnterWriteAsync(ct))
            {
                await using var connection = await db.OpenAsync(ct);
                await using var transaction = await connection.BeginTransactionAsync(ct);
                await connection.ExecuteAsync(new CommandDefinition(db.Sql(CompleteIssueSql), new { Seq = seq, At = issue.CreatedAt }, transaction, cancellationToken: ct));
                var batch = await connection.QuerySingleAsync<BatchOwner>(new CommandDefinition(db.Sql(BatchOfIssueSql), new { issue.BatchId }, transaction, cancellationToken: ct));
                await announce.SerialsIssuedAsync(connection, transaction, issue, new Webhooks.BatchReached(issue.BatchId, batch.Code, batch.ProducerId), ct);
                await db.CommitAsync(transaction, ct);
            }
        }
        catch (Exception e)
        {
            // What was written goes: a retry issues afresh. If the database itself failed, removing may fail too, and the
            // incomplete issue, which counts for nothing, is removed at the next start (RemoveAbandonedAsync).
            try { await RemoveAsync(seq, CancellationToken.None); }
            catch (Exception) when (!db.Dialect.IsUniqueViolation(e)) { }
            if (db.Dialect.IsUniqueViolation(e)) throw new DuplicateSerialException(e);
            throw;
        }
        return seq;
    }

    /// <summary>Removes an issue that was never completed, and the serials it had written.</summary>
    public async Task RemoveAsync(long seq, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(DeleteIssueSerialsSql), new { Seq = seq }, transaction, commandTimeout: 300, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(DeleteIssueSql), new { Seq = seq }, transaction, cancellationToken: ct));
        await db.CommitAsync(transaction, ct);
    }

    private const string AbandonedSql = "SELECT seq FROM serial_issues WHERE completed_at IS NULL AND {instant}(created_at) < {instant}(@Before)";

    /// <summary>Removes issues left incomplete by a process that died while writing them (started before <paramref name="before"/>).</summary>
    public async Task<int> RemoveAbandonedAsync(DateTimeOffset before, CancellationToken ct)
    {
        List<long> abandoned;
        await using (var connection = await db.OpenAsync(ct))
            abandoned = (await connection.QueryAsync<long>(new CommandDefinition(db.Sql(AbandonedSql), new { Before = before }, cancellationToken: ct))).AsList();
        foreach (var seq in abandoned) await RemoveAsync(seq, ct);
        return abandoned.Count;
    }

    private const string BatchOfIssueSql = "SELECT producer_id, code FROM batches WHERE id = @BatchId";

    private sealed class BatchOwner
    {
        public Guid ProducerId { get; set; }
        public string Code { get; set; } = "";
    }

    /// <summary>Stores an issue with the given serials (position 1 first).</summary>
    public Task<long> IssueAsync(Issue issue, string? idempotencyKey, IReadOnlyList<string> serials, CancellationToken ct)
    {
        var next = 0;
        return IssueAsync(issue with { Count = serials.Count }, idempotencyKey, n => { var drawn = serials.Skip(next).Take(n).ToArray(); next += n; return drawn; }, ct);
    }

    private const string IssuedByProducerSql = """
        SELECT COALESCE(SUM(i.serial_count), 0) FROM serial_issues i JOIN batches b ON b.id = i.batch_id WHERE b.producer_id = @ProducerId
        """;

    /// <summary>How many serials the producer holds (every issue of every batch of its, voided ones included).</summary>
    public async Task<long> IssuedByProducerAsync(Guid producerId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(IssuedByProducerSql), new { ProducerId = producerId }, cancellationToken: ct));
    }

    private const string IssueColumns = "id, seq, batch_id, serial_count AS count, with_pin, created_at, request_hash, completed_at";

    private const string IssueByKeySql = $"SELECT {IssueColumns} FROM serial_issues WHERE batch_id = @BatchId AND idempotency_key = @Key";

    public async Task<Issue?> FindByKeyAsync(Guid batchId, string key, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<IssueRow>(new CommandDefinition(db.Sql(IssueByKeySql), new { BatchId = batchId, Key = key }, cancellationToken: ct)))
            .Select(r => r.ToIssue()).SingleOrDefault();
    }

    private const string IssueSql = $"SELECT {IssueColumns} FROM serial_issues WHERE id = @Id";

    public async Task<Issue?> GetIssueAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<IssueRow>(new CommandDefinition(db.Sql(IssueSql), new { Id = id }, cancellationToken: ct)))
            .Select(r => r.ToIssue()).SingleOrDefault();
    }

    private const string IssuesSql = $"SELECT {IssueColumns} FROM serial_issues WHERE batch_id = @BatchId AND completed_at IS NOT NULL ORDER BY seq";

    public async Task<IReadOnlyList<Issue>> ListIssuesAsync(Guid batchId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<IssueRow>(new CommandDefinition(db.Sql(IssuesSql), new { BatchId = batchId }, cancellationToken: ct)))
            .Select(r => r.ToIssue()).ToList();
    }

    private const string SerialsOfIssueSql = "SELECT position, serial, voided_at FROM serials WHERE issue_seq = @Issue ORDER BY position";

    /// <summary>An issue's serials in the order of its file, read as they stream (a million do not sit in memory).</summary>
    public async IAsyncEnumerable<(int Position, string Serial, bool Voided)> SerialsAsync(long issueSeq,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = db.Sql(SerialsOfIssueSql);
        var p = command.CreateParameter();
        p.ParameterName = "@Issue";
        p.Value = issueSeq;
        command.Parameters.Add(p);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) yield return (reader.GetInt32(0), reader.GetString(1), !reader.IsDBNull(2));
    }

    private const string RangeSql = """
        SELECT {top} position, serial FROM serials WHERE issue_seq = @Issue AND position >= @From AND voided_at IS NULL ORDER BY position {limit}
        """;

    /// <summary>Up to <paramref name="count"/> serials of an issue from a position on, voided ones left out (labels to print).</summary>
    public async Task<IReadOnlyList<(int Position, string Serial)>> RangeAsync(long issueSeq, int from, int count, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<(int, string)>(new CommandDefinition(db.Sql(RangeSql),
            new { Issue = issueSeq, From = from, Limit = count }, cancellationToken: ct))).ToList();
    }

    private const string VoidRangeSql = """
        UPDATE serials SET voided_at = @At
        WHERE issue_seq = (SELECT seq FROM serial_issues WHERE id = @IssueId AND batch_id = @BatchId)
          AND position BETWEEN @From AND @To AND voided_at IS NULL
        """;

    private const string VoidListSql = """
        UPDATE serials SET voided_at = @At
        WHERE serial IN @Serials AND voided_at IS NULL
          AND issue_seq IN (SELECT seq FROM serial_issues WHERE batch_id = @BatchId)
        """;

    /// <summary>Voids an issue's positions from–to, or a list of serials, of this batch only; returns how many it voided.</summary>
    public async Task<int> VoidAsync(Guid batchId, Guid? issueId, int from, int to, IReadOnlyList<string> serials, DateTimeOffset at, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var voided = 0;
        if (issueId is not null)
            voided += await connection.ExecuteAsync(new CommandDefinition(db.Sql(VoidRangeSql),
                new { At = at, IssueId = issueId, BatchId = batchId, From = from, To = to }, transaction, cancellationToken: ct));
        foreach (var part in serials.Chunk(500))
            voided += await connection.ExecuteAsync(new CommandDefinition(db.Sql(VoidListSql),
                new { At = at, Serials = part, BatchId = batchId }, transaction, cancellationToken: ct));
        await db.CommitAsync(transaction, ct);
        return voided;
    }

    private sealed class IssueRow
    {
        public Guid Id { get; set; }
        public long Seq { get; set; }
        public Guid BatchId { get; set; }
        public int Count { get; set; }
        public bool WithPin { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public string? RequestHash { get; set; }
        public DateTimeOffset? CompletedAt { get; set; }
        public Issue ToIssue() => new(Id, Seq, BatchId, Count, WithPin, CreatedAt, RequestHash, CompletedAt);
    }

}
