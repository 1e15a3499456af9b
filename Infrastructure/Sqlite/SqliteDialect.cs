using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DbUp;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Traceability.Infrastructure.Migrations;

namespace Traceability.Infrastructure.Sqlite;

/// <summary>The embedded default. WAL lets readers run beside the single writer; writers wait on a busy
/// timeout rather than fail; Microsoft.Data.Sqlite begins transactions IMMEDIATE, so a write transaction
/// takes the write lock up front instead of failing to upgrade a read lock half-way.</summary>
public sealed partial class SqliteDialect : ISqlDialect, IDisposable
{
    // Per connection: enforce foreign keys, wait up to 5 s for the writer lock, fsync at checkpoints only (safe with WAL),
    // and a 1 MiB page cache (SQLite's default is 2 MiB). Pooled connections each keep their own cache, ~15 of them under
    // load; lookups spread over a database far larger than any cache read their pages from the OS's cache either way, so
    // the smaller cache cost no CPU a request or bulk write in the A/B and kept 10-18 MB less resident (bench/NOTES.md).
    private const string ConnectionPragmas = "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -1024;";
    // 8 KiB pages (set before the first table, so only for a new database): a stored public record (~9 KB) then spans
    // two pages instead of three, and index pages hold twice the keys.
    private const string DatabasePragmas = "PRAGMA page_size = 8192; PRAGMA journal_mode = WAL;";

    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> Prepared = new();
    private static readonly object Marker = new();

    private readonly string _connectionString;
    private readonly string _secondaryConnectionString;
    private readonly string _createConnectionString;
    private readonly PreparedReaders _readers;
    private readonly PreparedReaders? _secondaryReaders;

