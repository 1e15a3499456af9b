using System.Data.Common;
using DbUp;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Logging;
using Traceability.Infrastructure.Migrations;

namespace Traceability.Infrastructure.SqlServer;

/// <summary>The production database: nvarchar text, datetimeoffset times, SqlClient's configurable retry
/// logic for transient errors (failover, throttling, dropped connections).</summary>
/// <param name="readOnlyConnectionString">A readable secondary (an Always On availability group's) for public reads: always
/// opened with ApplicationIntent=ReadOnly, so the listener routes it to a secondary; null reads the primary.</param>
public sealed partial class SqlServerDialect(string connectionString, string? readOnlyConnectionString = null) : ISqlDialect
{
    /// <summary>Where writes and accounts' reads go.</summary>
    public string PrimaryConnectionString { get; } = connectionString;

    /// <summary>Where public reads go: the readable secondary with ApplicationIntent=ReadOnly, or the primary.</summary>
    public string SecondaryConnectionString { get; } = readOnlyConnectionString is null ? connectionString
        : new SqlConnectionStringBuilder(readOnlyConnectionString) { ApplicationIntent = ApplicationIntent.ReadOnly }.ConnectionString;

    private static readonly SqlRetryLogicBaseProvider Retry = SqlConfigurableRetryFactory.CreateExponentialRetryProvider(
        new SqlRetryLogicOption { NumberOfTries = 5, DeltaTime = TimeSpan.FromMilliseconds(200), MaxTimeInterval = TimeSpan.FromSeconds(10) });

    public DatabaseProvider Provider => DatabaseProvider.SqlServer;

    public string TelemetryName => "microsoft.sql_server";

    public Task<DbConnection> OpenAsync(CancellationToken ct) => OpenAsync(PrimaryConnectionString, ct);

    public Task<DbConnection> OpenSecondaryAsync(CancellationToken ct) => OpenAsync(SecondaryConnectionString, ct);

    private static async Task<DbConnection> OpenAsync(string connectionString, CancellationToken ct)
    {
        var connection = new SqlConnection(connectionString) { RetryLogicProvider = Retry };
        await connection.OpenAsync(ct);
        return connection;
    }

    // {instant}(x): datetimeoffset already compares as an instant.
    // {noindex}(x): SQL Server's planner weighs the narrower condition by its statistics; x as it is.
    public string Render(string sql) => sql.Replace("{top}", "TOP (@Limit)").Replace("{limit}", "").Replace("{instant}", "").Replace("{noindex}", "");

    // 2627: unique constraint; 2601: unique index.
    public bool IsUniqueViolation(Exception exception) => exception is SqlException { Number: 2627 or 2601 };

    // Transient and availability errors: timeouts (-2), network (20, 64, 233, 10053, 10054, 10060, 10061, 11001),
    // deadlock victim (1205), lock timeout (1222), cannot open database or login failed (4060, 18456, 18452), Azure SQL
    // and failover (40197, 40501, 40613, 49918–49920, 4221, 976, 978, 983, 42108, 42109), full log or filegroup
    // (9002, 1105), read-only database (3906), database shutting down or in recovery (6005, 922, 926).
    private static readonly HashSet<int> FaultNumbers =
    [
        -2, 20, 64, 233, 10053, 10054, 10060, 10061, 11001, 1205, 1222, 4060, 18456, 18452, 40197, 40501, 40613, 49918, 49919,
        49920, 4221, 976, 978, 983, 42108, 42109, 9002, 1105, 3906, 6005, 922, 926,
    ];

    public string? DescribeFault(Exception exception) => exception switch
    {
        DatabaseFaultException f => f.Message,
        SqlException s when FaultNumbers.Contains(s.Number) || s.Class >= 20 => $"SQL Server error {s.Number}",
        TimeoutException => "SQL Server did not answer in time",
        InvalidOperationException i when i.Message.Contains("obtaining a connection from the pool", StringComparison.Ordinal) =>
            "no free connection in the pool in time",
        _ => null,
    };

    public void Recover() => SqlConnection.ClearAllPools();

    public ValueTask<IDisposable> EnterWriteAsync(CancellationToken ct) => ValueTask.FromResult<IDisposable>(NoTurn.Instance);

    private sealed class NoTurn : IDisposable
    {
        public static readonly NoTurn Instance = new();
        public void Dispose() { }
    }

    /// <summary>The server's storage is the server's to report: a full log or filegroup answers the probe's write.</summary>
    public string? StorageFault() => null;

    /// <summary>SQL Server has no file path for a client to lose; its failover is a transient error.</summary>
    public void EnsureAtConfiguredPath(DbConnection connection) { }


    public async Task<T?> ReadRowAsync<T>(string sql, object[] values, Func<DbDataReader, T> read, bool secondary, CancellationToken ct) where T : class
    {
        await using var connection = await (secondary ? OpenSecondaryAsync(ct) : OpenAsync(ct));
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < values.Length; i++) command.Parameters.Add(new SqlParameter($"@p{i}", values[i]));
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SingleRow, ct);
        return await reader.ReadAsync(ct) ? read(reader) : null;
    }

    /// <summary>SQL Server is backed up with its own BACKUP DATABASE (full, differential, log), not by the service.</summary>
    public Task<ISqlDialect?> BackUpIntoAsync(string path, CancellationToken ct) => Task.FromResult<ISqlDialect?>(null);

    /// <summary>DBCC CHECKDB is the DBA's, on their schedule: not run by the service.</summary>
    public Task<string?> IntegrityProblemAsync(CancellationToken ct) => Task.FromResult<string?>(null);

    public void Migrate(ILogger logger)
    {
        EnsureDatabase.For.SqlDatabase(PrimaryConnectionString);
        ScriptRunner.Run(DeployChanges.To.SqlDatabase(PrimaryConnectionString), Provider, logger);
    }
}
