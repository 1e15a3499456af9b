using System.Data.Common;
using System.Globalization;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Infrastructure.Sqlite;

/// <summary>What SQLite writes its own way: set-based upserts from a JSON array (INSERT … ON CONFLICT), times in the
/// compact activity tables as Unix milliseconds, serials one prepared insert at a time, and ordered compound pages.</summary>
public sealed partial class SqliteDialect
{
    // "WHERE true" tells SQLite's parser that ON CONFLICT belongs to the INSERT.
    private const string AddBatchScans = """
        INSERT INTO scan_counts (batch_id, scan_count, first_scanned_at, last_scanned_at)
        SELECT j.value ->> '$.b', j.value ->> '$.n', j.value ->> '$.f', j.value ->> '$.l' FROM json_each(@Tallies) j WHERE true
        ON CONFLICT (batch_id) DO UPDATE SET scan_count = scan_count + excluded.scan_count, last_scanned_at = excluded.last_scanned_at
        """;

    private const string AddProductMonths = """
        INSERT INTO product_scan_months (product_id, month, scans)
        SELECT b.product_id, j.value ->> '$.m', SUM(j.value ->> '$.n') FROM json_each(@Tallies) j JOIN batches b ON b.id = j.value ->> '$.b'
        GROUP BY b.product_id, j.value ->> '$.m'
        ON CONFLICT (product_id, month) DO UPDATE SET scans = scans + excluded.scans
        """;

    private const string AddLotSignals = """
        INSERT INTO lot_signals (batch_id, copied_items, pin_failures, lockouts, unissued_scans, voided_scans, first_item_scans)
        SELECT j.value ->> '$.b', j.value ->> '$.c', j.value ->> '$.p', j.value ->> '$.k', j.value ->> '$.u', j.value ->> '$.v', j.value ->> '$.f'
        FROM json_each(@Signals) j WHERE true
        ON CONFLICT (batch_id) DO UPDATE SET copied_items = copied_items + excluded.copied_items, pin_failures = pin_failures + excluded.pin_failures,
            lockouts = lockouts + excluded.lockouts, unissued_scans = unissued_scans + excluded.unissued_scans,
            voided_scans = voided_scans + excluded.voided_scans, first_item_scans = first_item_scans + excluded.first_item_scans
        """;

    private const string AddItemScans = """
        INSERT INTO serial_activity (serial, scan_count, first_scanned_at, last_scanned_at)
        SELECT j.value ->> '$.s', j.value ->> '$.n', j.value ->> '$.f', j.value ->> '$.l' FROM json_each(@Tallies) j
        WHERE EXISTS (SELECT 1 FROM serials s WHERE s.serial = j.value ->> '$.s')
        ON CONFLICT (serial) DO UPDATE SET scan_count = scan_count + excluded.scan_count,
            first_scanned_at = coalesce(first_scanned_at, excluded.first_scanned_at), last_scanned_at = excluded.last_scanned_at
        """;

    // The clients an item was scanned from, each once, up to @Max; then how many it has.
    private const string AddSightings = """
        INSERT INTO serial_sightings (serial, client, first_seen)
        SELECT j.value ->> '$.s', j.value ->> '$.c', j.value ->> '$.t' FROM json_each(@Sightings) j
        WHERE EXISTS (SELECT 1 FROM serials s WHERE s.serial = j.value ->> '$.s')
          AND (SELECT COUNT(*) FROM serial_sightings x WHERE x.serial = j.value ->> '$.s') < @Max
        ON CONFLICT (serial, client) DO NOTHING;
        UPDATE serial_activity SET distinct_clients = (SELECT COUNT(*) FROM serial_sightings x WHERE x.serial = serial_activity.serial)
        WHERE serial IN (SELECT j.value ->> '$.s' FROM json_each(@Sightings) j);
        """;

    private const string EnsureItemActivity = "INSERT INTO serial_activity (serial) VALUES (@Serial) ON CONFLICT (serial) DO NOTHING";

    private const string InsertSerial = "INSERT INTO serials (serial, issue_seq, position) VALUES (@Serial, @Issue, @Position)";

    public string AddBatchScansSql => AddBatchScans;
    public string AddProductMonthsSql => AddProductMonths;
    public string AddLotSignalsSql => AddLotSignals;
    public string AddItemScansSql => AddItemScans;
    public string AddSightingsSql => AddSightings;
    public string EnsureItemActivitySql => EnsureItemActivity;

    // SQLite migrations serial_activity_times and scan_count_times: a third of the row that ISO-8601 text took, and every busy second's scans rewrite rows
    // all over these tables.
    public object? CompactTime(DateTimeOffset? at) => at?.ToUnixTimeMilliseconds();

    public string CompactTimeJson(DateTimeOffset at) => at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    // 10,000 a transaction (~0.1–0.15 s of the write lock), drawn and sorted at once: each draw's array stays below the
    // large-object heap.
    public int SerialChunk => 10_000;

    /// <summary>One prepared insert per serial, sorted by serial so that neighbouring inserts land on neighbouring pages;
    /// each keeps its position in the file. (A JSON array per statement, as SQL Server takes them, put ~70 MB of large
    /// objects on the heap per million.)</summary>
    public async Task InsertSerialsAsync(DbConnection connection, DbTransaction transaction, long issueSeq, int firstPosition, string[] serials,
        CancellationToken ct)
    {
        await using var insert = new RepeatedCommand(connection, transaction, InsertSerial, "Serial", "Issue", "Position");
        var positions = new int[serials.Length];
        for (var i = 0; i < serials.Length; i++) positions[i] = firstPosition + i;
        Array.Sort(serials, positions, 0, serials.Length, StringComparer.Ordinal);
        for (var i = 0; i < serials.Length; i++) await insert.ExecuteAsync(ct, serials[i], issueSeq, (long)positions[i]);
    }

    // Walking, SQLite merges the ordered parts of a compound SELECT and stops at the limit; the same parts as a subquery
    // are read whole and sorted, which is what a page read through an index wants (few rows, found out of order).
    public string OrderedPage(string union, bool throughIndex) => throughIndex
        ? $"SELECT BatchId, BatchSeq, Sequence, EventId FROM ({union}) m ORDER BY BatchSeq, Sequence LIMIT @Limit"
        : $"{union} ORDER BY BatchSeq, Sequence LIMIT @Limit";
}
