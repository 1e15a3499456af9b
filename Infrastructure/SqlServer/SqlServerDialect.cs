using System.Data.Common;
using DbUp;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Logging;
using Traceability.Infrastructure.Migrations;

namespace Traceability.Infrastructure.SqlServer;

/// <summary>The production database: nvarchar text, datetimeoffset times, SqlClient's configurable retry
/// logic for transient errors (failover, throttling, dropped connections).</summary>
public sealed class SqlServerDialect(string connectionString) : ISqlDialect
{
    private static readonly SqlRetryLogicBaseProvider Retry = SqlConfigurableRetryFactory.CreateExponentialRetryProvider(
        new SqlRetryLogicOption { NumberOfTries = 5, DeltaTime = TimeSpan.FromMilliseconds(200), MaxTimeInterval = TimeSpan.FromSeconds(10) });

    public DatabaseProvider Provider => DatabaseProvider.SqlServer;

    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqlConnection(connectionString) { RetryLogicProvider = Retry };
        await connection.OpenAsync(ct);
        return connection;
    }

    public string Render(string sql) => sql.Replace("{top}", "TOP (@Limit)").Replace("{limit}", "");

    // 2627: unique constraint; 2601: unique index.
    public bool IsUniqueViolation(Exception exception) => exception is SqlException { Number: 2627 or 2601 };

    public void Migrate(ILogger logger)
    {
        EnsureDatabase.For.SqlDatabase(connectionString);
        ScriptRunner.Run(DeployChanges.To.SqlDatabase(connectionString), Provider, logger);
    }
}
