using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace Traceability.Infrastructure;

/// <summary>Everything that differs between the databases, in one place per provider:
/// connections, paging, identity, types, error codes and migrations.</summary>
public interface ISqlDialect
{
    DatabaseProvider Provider { get; }

    /// <summary>Opens a connection prepared for use (pragmas on SQLite, retry logic on SQL Server).</summary>
    Task<DbConnection> OpenAsync(CancellationToken ct);

    /// <summary>Replaces the portable paging tokens <c>{top}</c> and <c>{limit}</c> (both read <c>@Limit</c>).</summary>
    string Render(string sql);

    bool IsUniqueViolation(Exception exception);

    /// <summary>The hot path's single-row read (a public record's part by code): <paramref name="sql"/> with positional
    /// <paramref name="values"/> for its parameters <c>@p0</c>, <c>@p1</c>…; null when no row. SQLite keeps the statement
    /// prepared on a few dedicated reader connections (preparing it cost a tenth of a read); SQL Server caches plans itself.</summary>
    /// <summary>Adds scan tallies to <c>scan_counts</c> in one statement (new rows inserted, existing ones added to),
    /// given as the JSON array <c>@Tallies</c> of {b: batch id, n: count, f: first, l: last scan}.</summary>
    string AddScanTalliesSql { get; }

    Task<T?> ReadRowAsync<T>(string sql, object[] values, Func<DbDataReader, T> read, CancellationToken ct) where T : class;

    /// <summary>Creates the database if needed and runs the embedded, journalled migration scripts.</summary>
    void Migrate(ILogger logger);
}
