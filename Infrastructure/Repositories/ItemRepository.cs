using System.Data.Common;
using System.Text.Json;
using Dapper;
using Traceability.Domain.Serials;

namespace Traceability.Infrastructure.Repositories;

/// <summary>Issued items as shoppers meet them: found by their serial, their scans and the clients they came from, PIN
/// checks, the steps that name them, and a batch's items in figures for their producer.</summary>
public sealed class ItemRepository(Database db)
{
    /// <summary>An item as a scan finds it: its batch, whether its issue has PINs, whether it was voided, what happened to it.</summary>
    public sealed record Item(string Serial, Guid BatchId, bool WithPin, DateTimeOffset? VoidedAt, ItemActivity Activity);

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

    /// <summary>Scans of one item since the last flush: how many, the first and last, and the clients (keyed hashes of
    /// their address prefixes) they came from, a few at most.</summary>
    public sealed record ScanTally(string Serial, long Count, DateTimeOffset First, DateTimeOffset Last)
    {
        public string[] Clients { get; init; } = [];
    }

    /// <summary>Clients remembered per item: enough to pass any warning threshold, not a log of who scanned it.</summary>
    public const int MaxSightings = 100;

    /// <summary>Adds buffered scans of issued items, and the clients they came from, and the lots' counterfeit signals they
    /// raise (first scans, scans of voided serials, items passing the copied-label warning of <paramref name="copyThreshold"/>
    /// clients, counted once each; scans of serials never issued, by lot: <paramref name="unissued"/>), in one transaction.
    /// A serial no one issued gets no row: scans of made-up codes store only their lot's count.</summary>
    public async Task AddScansAsync(IReadOnlyCollection<ScanTally> tallies, IReadOnlyDictionary<Guid, long> unissued, int copyThreshold, DateTimeOffset now,
        CancellationToken ct)
    {
        if (tallies.Count == 0 && unissued.Count == 0) return;
        var json = JsonSerializer.Serialize(tallies.Select(t => new Dictionary<string, object>
        {
            ["s"] = t.Serial, ["n"] = t.Count, ["f"] = db.Dialect.CompactTime(t.First)!, ["l"] = db.Dialect.CompactTime(t.Last)!,
        }));
        var sightings = tallies.Any(t => t.Clients.Length > 0)
            ? JsonSerializer.Serialize(tallies.SelectMany(t => t.Clients.Select(c => new Dictionary<string, object> { ["s"] = t.Serial, ["c"] = c, ["t"] = db.Dialect.CompactTime(t.First)! })))
            : null;
        using var turn = await db.EnterWriteAsync(ct);  // like every other write: queued here, not in SQLite's busy handler
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var signals = unissued.ToDictionary(u => u.Key, u => new LotSignal(u.Key) { Unissued = u.Value });
        LotSignal Of(Guid batchId) => signals.TryGetValue(batchId, out var s) ? s : signals[batchId] = new LotSignal(batchId);
        if (tallies.Count > 0)
        {
            var serials = tallies.Select(t => t.Serial).ToList();
            var states = (await connection.QueryAsync<ItemState>(new CommandDefinition(db.Sql(ItemStatesSql), new { Serials = serials }, transaction,
                cancellationToken: ct))).ToDictionary(s => s.Serial, StringComparer.Ordinal);
            foreach (var t in tallies)
            {
                if (!states.TryGetValue(t.Serial, out var state)) continue;
                if (state.Voided != 0) Of(state.BatchId).Voided += t.Count;
                else if (state.Scanned == 0) Of(state.BatchId).FirstScans++;
            }
            await connection.ExecuteAsync(new CommandDefinition(db.Dialect.AddItemScansSql, new { Tallies = json }, transaction, cancellationToken: ct));
            if (sightings is not null)
                await connection.ExecuteAsync(new CommandDefinition(db.Dialect.AddSightingsSql, new { Sightings = sightings, Max = MaxSightings }, transaction,
                    cancellationToken: ct));
            var copied = (await connection.QueryAsync<string>(new CommandDefinition(db.Sql(NewlyCopiedSql), new { Serials = serials, Threshold = copyThreshold },
                transaction, cancellationToken: ct))).AsList();
            if (copied.Count > 0)
            {
                await connection.ExecuteAsync(new CommandDefinition(db.Sql(MarkCopiedSql), new { Serials = copied, At = db.Dialect.CompactTime(now) }, transaction,
                    cancellationToken: ct));
                foreach (var serial in copied) Of(states[serial].BatchId).Copied++;
            }
        }
        await AddSignalsAsync(connection, transaction, signals.Values, ct);
        await db.CommitAsync(transaction, ct);  // as every commit: into a removed file, the tallies stay in flight
    }

