using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapper;
using Traceability.Domain.Serials;

namespace Traceability.Infrastructure.Repositories;

/// <summary>Issued item serials, what shoppers did with them, and voiding. Serials are stored compactly (serial, issue,
/// position); PINs never (see <see cref="ItemSerial.Pin"/>).</summary>
public sealed class SerialRepository(Database db, Webhooks.WebhookOutbox? outbox = null)
{
    /// <summary>An issue of serials; <paramref name="CompletedAt"/> null while its serials are still being written (they
    /// count for nothing until it is set: no scan finds them and no file is handed out).</summary>
    public sealed record Issue(Guid Id, long Seq, Guid BatchId, int Count, bool WithPin, DateTimeOffset CreatedAt, string? RequestHash,
        DateTimeOffset? CompletedAt = null);

    /// <summary>An item as a scan finds it: its batch, whether its issue has PINs, whether it was voided, what happened to it.</summary>
    public sealed record Item(string Serial, Guid BatchId, bool WithPin, DateTimeOffset? VoidedAt, ItemActivity Activity);

    /// <summary>Two serials of one issue, or of two, came out the same (1 in 10¹² for a million): issue again.</summary>
    public sealed class DuplicateSerialException(Exception inner) : Exception("A serial was issued twice.", inner);

    private const string InsertIssueSql = """
        INSERT INTO serial_issues (id, batch_id, serial_count, with_pin, idempotency_key, request_hash, created_at)
        VALUES (@Id, @BatchId, @Count, @WithPin, @Key, @RequestHash, @CreatedAt);
        SELECT seq FROM serial_issues WHERE id = @Id;
        """;

    // SQL Server: a chunk of serials in one statement, from a JSON array of [serial, position] pairs, sorted by serial so that the
    // primary key grows in order. (Constants ending in "Sqlite" are SQLite's own; the T-SQL parse test leaves them out.)
    private const string InsertSerialsSqlServer = """
        INSERT INTO serials (serial, issue_seq, position)
        SELECT JSON_VALUE(j.value, '$[0]'), @Issue, CONVERT(int, JSON_VALUE(j.value, '$[1]')) FROM OPENJSON(@Serials) j
        """;

    private const string InsertSerialSqlite = "INSERT INTO serials (serial, issue_seq, position) VALUES (@Serial, @Issue, @Position)";

    // SQLite: one prepared statement run per serial, drawn 10,000 at a time (each draw's array stays below the
    // large-object heap). A JSON array of 20,000 serials per statement, as SQL Server takes them, put ~1.5 MB of
    // large objects (the text and its UTF-8 copy) on the heap per chunk, ~70 MB per million, which waited for a full
    // collection: issuing lifted the peak resident set by 24-34 MB, now 2-7 MB (bench/NOTES.md item 19).
    private const int RowChunk = 10_000;

    private static async Task InsertRowsAsync(DbConnection connection, DbTransaction transaction, long seq, int from, int count, Func<int, string[]> draw,
        CancellationToken ct)
    {
        await using var insert = new RepeatedCommand(connection, transaction, InsertSerialSqlite, "Serial", "Issue", "Position");
        var serials = draw(count);
        var positions = new int[serials.Length];
        // Sorted by serial, so that neighbouring inserts land on neighbouring pages; each keeps its position in the file.
        for (var i = 0; i < serials.Length; i++) positions[i] = from + i + 1;
        Array.Sort(serials, positions, 0, serials.Length, StringComparer.Ordinal);
        for (var i = 0; i < serials.Length; i++) await insert.ExecuteAsync(ct, serials[i], seq, (long)positions[i]);
    }

    // SQL Server: a round trip per 20,000 serials, read from a JSON array.
    private const int Chunk = 20_000;

    private async Task InsertChunkAsync(DbConnection connection, DbTransaction transaction, long seq, int from, int count, Func<int, string[]> draw,
        CancellationToken ct)
    {
        var serials = draw(count);
        var json = new StringBuilder(serials.Length * 24);
        // Sorted by serial, so that the primary key grows in order; each keeps its position in the file.
        var order = Enumerable.Range(0, serials.Length).OrderBy(i => serials[i], StringComparer.Ordinal);
        json.Append('[');
        foreach (var i in order)
            json.Append(json.Length > 1 ? ",[\"" : "[\"").Append(serials[i]).Append("\",").Append((from + i + 1).ToString(CultureInfo.InvariantCulture)).Append(']');
        await connection.ExecuteAsync(new CommandDefinition(InsertSerialsSqlServer, new { Issue = seq, Serials = json.Append(']').ToString() }, transaction,
            commandTimeout: 300, cancellationToken: ct));
    }

