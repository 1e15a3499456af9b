namespace Traceability.Infrastructure;

public enum DatabaseProvider { Sqlite, SqlServer }

/// <summary>Bound from the "Database" section; the connection strings from ConnectionStrings:Traceability (the primary)
/// and ConnectionStrings:TraceabilityReadOnly (a readable secondary for public reads; unset: the primary).</summary>
public sealed class DatabaseOptions
{
    public const string DefaultSqliteConnectionString = "Data Source=data/traceability.db";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
    public string? ConnectionString { get; set; }
    public string? ReadOnlyConnectionString { get; set; }
}
