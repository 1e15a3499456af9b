using System.Data.Common;
using System.Globalization;
using System.Text;
using Dapper;

namespace Traceability.Infrastructure.SqlServer;

/// <summary>What SQL Server writes its own way: set-based upserts from a JSON array (MERGE … WITH (HOLDLOCK), so two
/// processes flushing at once cannot both insert a row), datetimeoffset(3) times, serials a JSON chunk per statement,
/// and compound pages as a subquery (TOP would apply to a compound's first part only).</summary>
public sealed partial class SqlServerDialect
{
    public const string AddBatchScans = """
        MERGE scan_counts WITH (HOLDLOCK) AS t
        USING (SELECT CONVERT(uniqueidentifier, JSON_VALUE(j.value, '$.b')) AS batch_id,
                      CONVERT(bigint, JSON_VALUE(j.value, '$.n')) AS n, CONVERT(datetimeoffset(3), JSON_VALUE(j.value, '$.f')) AS f,
                      CONVERT(datetimeoffset(3), JSON_VALUE(j.value, '$.l')) AS l
               FROM OPENJSON(@Tallies) j) AS s
        ON t.batch_id = s.batch_id
        WHEN MATCHED THEN UPDATE SET scan_count = t.scan_count + s.n, last_scanned_at = s.l
        WHEN NOT MATCHED THEN INSERT (batch_id, scan_count, first_scanned_at, last_scanned_at) VALUES (s.batch_id, s.n, s.f, s.l);
        """;

    public const string AddProductMonths = """
        MERGE product_scan_months WITH (HOLDLOCK) AS t
        USING (SELECT b.product_id, x.month, SUM(x.n) AS n
               FROM (SELECT CONVERT(uniqueidentifier, JSON_VALUE(j.value, '$.b')) AS batch_id, CONVERT(int, JSON_VALUE(j.value, '$.m')) AS month,
                            CONVERT(bigint, JSON_VALUE(j.value, '$.n')) AS n
                     FROM OPENJSON(@Tallies) j) AS x
               JOIN batches b ON b.id = x.batch_id
               GROUP BY b.product_id, x.month) AS s
        ON t.product_id = s.product_id AND t.month = s.month
        WHEN MATCHED THEN UPDATE SET scans = t.scans + s.n
        WHEN NOT MATCHED THEN INSERT (product_id, month, scans) VALUES (s.product_id, s.month, s.n);
        """;

    public const string AddLotSignals = """
        MERGE lot_signals WITH (HOLDLOCK) AS t
        USING (SELECT CONVERT(uniqueidentifier, JSON_VALUE(j.value, '$.b')) AS batch_id, CONVERT(bigint, JSON_VALUE(j.value, '$.c')) AS c,
                      CONVERT(bigint, JSON_VALUE(j.value, '$.p')) AS p, CONVERT(bigint, JSON_VALUE(j.value, '$.k')) AS k,
                      CONVERT(bigint, JSON_VALUE(j.value, '$.u')) AS u, CONVERT(bigint, JSON_VALUE(j.value, '$.v')) AS v,
                      CONVERT(bigint, JSON_VALUE(j.value, '$.f')) AS f
               FROM OPENJSON(@Signals) j) AS s
        ON t.batch_id = s.batch_id
        WHEN MATCHED THEN UPDATE SET copied_items = t.copied_items + s.c, pin_failures = t.pin_failures + s.p, lockouts = t.lockouts + s.k,
            unissued_scans = t.unissued_scans + s.u, voided_scans = t.voided_scans + s.v, first_item_scans = t.first_item_scans + s.f
        WHEN NOT MATCHED THEN INSERT (batch_id, copied_items, pin_failures, lockouts, unissued_scans, voided_scans, first_item_scans)
            VALUES (s.batch_id, s.c, s.p, s.k, s.u, s.v, s.f);
        """;

    public const string AddItemScans = """
        MERGE serial_activity WITH (HOLDLOCK) AS t
        USING (SELECT JSON_VALUE(j.value, '$.s') AS serial, CONVERT(bigint, JSON_VALUE(j.value, '$.n')) AS n,
                      CONVERT(datetimeoffset(3), JSON_VALUE(j.value, '$.f')) AS f, CONVERT(datetimeoffset(3), JSON_VALUE(j.value, '$.l')) AS l
               FROM OPENJSON(@Tallies) j
               WHERE EXISTS (SELECT 1 FROM serials s WHERE s.serial = JSON_VALUE(j.value, '$.s'))) AS s
        ON t.serial = s.serial
        WHEN MATCHED THEN UPDATE SET scan_count = t.scan_count + s.n, first_scanned_at = coalesce(t.first_scanned_at, s.f), last_scanned_at = s.l
        WHEN NOT MATCHED THEN INSERT (serial, scan_count, first_scanned_at, last_scanned_at) VALUES (s.serial, s.n, s.f, s.l);
        """;

    public const string AddSightings = """
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

    public const string EnsureItemActivity = """
        INSERT INTO serial_activity (serial) SELECT @Serial WHERE NOT EXISTS (SELECT 1 FROM serial_activity WITH (UPDLOCK, HOLDLOCK) WHERE serial = @Serial)
        """;

    // A chunk of serials in one statement, from a JSON array of [serial, position] pairs.
    public const string InsertSerials = """
        INSERT INTO serials (serial, issue_seq, position)
        SELECT JSON_VALUE(j.value, '$[0]'), @Issue, CONVERT(int, JSON_VALUE(j.value, '$[1]')) FROM OPENJSON(@Serials) j
        """;

    public string AddBatchScansSql => AddBatchScans;
    public string AddProductMonthsSql => AddProductMonths;
    public string AddLotSignalsSql => AddLotSignals;
    public string AddItemScansSql => AddItemScans;
    public string AddSightingsSql => AddSightings;
    public string EnsureItemActivitySql => EnsureItemActivity;

    public object? CompactTime(DateTimeOffset? at) => at;

    public string CompactTimeJson(DateTimeOffset at) => "\"" + at.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture) + "\"";

    // A round trip per 20,000 serials.
    public int SerialChunk => 20_000;

    /// <summary>The chunk as one JSON array, sorted by serial so that the primary key grows in order; each keeps its position.</summary>
    public async Task InsertSerialsAsync(DbConnection connection, DbTransaction transaction, long issueSeq, int firstPosition, string[] serials,
        CancellationToken ct)
    {
        var json = new StringBuilder(serials.Length * 24).Append('[');
        foreach (var i in Enumerable.Range(0, serials.Length).OrderBy(i => serials[i], StringComparer.Ordinal))
            json.Append(json.Length > 1 ? ",[\"" : "[\"").Append(serials[i]).Append("\",").Append((firstPosition + i).ToString(CultureInfo.InvariantCulture)).Append(']');
        await connection.ExecuteAsync(new CommandDefinition(InsertSerials, new { Issue = issueSeq, Serials = json.Append(']').ToString() }, transaction,
            commandTimeout: 300, cancellationToken: ct));
    }

    public string OrderedPage(string union, bool throughIndex) =>
        $"SELECT TOP (@Limit) BatchId, BatchSeq, Sequence, EventId FROM ({union}) m ORDER BY BatchSeq, Sequence";
}