    /// <param name="readOnlyConnectionString">For public reads (<see cref="OpenSecondaryAsync"/>): always opened read-only.
    /// SQLite has no replicas; this is how the split of a SQL Server deployment is exercised on one file.</param>
    public SqliteDialect(string connectionString, string? readOnlyConnectionString = null)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DefaultTimeout < 30) builder.DefaultTimeout = 30;
        _createConnectionString = builder.ToString();
        // Only the first start creates the database (Migrate); at run time a file that vanished is a fault, never
        // silently replaced by a fresh empty one that would take writes and lose them.
        if (builder.Mode == SqliteOpenMode.ReadWriteCreate && builder.DataSource != ":memory:") builder.Mode = SqliteOpenMode.ReadWrite;
        _connectionString = builder.ToString();
        DataSource = builder.DataSource;
        _readers = new PreparedReaders(ct => OpenAsync(_connectionString, ct));
        if (readOnlyConnectionString is null) _secondaryConnectionString = _connectionString;
        else
        {
            var secondary = new SqliteConnectionStringBuilder(readOnlyConnectionString) { Mode = SqliteOpenMode.ReadOnly };
            if (secondary.DefaultTimeout < 30) secondary.DefaultTimeout = 30;
            _secondaryConnectionString = secondary.ToString();
            _secondaryReaders = new PreparedReaders(ct => OpenAsync(_secondaryConnectionString, ct));
        }
    }

    public string DataSource { get; }

    public DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public string TelemetryName => "sqlite";

    public Task<DbConnection> OpenAsync(CancellationToken ct) => OpenAsync(_connectionString, ct);

    public Task<DbConnection> OpenSecondaryAsync(CancellationToken ct) => OpenAsync(_secondaryConnectionString, ct);

    private async Task<DbConnection> OpenAsync(string connectionString, CancellationToken ct)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        // Pragmas stay set on the native connection, which Microsoft.Data.Sqlite pools: set them once per native
        // connection, not on every open (parsing them cost a measurable part of a public read).
        try
        {
            EnsureAtConfiguredPath(connection);
            if (Prepared.TryAdd(connection.Handle!, Marker))
            {
                await using var command = connection.CreateCommand();
                command.CommandText = ConnectionPragmas;
                await command.ExecuteNonQueryAsync(ct);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        return connection;
    }

    // SQLITE_FCNTL_HAS_MOVED: whether the file this connection has open is still the one at its path (SQLite's unix
    // VFS compares the inode it holds with the path's). Microsoft.Data.Sqlite does not expose file controls, so the
    // bundled e_sqlite3 library is called directly; where it cannot be (another SQLite build) the check is off.
    private const int HasMovedControl = 20;
    private static readonly byte[] MainSchema = "main\0"u8.ToArray();
    private static volatile bool _fileControlMissing;

    [DllImport("e_sqlite3", EntryPoint = "sqlite3_file_control")]
    private static extern int FileControl(IntPtr db, byte[] schema, int op, ref int result);

    /// <summary>Pooled connections keep a removed file open and would write into it; this catches them.</summary>
    public void EnsureAtConfiguredPath(DbConnection connection)
    {
        if (_fileControlMissing || DataSource == ":memory:" || connection is not SqliteConnection { Handle: { } handle }) return;
        var moved = 0;
        try
        {
            if (FileControl(handle.DangerousGetHandle(), MainSchema, HasMovedControl, ref moved) != 0) return;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _fileControlMissing = true;
            return;
        }
        if (moved != 0) throw new DatabaseFaultException("the database file was removed or replaced while the API had it open");
    }

    public string? DescribeFault(Exception exception) => exception switch
    {
        DatabaseFaultException f => f.Message,
        // Primary result codes (the low byte of an extended code).
        SqliteException s => (s.SqliteErrorCode & 0xFF) switch
        {
            5 => "the database is busy: another writer held it past the busy timeout",
            6 => "a table is locked",
            7 => "SQLite is out of memory",
            8 => "the database is read-only (file or file system)",
            10 => "a disk I/O error",
            11 => "the database file is corrupt",
            13 => "the disk is full",
            14 => "the database file cannot be opened (missing, or its folder is)",
            15 => "a file locking protocol error",
            26 => "the file at the configured path is not a database",
            1 when s.Message.Contains("no such table", StringComparison.Ordinal) => "the database at the configured path lacks this API's tables",
            _ => null,
        },
        _ => null,
    };

    public string? StorageFault()
    {
        if (DataSource == ":memory:") return null;
        var path = Path.GetFullPath(DataSource);
        if (!File.Exists(path)) return "the database file is missing (never recreated at run time)";
        try
        {
            var free = new DriveInfo(Path.GetDirectoryName(path)!).AvailableFreeSpace;
            return free < ISqlDialect.MinFreeBytes ? $"the disk is full ({free / 1024} KiB free)" : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { return null; }
    }

    private readonly SemaphoreSlim _writer = new(1, 1);

    public async ValueTask<IDisposable> EnterWriteAsync(CancellationToken ct)
    {
        await _writer.WaitAsync(ct);
        return new Turn(_writer);
    }

    private sealed class Turn(SemaphoreSlim writer) : IDisposable
    {
        private int _released;
        public void Dispose() { if (Interlocked.Exchange(ref _released, 1) == 0) writer.Release(); }
    }

    public void Recover()
    {
        SqliteConnection.ClearAllPools();
        _readers.DropIdle();
        _secondaryReaders?.DropIdle();
    }


    public Task<T?> ReadRowAsync<T>(string sql, object[] values, Func<DbDataReader, T> read, bool secondary, CancellationToken ct) where T : class =>
        (secondary ? _secondaryReaders ?? _readers : _readers).ReadRowAsync(sql, values, read, ct);

    public void Dispose()
    {
        _readers.Dispose();
        _secondaryReaders?.Dispose();
    }

    // VACUUM INTO reads the database in one read transaction (a snapshot: writers go on in WAL mode, and nothing they
    // commit after it began is in the copy) and writes a compact copy; the copy is in rollback-journal mode until an API
    // starts on it (Migrate sets WAL).
    public async Task<ISqlDialect?> BackUpIntoAsync(string path, CancellationToken ct)
    {
        await using (var connection = await OpenAsync(ct))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "VACUUM INTO @Path";
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@Path";
            parameter.Value = Path.GetFullPath(path);
            command.Parameters.Add(parameter);
            command.CommandTimeout = 0;  // as long as the copy takes: it blocks no writer
            await command.ExecuteNonQueryAsync(ct);
        }
        return new SqliteDialect(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
    }

    public async Task<string?> IntegrityProblemAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check(10)";
        command.CommandTimeout = 0;
        var findings = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) findings.Add(reader.GetString(0));
        return findings is ["ok"] ? null : string.Join("; ", findings);
    }


    // {instant}(x): a time stored as text with its offset, compared as the instant it is (julianday reads the offset).
    // {noindex}(x): unary plus, which SQLite's planner reads as "no index of this column".
    public string Render(string sql) => sql.Replace("{top}", "").Replace("{limit}", "LIMIT @Limit").Replace("{instant}", "julianday").Replace("{noindex}", "+");

    // SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555).
    public bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException { SqliteExtendedErrorCode: 2067 or 1555 };

    public void Migrate(ILogger logger)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(DataSource));
        if (!string.IsNullOrEmpty(directory) && DataSource != ":memory:") Directory.CreateDirectory(directory);
        using (var connection = new SqliteConnection(_createConnectionString))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = DatabasePragmas;
            command.ExecuteNonQuery();
        }
        ScriptRunner.Run(DeployChanges.To.SqliteDatabase(_createConnectionString), Provider, logger);
    }
}