    // What the flush needs to know of the serials it writes: their lot, whether voided, whether scanned before.
    private const string ItemStatesSql = """
        SELECT s.serial AS Serial, i.batch_id AS BatchId, CASE WHEN s.voided_at IS NULL THEN 0 ELSE 1 END AS Voided,
               CASE WHEN a.first_scanned_at IS NULL THEN 0 ELSE 1 END AS Scanned
        FROM serials s JOIN serial_issues i ON i.seq = s.issue_seq LEFT JOIN serial_activity a ON a.serial = s.serial
        WHERE s.serial IN @Serials AND i.completed_at IS NOT NULL
        """;

    private const string BatchOfSerialSql = "SELECT i.batch_id FROM serials s JOIN serial_issues i ON i.seq = s.issue_seq WHERE s.serial = @Serial";
    private const string NewlyCopiedSql = "SELECT serial FROM serial_activity WHERE serial IN @Serials AND distinct_clients >= @Threshold AND copied_at IS NULL";
    private const string MarkCopiedSql = "UPDATE serial_activity SET copied_at = @At WHERE serial IN @Serials AND copied_at IS NULL";

    private sealed class ItemState
    {
        public string Serial { get; set; } = "";
        public Guid BatchId { get; set; }
        public long Voided { get; set; }
        public long Scanned { get; set; }
    }

    /// <summary>One lot's counterfeit signals to add (lot_signals).</summary>
    private sealed class LotSignal(Guid batchId)
    {
        public Guid BatchId { get; } = batchId;
        public long Copied { get; set; }
        public long PinFailures { get; set; }
        public long Lockouts { get; set; }
        public long Unissued { get; set; }
        public long Voided { get; set; }
        public long FirstScans { get; set; }
    }

    private async Task AddSignalsAsync(DbConnection connection, DbTransaction transaction, IEnumerable<LotSignal> signals, CancellationToken ct)
    {
        var list = signals.Where(s => s.Copied + s.PinFailures + s.Lockouts + s.Unissued + s.Voided + s.FirstScans > 0).ToList();
        if (list.Count == 0) return;
        var json = JsonSerializer.Serialize(list.Select(s => new Dictionary<string, object>
        {
            ["b"] = s.BatchId.ToString("D").ToUpperInvariant(), ["c"] = s.Copied, ["p"] = s.PinFailures, ["k"] = s.Lockouts, ["u"] = s.Unissued,
            ["v"] = s.Voided, ["f"] = s.FirstScans,
        }));
        await connection.ExecuteAsync(new CommandDefinition(db.Dialect.AddLotSignalsSql, new { Signals = json }, transaction, cancellationToken: ct));
    }

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
        await connection.ExecuteAsync(new CommandDefinition(db.Dialect.EnsureItemActivitySql, new { Serial = serial }, transaction, cancellationToken: ct));
        var item = (await connection.QuerySingleAsync<ActivityRow>(Command(ReadPinStateSql, new { Serial = serial }))).ToActivity();
        var clientRow = await connection.QuerySingleOrDefaultAsync<ClientRow>(Command(ReadClientSql, new { Client = client }));
        var (outcome, at, after, clientAfter, _) = policy.Decide(item, clientRow?.ToState(), correct, now);
        if (outcome is PinOutcome.FirstVerification or PinOutcome.VerifiedBefore or PinOutcome.Wrong)
        {
            await connection.ExecuteAsync(Command(WritePinStateSql, new
            {
                Serial = serial, VerifiedAt = db.Dialect.CompactTime(after.VerifiedAt), after.VerifyCount, after.FailedPins, LockedUntil = db.Dialect.CompactTime(after.LockedUntil),
                after.PinFailuresTotal, LastPinFailureAt = db.Dialect.CompactTime(after.LastPinFailureAt), after.Lockouts,
            }));
            var args = new { Client = client, clientAfter.Failures, WindowStart = db.Dialect.CompactTime(clientAfter.WindowStart), BlockedUntil = db.Dialect.CompactTime(clientAfter.BlockedUntil) };
            if (await connection.ExecuteAsync(Command(UpdateClientSql, args)) == 0) await connection.ExecuteAsync(Command(InsertClientSql, args));
            if (outcome is PinOutcome.Wrong)  // the lot's counterfeit signals, for the OCOP office's report
            {
                var batchId = await connection.QuerySingleAsync<Guid>(Command(BatchOfSerialSql, new { Serial = serial }));
                var signal = new LotSignal(batchId) { PinFailures = after.PinFailuresTotal - item.PinFailuresTotal, Lockouts = after.Lockouts - item.Lockouts };
                await AddSignalsAsync(connection, transaction, [signal], ct);
            }
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
