namespace Traceability.Infrastructure;

public enum DatabaseProvider { Sqlite, SqlServer }

/// <summary>Bound from the "Database" section; the connection string from ConnectionStrings:Traceability.</summary>
public sealed class DatabaseOptions
{
    public const string DefaultSqliteConnectionString = "Data Source=data/traceability.db";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
    public string? ConnectionString { get; set; }
}
