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

    /// <summary>Creates the database if needed and runs the embedded, journalled migration scripts.</summary>
    void Migrate(ILogger logger);
}
