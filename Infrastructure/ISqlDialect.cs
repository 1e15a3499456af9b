using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace Traceability.Infrastructure;

/// <summary>Everything that differs between the databases, in one place per provider:
/// connections, paging, identity, types, error codes and migrations.</summary>
public interface ISqlDialect
{
    DatabaseProvider Provider { get; }

    /// <summary>The database's name in OpenTelemetry's conventions (db.system.name), for the spans of its statements.</summary>
    string TelemetryName { get; }

    /// <summary>Opens a connection prepared for use (pragmas on SQLite, retry logic on SQL Server).</summary>
    Task<DbConnection> OpenAsync(CancellationToken ct);

    /// <summary>A connection for public reads that may lag the primary by a moment: to the readable secondary when
    /// ConnectionStrings:TraceabilityReadOnly names one (SQL Server: always with ApplicationIntent=ReadOnly; SQLite: always
    /// opened read-only), else to the primary. Nothing is ever written through it.</summary>
    Task<DbConnection> OpenSecondaryAsync(CancellationToken ct);

    /// <summary>Replaces the portable paging tokens <c>{top}</c> and <c>{limit}</c> (both read <c>@Limit</c>), and
    /// <c>{instant}(x)</c>, which compares a stored time as an instant whatever offset it was written with, and
    /// <c>{noindex}(x)</c>: the same value, through no index of its column (SQLite's unary plus), so that the planner takes
    /// the narrower condition beside it (a named lot, not every batch of its producer).</summary>
    string Render(string sql);

    bool IsUniqueViolation(Exception exception);

    /// <summary>A turn to write, taken just before a write transaction begins and released after it ends. SQLite has one
    /// writer at a time: writers of this process queue here in order instead of sleeping in SQLite's busy handler
    /// (which wakes them late and wasted most of the lock's time under load). SQL Server locks rows: no turn needed.</summary>
    ValueTask<IDisposable> EnterWriteAsync(CancellationToken ct);

    /// <summary>A failure of the database rather than of the request (disk full, read-only, cannot open, I/O error, busy
    /// past the timeout, corrupt; SQL Server's transient errors, timeouts, failover, login failure): its cause in a few
    /// words, for the log and the 503. Null for anything else.</summary>
    string? DescribeFault(Exception exception);

    /// <summary>After a fault: drops pooled connections, so that none that saw the fault (a read-only open, a removed
    /// file) is used again and the API recovers once the cause is gone.</summary>
    void Recover();

    /// <summary>Throws <see cref="DatabaseFaultException"/> when <paramref name="connection"/> no longer writes to the
    /// database at the configured path (SQLite: the file was removed or replaced since it was opened).</summary>
    void EnsureAtConfiguredPath(System.Data.Common.DbConnection connection);

    /// <summary>For readiness: what the storage under the database says before any write (SQLite: the file is missing,
    /// or its file system has less than <see cref="MinFreeBytes"/> free); null when nothing is wrong or nothing is known.</summary>
    string? StorageFault();

    /// <summary>Below this much free space a write may fail half-way: not ready.</summary>
    const long MinFreeBytes = 1024 * 1024;

    /// <summary>The hot path's single-row read (a public record's part by code): <paramref name="sql"/> with positional
    /// <paramref name="values"/> for its parameters <c>@p0</c>, <c>@p1</c>…; null when no row. SQLite keeps the statement
    /// prepared on a few dedicated reader connections (preparing it cost a tenth of a read); SQL Server caches plans itself.</summary>
    /// <param name="secondary">Read through <see cref="OpenSecondaryAsync"/> (a public read); false reads the primary (a
    /// read right after this process wrote, which a lagging secondary may not show yet).</param>
    Task<T?> ReadRowAsync<T>(string sql, object[] values, Func<DbDataReader, T> read, bool secondary, CancellationToken ct) where T : class;

    /// <summary>Creates the database if needed and runs the embedded, journalled migration scripts.</summary>
    void Migrate(ILogger logger);

    /// <summary>Writes an online, consistent copy of the database to <paramref name="path"/> while writes go on, and opens
    /// it read-only to be verified (the caller disposes it). Null when the service does not back this database up itself
    /// (SQL Server: its native BACKUP DATABASE, docs/operations.md).</summary>
    Task<ISqlDialect?> BackUpIntoAsync(string path, CancellationToken ct);

    /// <summary>The database's own structural check: null when it passes, else its first findings.</summary>
    Task<string?> IntegrityProblemAsync(CancellationToken ct);

    // The statements whose text differs between the databases; each provider's are in its *Dialect.Statements.cs.

    /// <summary>Adds a JSON array of lots' scan tallies ({"b","n","f","l"}) to scan_counts, in one statement.</summary>
    string AddBatchScansSql { get; }

    /// <summary>Adds the same tallies ({"b","n","m": yyyymm}) to product_scan_months, by their lots' products and months.</summary>
    string AddProductMonthsSql { get; }

    /// <summary>Adds a JSON array of lots' counterfeit signals ({"b","c","p","k","u","v","f"}: copied items, PIN failures,
    /// lock-outs, never-issued scans, voided scans, first item scans) to lot_signals, in one statement.</summary>
    string AddLotSignalsSql { get; }

    /// <summary>Adds a JSON array of items' scan tallies ({"s","n","f","l"}) to serial_activity (issued serials only).</summary>
    string AddItemScansSql { get; }

    /// <summary>Records a JSON array of sightings ({"s","c","t"}: the clients items were scanned from, at most @Max an
    /// item) and recounts each item's distinct clients.</summary>
    string AddSightingsSql { get; }

    /// <summary>Makes sure an item has its activity row (@Serial), without a race between processes.</summary>
    string EnsureItemActivitySql { get; }

    /// <summary>A time as the compact activity tables keep it (serial_activity, scan_counts, serial_sightings, pin_clients).
    /// Both databases read it back through TypeHandlers.ToDateTimeOffset.</summary>
    object? CompactTime(DateTimeOffset? at);

    /// <summary>The same time as a JSON value, for the set-based statements above.</summary>
    string CompactTimeJson(DateTimeOffset at);

    /// <summary>Serials written per transaction of an issue.</summary>
    int SerialChunk { get; }

    /// <summary>Writes a chunk of an issue's serials, the first at <paramref name="firstPosition"/> of its file.</summary>
    Task InsertSerialsAsync(DbConnection connection, DbTransaction transaction, long issueSeq, int firstPosition, string[] serials, CancellationToken ct);

    /// <summary>A page (@Limit rows) of a query's parts (<paramref name="union"/>, each selecting BatchId, BatchSeq,
    /// Sequence) in (BatchSeq, Sequence) order; <paramref name="throughIndex"/>: the parts find few rows out of order.</summary>
    string OrderedPage(string union, bool throughIndex);
}
