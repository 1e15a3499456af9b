using System.Collections.Concurrent;
using System.Data.Common;

namespace Traceability.Infrastructure;

/// <summary>The repositories' handle on the configured database: a connection per call and dialect-rendered SQL.</summary>
public sealed class Database(ISqlDialect dialect)
{
    private readonly ConcurrentDictionary<string, string> _rendered = new(StringComparer.Ordinal);

    public ISqlDialect Dialect { get; } = dialect;

    public Task<DbConnection> OpenAsync(CancellationToken ct) => Dialect.OpenAsync(ct);

    /// <summary>The SQL for this database; rendered once per constant.</summary>
    public string Sql(string portable) => _rendered.GetOrAdd(portable, Dialect.Render);

    public static ISqlDialect CreateDialect(DatabaseOptions options) => options.Provider switch
    {
        DatabaseProvider.Sqlite => new Sqlite.SqliteDialect(options.ConnectionString ?? DatabaseOptions.DefaultSqliteConnectionString),
        DatabaseProvider.SqlServer => new SqlServer.SqlServerDialect(
            options.ConnectionString ?? throw new InvalidOperationException("ConnectionStrings:Traceability is required for SQL Server.")),
        _ => throw new InvalidOperationException($"Unknown database provider {options.Provider}."),
    };
}