    private const string CompleteIssueSql = "UPDATE serial_issues SET completed_at = @At WHERE seq = @Seq";
    private const string DeleteIssueSerialsSql = "DELETE FROM serials WHERE issue_seq = @Seq";
    private const string DeleteIssueSql = "DELETE FROM serial_issues WHERE seq = @Seq AND completed_at IS NULL";

    /// <summary>Stores an issue and its <see cref="Issue.Count"/> serials, drawn a chunk at a time (<paramref name="draw"/>
    /// gives n new serials), so a million never sit in memory at once; positions follow the draws. Each chunk is its own
    /// short transaction taking the write turn (10,000 serials on SQLite, ~0.15 s), so other producers' writes go on
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
        var chunk = db.Dialect.Provider == DatabaseProvider.Sqlite ? RowChunk : Chunk;
        try
        {
            for (var from = 0; from < issue.Count; from += chunk)
            {
                using var turn = await db.EnterWriteAsync(ct);
                await using var connection = await db.OpenAsync(ct);
                await using var transaction = await connection.BeginTransactionAsync(ct);
                var n = Math.Min(chunk, issue.Count - from);
                if (db.Dialect.Provider == DatabaseProvider.Sqlite) await InsertRowsAsync(connection, transaction, seq, from, n, draw, ct);
                else await InsertChunkAsync(connection, transaction, seq, from, n, draw, ct);
                await db.CommitAsync(transaction, ct);
            }
            using (var turn = await db.EnterWriteAsync(ct))
            {
                await using var connection = await db.OpenAsync(ct);
                await using var transaction = await connection.BeginTransactionAsync(ct);
                await connection.ExecuteAsync(new CommandDefinition(db.Sql(CompleteIssueSql), new { Seq = seq, At = issue.CreatedAt }, transaction, cancellationToken: ct));
                if (outbox is not null)
                {
                    var batch = await connection.QuerySingleAsync<BatchOwner>(new CommandDefinition(db.Sql(BatchOfIssueSql), new { issue.BatchId }, transaction, cancellationToken: ct));
                    await outbox.AddAsync(connection, transaction, [new(Domain.Webhooks.WebhookKinds.SerialsIssued,
                        new Domain.Webhooks.SerialsIssuedData(issue.Id, issue.BatchId, batch.Code, issue.Count, issue.WithPin,
                            new($"{outbox.BaseUrl}/api/v1/batches/{issue.BatchId}/serials/{issue.Id}", $"{outbox.BaseUrl}/api/v1/batches/{issue.BatchId}/serials/{issue.Id}/labels")),
                        [batch.ProducerId])], issue.CreatedAt, ct);
                }
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

    private const string BatchesOfSql = """
        SELECT s.serial, i.batch_id FROM serials s JOIN serial_issues i ON i.seq = s.issue_seq WHERE s.serial IN @Serials AND i.completed_at IS NOT NULL
        """;

    /// <summary>The batch each of these serials was issued for (serials no one issued are absent).</summary>
    public async Task<IReadOnlyDictionary<string, Guid>> BatchesOfAsync(IReadOnlyCollection<string> serials, CancellationToken ct)
    {
        var found = new Dictionary<string, Guid>(StringComparer.Ordinal);
        if (serials.Count == 0) return found;
        await using var connection = await db.OpenAsync(ct);
        foreach (var part in serials.Distinct().Chunk(500))
            foreach (var (serial, batchId) in await connection.QueryAsync<(string, Guid)>(new CommandDefinition(db.Sql(BatchesOfSql), new { Serials = part }, cancellationToken: ct)))
                found[serial] = batchId;
        return found;
    }

    public sealed record Step(long Sequence, string Type, DateTimeOffset OccurredAt, string? LocationName);

    private const string StepsSql = """
        SELECT e.sequence, e.type, e.occurred_at, e.location_name FROM event_items i JOIN events e ON e.id = i.event_id
        WHERE i.serial = @Serial AND e.batch_id = @BatchId ORDER BY e.sequence
        """;

    /// <summary>The steps of its batch's chain that name the item, in chain order.</summary>
    public async Task<IReadOnlyList<Step>> StepsAsync(string serial, Guid batchId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<Step>(new CommandDefinition(db.Sql(StepsSql), new { Serial = serial, BatchId = batchId }, cancellationToken: ct))).ToList();
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

    private const string ItemSql = """
        SELECT s.serial, i.batch_id, i.with_pin, s.voided_at, a.scan_count, a.first_scanned_at, a.last_scanned_at, a.verified_at,
               a.verify_count, a.failed_pins, a.locked_until, a.distinct_clients, a.pin_failures_total, a.last_pin_failure_at, a.lockouts
        FROM serials s JOIN serial_issues i ON i.seq = s.issue_seq LEFT JOIN serial_activity a ON a.serial = s.serial
        WHERE s.serial = @Serial AND i.completed_at IS NOT NULL
        """;

    /// <summary>An issued item by its serial, in one seek (null when no one issued it).</summary>
    public async Task<Item?> FindAsync(string serial, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<ItemRow>(new CommandDefinition(db.Sql(ItemSql), new { Serial = serial }, cancellationToken: ct));
        return row?.ToItem();
    }

    /// <summary>Scans of one item since the last flush: how many, the first and last, and the clients (keyed hashes of
    /// their address prefixes) they came from, a few at most.</summary>
    public sealed record ScanTally(string Serial, long Count, DateTimeOffset First, DateTimeOffset Last)
    {
        public string[] Clients { get; init; } = [];
    }

    /// <summary>Clients remembered per item: enough to pass any warning threshold, not a log of who scanned it.</summary>
    public const int MaxSightings = 100;

    private const string AddScansSqlite = """
        INSERT INTO serial_activity (serial, scan_count, first_scanned_at, last_scanned_at)
        SELECT j.value ->> '$.s', j.value ->> '$.n', j.value ->> '$.f', j.value ->> '$.l' FROM json_each(@Tallies) j
        WHERE EXISTS (SELECT 1 FROM serials s WHERE s.serial = j.value ->> '$.s')
        ON CONFLICT (serial) DO UPDATE SET scan_count = scan_count + excluded.scan_count,
            first_scanned_at = coalesce(first_scanned_at, excluded.first_scanned_at), last_scanned_at = excluded.last_scanned_at
        """;

    private const string AddScansSqlServer = """
        MERGE serial_activity WITH (HOLDLOCK) AS t
        USING (SELECT JSON_VALUE(j.value, '$.s') AS serial, CONVERT(bigint, JSON_VALUE(j.value, '$.n')) AS n,
                      CONVERT(datetimeoffset(3), JSON_VALUE(j.value, '$.f')) AS f, CONVERT(datetimeoffset(3), JSON_VALUE(j.value, '$.l')) AS l
               FROM OPENJSON(@Tallies) j
               WHERE EXISTS (SELECT 1 FROM serials s WHERE s.serial = JSON_VALUE(j.value, '$.s'))) AS s
        ON t.serial = s.serial
        WHEN MATCHED THEN UPDATE SET scan_count = t.scan_count + s.n, first_scanned_at = coalesce(t.first_scanned_at, s.f), last_scanned_at = s.l
        WHEN NOT MATCHED THEN INSERT (serial, scan_count, first_scanned_at, last_scanned_at) VALUES (s.serial, s.n, s.f, s.l);
        """;

    // The clients an item was scanned from, each once, up to MaxSightings; then how many it has.
    private const string AddSightingsSqlite = """
        INSERT INTO serial_sightings (serial, client, first_seen)
        SELECT j.value ->> '$.s', j.value ->> '$.c', j.value ->> '$.t' FROM json_each(@Sightings) j
        WHERE EXISTS (SELECT 1 FROM serials s WHERE s.serial = j.value ->> '$.s')
          AND (SELECT COUNT(*) FROM serial_sightings x WHERE x.serial = j.value ->> '$.s') < @Max
        ON CONFLICT (serial, client) DO NOTHING
        """;

    private const string CountSightingsSqlite = """
        UPDATE serial_activity SET distinct_clients = (SELECT COUNT(*) FROM serial_sightings x WHERE x.serial = serial_activity.serial)
        WHERE serial IN (SELECT j.value ->> '$.s' FROM json_each(@Sightings) j)
        """;

    private const string AddSightingsSqlServer = """
        INSERT INTO serial_sightings (serial, client, first_seen)
        SELECT n.serial, n.client, n.t
        FROM (SELECT JSON_VALUE(j.value, '$.s') AS serial, JSON_VALUE(j.value, '$.c') AS client, CONVERT(datetimeoffset(3), JSON_VALUE(j.value, '$.t')) AS t
              FROM OPENJSON(@Sightings) j) n
        WHERE EXISTS (SELECT 1 FROM serials s WHERE s.serial = n.serial)
          AND NOT EXISTS (SELECT 1 FROM serial_sightings y WITH (UPDLOCK, HOLDLOCK) WHERE y.serial = n.serial AND y.client = n.client)
          AND (SELECT COUNT(*) FROM serial_sightings x WHERE x.serial = n.serial) < @Max;
        UPDATE a SET distinct_clients = (SELECT COUNT(*) FROM serial_sightings x WHERE x.serial = a.serial)
        FROM serial_activity a WHERE a.serial IN (SELECT JSON_VALUE(j.value, '$.s') FROM OPENJSON(@Sightings) j);
        """;

    /// <summary>Adds buffered scans of issued items, and the clients they came from, in one transaction (a serial no one
    /// issued gets no row: scans of made-up codes store nothing).</summary>
    public async Task AddScansAsync(IReadOnlyCollection<ScanTally> tallies, CancellationToken ct)
    {
        if (tallies.Count == 0) return;
        var json = JsonSerializer.Serialize(tallies.Select(t => new Dictionary<string, object>
        {
            ["s"] = t.Serial, ["n"] = t.Count, ["f"] = Instant(t.First)!, ["l"] = Instant(t.Last)!,
        }));
        var sightings = tallies.Any(t => t.Clients.Length > 0)
            ? JsonSerializer.Serialize(tallies.SelectMany(t => t.Clients.Select(c => new Dictionary<string, object> { ["s"] = t.Serial, ["c"] = c, ["t"] = Instant(t.First)! })))
            : null;
        var sqlite = db.Dialect.Provider == DatabaseProvider.Sqlite;
        using var turn = await db.EnterWriteAsync(ct);  // like every other write: queued here, not in SQLite's busy handler
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sqlite ? AddScansSqlite : AddScansSqlServer, new { Tallies = json }, transaction, cancellationToken: ct));
        if (sightings is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(sqlite ? AddSightingsSqlite : AddSightingsSqlServer,
                new { Sightings = sightings, Max = MaxSightings }, transaction, cancellationToken: ct));
            if (sqlite) await connection.ExecuteAsync(new CommandDefinition(CountSightingsSqlite, new { Sightings = sightings }, transaction, cancellationToken: ct));
        }
        await db.CommitAsync(transaction, ct);  // as every commit: into a removed file, the tallies stay in flight
    }

    private const string EnsureActivitySqlite = "INSERT INTO serial_activity (serial) VALUES (@Serial) ON CONFLICT (serial) DO NOTHING";
    private const string EnsureActivitySqlServer = """
        INSERT INTO serial_activity (serial) SELECT @Serial WHERE NOT EXISTS (SELECT 1 FROM serial_activity WITH (UPDLOCK, HOLDLOCK) WHERE serial = @Serial)
        """;
    private const string ReadPinStateSql = """
        SELECT scan_count, first_scanned_at, last_scanned_at, verified_at, verify_count, failed_pins, locked_until, distinct_clients,
               pin_failures_total, last_pin_failure_at, lockouts
        FROM serial_activity WHERE serial = @Serial
        """;
    private const string WritePinStateSql = """
        UPDATE serial_activity SET verified_at = @VerifiedAt, verify_count = @VerifyCount, failed_pins = @FailedPins, locked_until = @LockedUntil,
            pin_failures_total = @PinFailuresTotal, last_pin_failure_at = @LastPinFailureAt, lockouts = @Lockouts
        WHERE serial = @Serial
        """;
    private const string ReadClientSql = "SELECT failures, window_start, blocked_until FROM pin_clients WHERE client = @Client";
    private const string UpdateClientSql = "UPDATE pin_clients SET failures = @Failures, window_start = @WindowStart, blocked_until = @BlockedUntil WHERE client = @Client";
    private const string InsertClientSql = "INSERT INTO pin_clients (client, failures, window_start, blocked_until) VALUES (@Client, @Failures, @WindowStart, @BlockedUntil)";

    /// <summary>A time as serial_activity keeps it: Unix milliseconds on SQLite (migration 0015: a third of the row that
    /// ISO-8601 text took, and every busy second's scans rewrite rows all over the table), datetimeoffset(3) on SQL
    /// Server. Both read back through <see cref="TypeHandlers.ToDateTimeOffset"/>.</summary>
    private object? Instant(DateTimeOffset? at) => at is not { } t ? null
        : db.Dialect.Provider == DatabaseProvider.Sqlite ? t.ToUnixTimeMilliseconds() : t;

    /// <summary>One PIN entry for an issued item from <paramref name="client"/> (a keyed hash of its address prefix),
    /// decided by <paramref name="policy"/> and recorded in one write transaction, so that the limits hold across
    /// processes.</summary>
    /// <param name="correct">Whether the entry matches the item's PIN (decided by the caller, who holds the secret).</param>
    /// <returns>The outcome; for "verified before", when it was first verified; for a pause, until when.</returns>
    public async Task<(PinOutcome Outcome, DateTimeOffset? At)> RecordPinAsync(string serial, string client, bool correct, PinPolicy policy,
        DateTimeOffset now, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        CommandDefinition Command(string sql, object args) => new(db.Sql(sql), args, transaction, cancellationToken: ct);
        var sqlite = db.Dialect.Provider == DatabaseProvider.Sqlite;
        await connection.ExecuteAsync(new CommandDefinition(sqlite ? EnsureActivitySqlite : EnsureActivitySqlServer, new { Serial = serial }, transaction, cancellationToken: ct));
        var item = (await connection.QuerySingleAsync<ActivityRow>(Command(ReadPinStateSql, new { Serial = serial }))).ToActivity();
        var clientRow = await connection.QuerySingleOrDefaultAsync<ClientRow>(Command(ReadClientSql, new { Client = client }));
        var (outcome, at, after, clientAfter, _) = policy.Decide(item, clientRow?.ToState(), correct, now);
        if (outcome is PinOutcome.FirstVerification or PinOutcome.VerifiedBefore or PinOutcome.Wrong)
        {
            await connection.ExecuteAsync(Command(WritePinStateSql, new
            {
                Serial = serial, VerifiedAt = Instant(after.VerifiedAt), after.VerifyCount, after.FailedPins, LockedUntil = Instant(after.LockedUntil),
                after.PinFailuresTotal, LastPinFailureAt = Instant(after.LastPinFailureAt), after.Lockouts,
            }));
            var args = new { Client = client, clientAfter.Failures, WindowStart = Instant(clientAfter.WindowStart), BlockedUntil = Instant(clientAfter.BlockedUntil) };
            if (await connection.ExecuteAsync(Command(UpdateClientSql, args)) == 0) await connection.ExecuteAsync(Command(InsertClientSql, args));
        }
        await db.CommitAsync(transaction, ct);
        return (outcome, at);
    }

    /// <summary>An item's scans and checks, as its producer follows them (<see cref="ActivityAsync"/>).</summary>
    public sealed record ItemFigures(string Serial, ItemActivity Activity);

    /// <summary>A batch's items in figures: how many were issued, scanned, verified, seen by many clients, and their PIN
    /// failures and lock-outs; and the items that stand out most (wrong PINs, then clients), at most <paramref name="top"/>.</summary>
    public sealed record BatchFigures(long Issued, long Scanned, long Verified, long SeenByMany, long PinFailures, long Lockouts, IReadOnlyList<ItemFigures> Top);

    private const string BatchFiguresSql = """
        SELECT COUNT(*) AS Issued,
               COALESCE(SUM(CASE WHEN a.scan_count > 0 THEN 1 ELSE 0 END), 0) AS Scanned,
               COALESCE(SUM(CASE WHEN a.verified_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS Verified,
               COALESCE(SUM(CASE WHEN a.distinct_clients >= @Threshold THEN 1 ELSE 0 END), 0) AS SeenByMany,
               COALESCE(SUM(a.pin_failures_total), 0) AS PinFailures,
               COALESCE(SUM(a.lockouts), 0) AS Lockouts
        FROM serials s JOIN serial_issues i ON i.seq = s.issue_seq LEFT JOIN serial_activity a ON a.serial = s.serial
        WHERE i.batch_id = @BatchId
        """;

    private const string TopItemsSql = """
        SELECT {top} a.serial, a.scan_count, a.first_scanned_at, a.last_scanned_at, a.verified_at, a.verify_count, a.failed_pins, a.locked_until,
               a.distinct_clients, a.pin_failures_total, a.last_pin_failure_at, a.lockouts
        FROM serial_activity a JOIN serials s ON s.serial = a.serial JOIN serial_issues i ON i.seq = s.issue_seq
        WHERE i.batch_id = @BatchId AND (a.pin_failures_total > 0 OR a.distinct_clients > 1)
        ORDER BY a.pin_failures_total DESC, a.distinct_clients DESC, a.serial {limit}
        """;

    public async Task<BatchFigures> ActivityAsync(Guid batchId, int copyThreshold, int top, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var totals = await connection.QuerySingleAsync<TotalsRow>(new CommandDefinition(db.Sql(BatchFiguresSql),
            new { BatchId = batchId, Threshold = copyThreshold }, cancellationToken: ct));
        var items = (await connection.QueryAsync<ActivityRow>(new CommandDefinition(db.Sql(TopItemsSql), new { BatchId = batchId, Limit = top }, cancellationToken: ct)))
            .Select(r => new ItemFigures(r.Serial, r.ToActivity())).ToList();
        return new BatchFigures(totals.Issued, totals.Scanned, totals.Verified, totals.SeenByMany, totals.PinFailures, totals.Lockouts, items);
    }

    private sealed class TotalsRow
    {
        public long Issued { get; set; }
        public long Scanned { get; set; }
        public long Verified { get; set; }
        public long SeenByMany { get; set; }
        public long PinFailures { get; set; }
        public long Lockouts { get; set; }
    }

    private sealed class ActivityRow
    {
        public string Serial { get; set; } = "";
        public long ScanCount { get; set; }
        public DateTimeOffset? FirstScannedAt { get; set; }
        public DateTimeOffset? LastScannedAt { get; set; }
        public DateTimeOffset? VerifiedAt { get; set; }
        public long VerifyCount { get; set; }
        public int FailedPins { get; set; }
        public DateTimeOffset? LockedUntil { get; set; }
        public int DistinctClients { get; set; }
        public long PinFailuresTotal { get; set; }
        public DateTimeOffset? LastPinFailureAt { get; set; }
        public int Lockouts { get; set; }

        public ItemActivity ToActivity() => new(ScanCount, FirstScannedAt, LastScannedAt, VerifiedAt, VerifyCount, FailedPins, LockedUntil, DistinctClients,
            PinFailuresTotal, LastPinFailureAt, Lockouts);
    }

    private sealed class ClientRow
    {
        public int Failures { get; set; }
        public DateTimeOffset WindowStart { get; set; }
        public DateTimeOffset? BlockedUntil { get; set; }

        public PinClientState ToState() => new(Failures, WindowStart, BlockedUntil);
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

    private sealed class ItemRow
    {
        public string Serial { get; set; } = "";
        public Guid BatchId { get; set; }
        public bool WithPin { get; set; }
        public DateTimeOffset? VoidedAt { get; set; }
        public long? ScanCount { get; set; }
        public DateTimeOffset? FirstScannedAt { get; set; }
        public DateTimeOffset? LastScannedAt { get; set; }
        public DateTimeOffset? VerifiedAt { get; set; }
        public long? VerifyCount { get; set; }
        public int? FailedPins { get; set; }
        public DateTimeOffset? LockedUntil { get; set; }
        public int? DistinctClients { get; set; }
        public long? PinFailuresTotal { get; set; }
        public DateTimeOffset? LastPinFailureAt { get; set; }
        public int? Lockouts { get; set; }
        public Item ToItem() => new(Serial, BatchId, WithPin, VoidedAt,
            new ItemActivity(ScanCount ?? 0, FirstScannedAt, LastScannedAt, VerifiedAt, VerifyCount ?? 0, FailedPins ?? 0, LockedUntil, DistinctClients ?? 0,
                PinFailuresTotal ?? 0, LastPinFailureAt, Lockouts ?? 0));
    }
}
