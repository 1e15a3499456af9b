using System.Collections.Concurrent;
using System.Data.Common;

namespace Traceability.Infrastructure;

/// <summary>The repositories' handle on the configured database: a connection per call and dialect-rendered SQL.</summary>
public sealed class Database
{
    private readonly ConcurrentDictionary<string, string> _rendered = new(StringComparer.Ordinal);

    public Database(ISqlDialect dialect)
    {
        Dialect = dialect;
        Tracing.DatabaseActivities.NameDialect(dialect);
    }

    public ISqlDialect Dialect { get; }

    /// <summary>A connection to the primary; its commands run in spans when tracing listens (Tracing.DatabaseActivities).</summary>
    public Task<DbConnection> OpenAsync(CancellationToken ct) =>
        Tracing.DatabaseActivities.Listening ? TracedAsync(Dialect.OpenAsync(ct)) : Dialect.OpenAsync(ct);

    /// <summary>For public reads that may lag the primary by a moment (see <see cref="ISqlDialect.OpenSecondaryAsync"/>).</summary>
    public Task<DbConnection> OpenSecondaryAsync(CancellationToken ct) =>
        Tracing.DatabaseActivities.Listening ? TracedAsync(Dialect.OpenSecondaryAsync(ct)) : Dialect.OpenSecondaryAsync(ct);

    private async Task<DbConnection> TracedAsync(Task<DbConnection> opening) => new Tracing.TracedConnection(await opening, Dialect.TelemetryName);

    /// <summary>The hot path's single-row read (<see cref="ISqlDialect.ReadRowAsync"/>), in a span when tracing listens.</summary>
    public Task<T?> ReadRowAsync<T>(string sql, object[] values, Func<DbDataReader, T> read, bool secondary, CancellationToken ct) where T : class
    {
        var activity = Tracing.DatabaseActivities.Start(sql, Dialect.TelemetryName);
        return activity is null ? Dialect.ReadRowAsync(sql, values, read, secondary, ct) : TracedReadAsync(activity, sql, values, read, secondary, ct);
    }

    private async Task<T?> TracedReadAsync<T>(System.Diagnostics.Activity activity, string sql, object[] values, Func<DbDataReader, T> read, bool secondary,
        CancellationToken ct) where T : class
    {
        using (activity)
        {
            try { return await Dialect.ReadRowAsync(sql, values, read, secondary, ct); }
            catch (Exception e) { Tracing.DatabaseActivities.Failed(activity, e); throw; }
        }
    }

    /// <summary>Take before opening the connection for a write, release after the transaction ends (see
    /// <see cref="ISqlDialect.EnterWriteAsync"/>). Taken first, a write waiting for its turn holds no connection, so 32
    /// waiting writes do not hold 32 pooled SQLite connections and their page caches (bench/NOTES.md, "Writes").</summary>
    public ValueTask<IDisposable> EnterWriteAsync(CancellationToken ct) => Metrics.TimeWriteWaitAsync(Dialect.EnterWriteAsync(ct));

    /// <summary>Commits, then makes sure the write went to the database at the configured path: only then may it be
    /// acknowledged. A commit that landed in a removed file throws a fault (503) instead of being reported as stored.</summary>
    public async Task CommitAsync(DbTransaction transaction, CancellationToken ct)
    {
        var connection = transaction.Connection!;
        await transaction.CommitAsync(ct);
        Dialect.EnsureAtConfiguredPath(connection);
    }

    /// <summary>The cause when <paramref name="exception"/> (or one it wraps) is a failure of the database, after dropping
    /// the pooled connections that saw it; null when it is not.</summary>
    public string? Fault(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (Dialect.DescribeFault(e) is not { } cause) continue;
            Dialect.Recover();
            Metrics.DatabaseFaults.Add(1);
            return cause;
        }
        return null;
    }

    /// <summary>The SQL for this database; rendered once per constant.</summary>
    public string Sql(string portable) => _rendered.GetOrAdd(portable, p =>
    {
        var rendered = Dialect.Render(p);
        Tracing.DatabaseActivities.Named(p, rendered);
        return rendered;
    });

    public static ISqlDialect CreateDialect(DatabaseOptions options) => options.Provider switch
    {
        DatabaseProvider.Sqlite => new Sqlite.SqliteDialect(options.ConnectionString ?? DatabaseOptions.DefaultSqliteConnectionString,
            options.ReadOnlyConnectionString),
        DatabaseProvider.SqlServer => new SqlServer.SqlServerDialect(
            options.ConnectionString ?? throw new InvalidOperationException("ConnectionStrings:Traceability is required for SQL Server."),
            options.ReadOnlyConnectionString),
        _ => throw new InvalidOperationException($"Unknown database provider {options.Provider}."),
    };
}
