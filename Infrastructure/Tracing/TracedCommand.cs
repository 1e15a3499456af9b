using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;

namespace Traceability.Infrastructure.Tracing;

/// <summary>The provider's command, run in a span named after its statement; a reader's span lasts until it is closed
/// (SQLite does its work as rows are read).</summary>
internal sealed class TracedCommand(DbCommand inner, TracedConnection connection, string system) : DbCommand
{
    [AllowNull]
    public override string CommandText { get => inner.CommandText; set => inner.CommandText = value; }
    public override int CommandTimeout { get => inner.CommandTimeout; set => inner.CommandTimeout = value; }
    public override CommandType CommandType { get => inner.CommandType; set => inner.CommandType = value; }
    public override bool DesignTimeVisible { get => inner.DesignTimeVisible; set => inner.DesignTimeVisible = value; }
    public override UpdateRowSource UpdatedRowSource { get => inner.UpdatedRowSource; set => inner.UpdatedRowSource = value; }
    protected override DbParameterCollection DbParameterCollection => inner.Parameters;
    protected override DbTransaction? DbTransaction { get => inner.Transaction; set => inner.Transaction = value; }

    protected override DbConnection? DbConnection
    {
        get => connection;
        set => inner.Connection = value is TracedConnection traced ? traced.Inner : value;
    }

    public override void Cancel() => inner.Cancel();
    protected override DbParameter CreateDbParameter() => inner.CreateParameter();
    public override void Prepare() => inner.Prepare();

    public override int ExecuteNonQuery()
    {
        using var activity = DatabaseActivities.Start(inner.CommandText, system);
        try { return inner.ExecuteNonQuery(); }
        catch (Exception e) { DatabaseActivities.Failed(activity, e); throw; }
    }

    public override async Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken)
    {
        using var activity = DatabaseActivities.Start(inner.CommandText, system);
        try { return await inner.ExecuteNonQueryAsync(cancellationToken); }
        catch (Exception e) { DatabaseActivities.Failed(activity, e); throw; }
    }

    public override object? ExecuteScalar()
    {
        using var activity = DatabaseActivities.Start(inner.CommandText, system);
        try { return inner.ExecuteScalar(); }
        catch (Exception e) { DatabaseActivities.Failed(activity, e); throw; }
    }

    public override async Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken)
    {
        using var activity = DatabaseActivities.Start(inner.CommandText, system);
        try { return await inner.ExecuteScalarAsync(cancellationToken); }
        catch (Exception e) { DatabaseActivities.Failed(activity, e); throw; }
    }

    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior)
    {
        var activity = DatabaseActivities.Start(inner.CommandText, system);
        try { return new TracedReader(inner.ExecuteReader(behavior), activity); }
        catch (Exception e)
        {
            DatabaseActivities.Failed(activity, e);
            activity?.Dispose();
            throw;
        }
    }

    protected override async Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken)
    {
        var activity = DatabaseActivities.Start(inner.CommandText, system);
        try { return new TracedReader(await inner.ExecuteReaderAsync(behavior, cancellationToken), activity); }
        catch (Exception e)
        {
            DatabaseActivities.Failed(activity, e);
            activity?.Dispose();
            throw;
        }
    }

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
