using System.Data.Common;
using System.Runtime.CompilerServices;
using DbUp;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Traceability.Infrastructure.Migrations;

namespace Traceability.Infrastructure.Sqlite;

/// <summary>The embedded default. WAL lets readers run beside the single writer; writers wait on a busy
/// timeout rather than fail; Microsoft.Data.Sqlite begins transactions IMMEDIATE, so a write transaction
/// takes the write lock up front instead of failing to upgrade a read lock half-way.</summary>
public sealed class SqliteDialect : ISqlDialect, IDisposable
{
    // Per connection: enforce foreign keys, wait up to 5 s for the writer lock, fsync at checkpoints only (safe with WAL).
    private const string ConnectionPragmas = "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;";
    // 8 KiB pages (set before the first table, so only for a new database): a stored public record (~9 KB) then spans
    // two pages instead of three, and index pages hold twice the keys.
    private const string DatabasePragmas = "PRAGMA page_size = 8192; PRAGMA journal_mode = WAL;";

    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> Prepared = new();
    private static readonly object Marker = new();

    private readonly string _connectionString;
    private readonly PreparedReaders _readers;

    public SqliteDialect(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DefaultTimeout < 30) builder.DefaultTimeout = 30;
        _connectionString = builder.ToString();
        DataSource = builder.DataSource;
        _readers = new PreparedReaders(this);
    }

    public string DataSource { get; }

    public DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        // Pragmas stay set on the native connection, which Microsoft.Data.Sqlite pools: set them once per native
        // connection, not on every open (parsing them cost a measurable part of a public read).
        if (Prepared.TryAdd(connection.Handle!, Marker))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = ConnectionPragmas;
            await command.ExecuteNonQueryAsync(ct);
        }
        return connection;
    }


    public Task<T?> ReadRowAsync<T>(string sql, object[] values, Func<DbDataReader, T> read, CancellationToken ct) where T : class =>
        _readers.ReadRowAsync(sql, values, read, ct);

    public void Dispose() => _readers.Dispose();

    // "WHERE true" tells SQLite's parser that ON CONFLICT belongs to the INSERT, not to a join.
    private const string AddScanTallies = """
        INSERT INTO scan_counts (batch_id, scan_count, first_scanned_at, last_scanned_at)
        SELECT j.value ->> '$.b', j.value ->> '$.n', j.value ->> '$.f', j.value ->> '$.l' FROM json_each(@Tallies) j WHERE true
        ON CONFLICT (batch_id) DO UPDATE SET scan_count = scan_count + excluded.scan_count, last_scanned_at = excluded.last_scanned_at
        """;

    public string AddScanTalliesSql => AddScanTallies;

    public string Render(string sql) => sql.Replace("{top}", "").Replace("{limit}", "LIMIT @Limit");

    // SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555).
    public bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException { SqliteExtendedErrorCode: 2067 or 1555 };

    public void Migrate(ILogger logger)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(DataSource));
        if (!string.IsNullOrEmpty(directory) && DataSource != ":memory:") Directory.CreateDirectory(directory);
        using (var connection = new SqliteConnection(_connectionString))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = DatabasePragmas;
            command.ExecuteNonQuery();
        }
        ScriptRunner.Run(DeployChanges.To.SqliteDatabase(_connectionString), Provider, logger);
    }
}
