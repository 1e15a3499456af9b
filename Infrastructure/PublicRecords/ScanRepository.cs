using System.Globalization;
using System.Text;

namespace Traceability.Infrastructure.PublicRecords;

/// <summary>Scan counts, written in batches from memory by the background flusher.</summary>
public sealed class ScanRepository(Database db)
{
    public sealed record Tally(Guid BatchId, long Count, DateTimeOffset First, DateTimeOffset Last);

    // The upsert is the one statement written twice: SQLite's INSERT … ON CONFLICT and SQL Server's MERGE, both reading
    // the tallies from one JSON array. "WHERE true" tells SQLite's parser that ON CONFLICT belongs to the INSERT.
    // (Constants ending in "Sqlite" are SQLite's own; the T-SQL parse test leaves them out.)
    private const string AddSqlite = """
        INSERT INTO scan_counts (batch_id, scan_count, first_scanned_at, last_scanned_at)
        SELECT j.value ->> '$.b', j.value ->> '$.n', j.value ->> '$.f', j.value ->> '$.l' FROM json_each(@Tallies) j WHERE true
        ON CONFLICT (batch_id) DO UPDATE SET scan_count = scan_count + excluded.scan_count, last_scanned_at = excluded.last_scanned_at
        """;

    // HOLDLOCK: two processes flushing a new batch's first scans at once cannot both insert it.
    private const string AddSqlServer = """
        MERGE scan_counts WITH (HOLDLOCK) AS t
        USING (SELECT CONVERT(uniqueidentifier, JSON_VALUE(j.value, '$.b')) AS batch_id,
                      CONVERT(bigint, JSON_VALUE(j.value, '$.n')) AS n, CONVERT(datetimeoffset(3), JSON_VALUE(j.value, '$.f')) AS f,
                      CONVERT(datetimeoffset(3), JSON_VALUE(j.value, '$.l')) AS l
               FROM OPENJSON(@Tallies) j) AS s
        ON t.batch_id = s.batch_id
        WHEN MATCHED THEN UPDATE SET scan_count = t.scan_count + s.n, last_scanned_at = s.l
        WHEN NOT MATCHED THEN INSERT (batch_id, scan_count, first_scanned_at, last_scanned_at) VALUES (s.batch_id, s.n, s.f, s.l);
        """;

    /// <summary>Adds the tallies with one set-based statement (an upsert over a JSON array), not one statement per
    /// tally: a busy second holds tens of thousands of them.</summary>
    public async Task AddAsync(IReadOnlyCollection<Tally> tallies, CancellationToken ct)
    {
        if (tallies.Count == 0) return;
        using var turn = await db.EnterWriteAsync(ct);  // like every other write: queued here, not in SQLite's busy handler
        await using var connection = await db.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = db.Dialect.Provider == DatabaseProvider.Sqlite ? AddSqlite : AddSqlServer;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@Tallies";
        parameter.Value = Json(tallies, db.Dialect.Provider == DatabaseProvider.Sqlite);
        command.Parameters.Add(parameter);
        await command.ExecuteNonQueryAsync(ct);
        // As every commit: written into a file that is no longer the configured one, the tallies are kept for the next flush.
        db.Dialect.EnsureAtConfiguredPath(connection);
    }

    /// <summary>[{"b":"…","n":3,"f":…,"l":…}, …]: the batch id as upper-case text (as Microsoft.Data.Sqlite stores a
    /// Guid parameter; SQL Server reads any case), the count, and the first and last scan: Unix milliseconds for SQLite
    /// (migration 0016), ISO 8601 text with offset for SQL Server's datetimeoffset.</summary>
    private static string Json(IReadOnlyCollection<Tally> tallies, bool sqlite)
    {
        var text = new StringBuilder(tallies.Count * 130).Append('[');
        foreach (var t in tallies)
        {
            if (text.Length > 1) text.Append(',');
            text.Append("{\"b\":\"").Append(Id(t.BatchId)).Append("\",\"n\":").Append(t.Count.ToString(CultureInfo.InvariantCulture))
                .Append(",\"f\":").Append(Time(t.First, sqlite)).Append(",\"l\":").Append(Time(t.Last, sqlite)).Append('}');
        }
        return text.Append(']').ToString();
    }

    private static string Id(Guid id) => id.ToString("D").ToUpperInvariant();

    /// <summary>Sorts the tallies in place in the order their rows are stored on SQLite (by id text, which is Guid's own
    /// order): written in this order, neighbouring rows share pages, and chunks of it touch separate pages.</summary>
    public static void SortInStorageOrder(List<Tally> tallies) => tallies.Sort(static (a, b) => a.BatchId.CompareTo(b.BatchId));

    private static string Time(DateTimeOffset value, bool sqlite) => sqlite
        ? value.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)
        : "\"" + value.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture) + "\"";
}
