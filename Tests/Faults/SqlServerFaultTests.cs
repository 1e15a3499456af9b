using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;
using Traceability.Infrastructure;
using Traceability.Infrastructure.SqlServer;
using Traceability.Tests.Support;

namespace Traceability.Tests.Faults;

/// <summary>SQL Server's faults cannot be staged here (no server), so SqlClient's real exception with its real error
/// number is raised through a seam in the data layer: the dialect's connection opening. The API must answer them like
/// SQLite's: 503 with Retry-After, readiness false, and back to normal once they stop.</summary>
[NonParallelizable]
public sealed class SqlServerFaultTests
{
    /// <summary>The SQLite dialect, except that while <see cref="Fault"/> is set every connection opening throws it;
    /// faults are described as SQL Server's dialect describes them.</summary>
    private sealed class FaultyDialect(ISqlDialect inner) : ISqlDialect
    {
        private static readonly SqlServerDialect SqlServer = new("Server=nowhere");
        public Exception? Fault { get; set; }
        public DatabaseProvider Provider => inner.Provider;
        public string TelemetryName => inner.TelemetryName;

        public Task<DbConnection> OpenAsync(CancellationToken ct) => Fault is { } fault ? throw fault : inner.OpenAsync(ct);
        public Task<DbConnection> OpenSecondaryAsync(CancellationToken ct) => Fault is { } fault ? throw fault : inner.OpenSecondaryAsync(ct);
        public string Render(string sql) => inner.Render(sql);
        public bool IsUniqueViolation(Exception exception) => inner.IsUniqueViolation(exception);
        public string? DescribeFault(Exception exception) => SqlServer.DescribeFault(exception) ?? inner.DescribeFault(exception);
        public void Recover() => inner.Recover();
        public ValueTask<IDisposable> EnterWriteAsync(CancellationToken ct) => inner.EnterWriteAsync(ct);
        public void EnsureAtConfiguredPath(DbConnection connection) => inner.EnsureAtConfiguredPath(connection);
        public string? StorageFault() => inner.StorageFault();
        public Task<T?> ReadRowAsync<T>(string sql, object[] values, Func<DbDataReader, T> read, bool secondary, CancellationToken ct) where T : class =>
            Fault is { } fault ? throw fault : inner.ReadRowAsync(sql, values, read, secondary, ct);
        public void Migrate(ILogger logger) => inner.Migrate(logger);
        public Task<ISqlDialect?> BackUpIntoAsync(string path, CancellationToken ct) => inner.BackUpIntoAsync(path, ct);
        public Task<string?> IntegrityProblemAsync(CancellationToken ct) => inner.IntegrityProblemAsync(ct);
        public string AddBatchScansSql => inner.AddBatchScansSql;
        public string AddProductMonthsSql => inner.AddProductMonthsSql;
        public string AddLotSignalsSql => inner.AddLotSignalsSql;
        public string AddItemScansSql => inner.AddItemScansSql;
        public string AddSightingsSql => inner.AddSightingsSql;
        public string EnsureItemActivitySql => inner.EnsureItemActivitySql;
        public object? CompactTime(DateTimeOffset? at) => inner.CompactTime(at);
        public string CompactTimeJson(DateTimeOffset at) => inner.CompactTimeJson(at);
        public int SerialChunk => inner.SerialChunk;
        public Task InsertSerialsAsync(DbConnection connection, DbTransaction transaction, long issueSeq, int firstPosition, string[] serials, CancellationToken ct) =>
            inner.InsertSerialsAsync(connection, transaction, issueSeq, firstPosition, serials, ct);
        public string OrderedPage(string union, bool throughIndex) => inner.OrderedPage(union, throughIndex);
    }

    /// <summary>SqlClient's own SqlException with the given error number (its constructors are internal).</summary>
    private static SqlException SqlError(int number, byte errorClass = 16)
    {
        var errorCtor = typeof(SqlError).GetConstructors(BindingFlags.NonPublic | BindingFlags.Instance).OrderByDescending(c => c.GetParameters().Length).First();
        var args = errorCtor.GetParameters().Select(p => p.Name switch
        {
            "infoNumber" => (object?)number,
            "errorState" => (byte)1,
            "errorClass" => errorClass,
            "server" => "db.example",
            "errorMessage" => $"Simulated SQL Server error {number}.",
            "procedure" => "",
            "lineNumber" => 0,
            _ => p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : null,
        }).ToArray();
        var error = (SqlError)errorCtor.Invoke(args);
        var errors = (SqlErrorCollection)Activator.CreateInstance(typeof(SqlErrorCollection), nonPublic: true)!;
        typeof(SqlErrorCollection).GetMethod("Add", BindingFlags.NonPublic | BindingFlags.Instance)!.Invoke(errors, [error]);
        var create = typeof(SqlException).GetMethods(BindingFlags.NonPublic | BindingFlags.Static)
            .Where(m => m.Name == "CreateException" && m.GetParameters().Length >= 2 && m.GetParameters()[0].ParameterType == typeof(SqlErrorCollection))
            .OrderBy(m => m.GetParameters().Length).First();
        var createArgs = create.GetParameters().Select((p, i) => i == 0 ? errors : p.ParameterType == typeof(string) ? (object?)"16.0" : null).ToArray();
        return (SqlException)create.Invoke(null, createArgs)!;
    }

    [TestCase(40613, TestName = "SqlServer_DatabaseUnavailableDuringFailover_Is503")]
    [TestCase(18456, TestName = "SqlServer_LoginFailed_Is503")]
    [TestCase(-2, TestName = "SqlServer_Timeout_Is503")]
    [TestCase(1205, TestName = "SqlServer_DeadlockVictim_Is503")]
    [TestCase(9002, TestName = "SqlServer_LogFull_Is503")]
    public async Task SqlServerFault_Is503WithRetryAfter_NotReady_ThenRecovers(int number)
    {
        FaultyDialect? dialect = null;
        using var api = new ApiFactory().WithServices(s => s.AddSingleton<ISqlDialect>(sp =>
            dialect = new FaultyDialect(Database.CreateDialect(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<DatabaseOptions>>().Value))));
        var producer = await api.CreateProducerAsync();
        var exception = SqlError(number);
        Assert.That(exception.Number, Is.EqualTo(number));

        dialect!.Fault = exception;
        var write = await producer.Client.PostAsJsonAsync("/api/v1/products", new { name = "Mật ong rừng", category = "food" });
        var body = await write.Content.ReadAsStringAsync();
        Assert.That(write.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body);
        Assert.That(write.Headers.RetryAfter, Is.Not.Null);
        Assert.That(body, Does.Contain($"SQL Server error {number}"));
        Assert.That(body, Does.Not.Contain("db.example"), "no server detail in a public answer");
        Assert.That((await api.CreateClient().GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));

        dialect.Fault = null;
        Assert.That((await api.CreateClient().GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await (await producer.Client.PostAsJsonAsync("/api/v1/products", new { name = "Mật ong rừng", category = "food" })).Json(HttpStatusCode.Created);
    }

    [Test]
    public void SqlServer_ConstraintViolation_IsTheRequestsProblem_NotAFault()
    {
        var dialect = new SqlServerDialect("Server=nowhere");
        Assert.That(dialect.DescribeFault(SqlError(2627, 14)), Is.Null, "a duplicate is a 409, not a 503");
        Assert.That(dialect.DescribeFault(SqlError(40613, 20)), Is.Not.Null);
    }
}
