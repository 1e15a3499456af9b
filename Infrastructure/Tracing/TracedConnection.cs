using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;

namespace Traceability.Infrastructure.Tracing;

/// <summary>A connection whose commands each run in a span (<see cref="DatabaseActivities"/>); everything else is the
/// provider's own connection. Transactions are the provider's, so code that reads <c>transaction.Connection</c> gets the
/// real one.</summary>
internal sealed class TracedConnection(DbConnection inner, string system) : DbConnection
{
    public DbConnection Inner => inner;

    [AllowNull]
    public override string ConnectionString { get => inner.ConnectionString; set => inner.ConnectionString = value; }
    public override string Database => inner.Database;
    public override string DataSource => inner.DataSource;
    public override string ServerVersion => inner.ServerVersion;
    public override ConnectionState State => inner.State;
    public override void ChangeDatabase(string databaseName) => inner.ChangeDatabase(databaseName);
    public override void Open() => inner.Open();
    public override Task OpenAsync(CancellationToken cancellationToken) => inner.OpenAsync(cancellationToken);
    public override void Close() => inner.Close();
    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => inner.BeginTransaction(isolationLevel);
    protected override ValueTask<DbTransaction> BeginDbTransactionAsync(IsolationLevel isolationLevel, CancellationToken cancellationToken) =>
        inner.BeginTransactionAsync(isolationLevel, cancellationToken);
    protected override DbCommand CreateDbCommand() => new TracedCommand(inner.CreateCommand(), this, system);

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}
