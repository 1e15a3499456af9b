using Microsoft.Data.SqlClient;
using NUnit.Framework;
using Traceability.Infrastructure;
using Traceability.Infrastructure.SqlServer;

namespace Traceability.Tests.Repositories;

/// <summary>The same contract on SQL Server, in a throw-away database, when TRACEABILITY_TEST_SQLSERVER
/// holds a connection string (e.g. "Server=localhost;User Id=sa;Password=…;TrustServerCertificate=true").</summary>
[TestFixture]
public sealed class SqlServerRepositoryTests : RepositoryContract
{
    public const string Variable = "TRACEABILITY_TEST_SQLSERVER";
    private string? _connectionString;
    private string? _database;

    protected override ISqlDialect CreateDialect()
    {
        var configured = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(configured))
            Assert.Ignore($"SQL Server is not available here: set {Variable} to a connection string to run this contract suite on SQL Server.");
        if (_connectionString is null)
        {
            var builder = new SqlConnectionStringBuilder(configured);
            _database = builder.InitialCatalog = $"traceability_test_{Guid.NewGuid():N}";
            _connectionString = builder.ConnectionString;
        }
        return new SqlServerDialect(_connectionString);
    }

    protected override void DropDatabase()
    {
        if (_connectionString is null) return;
        SqlConnection.ClearAllPools();
        var master = new SqlConnectionStringBuilder(_connectionString) { InitialCatalog = "master" };
        using var connection = new SqlConnection(master.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"ALTER DATABASE [{_database}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{_database}];";
        command.ExecuteNonQuery();
    }
}
