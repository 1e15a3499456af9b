using System.Data.Common;
using Traceability.Infrastructure;

namespace Traceability.Api.Idempotency;

/// <summary>The one transaction an idempotent write runs in (scoped to its request): the handler's writes and the
/// response stored for its Idempotency-Key commit together, after the response is complete and before a byte of it is
/// sent, so an acknowledged write always has its replay and a write that failed has neither.</summary>
public sealed class RequestTransaction(Database db) : IAsyncDisposable
{
    private DbConnection? _connection;
    private DbTransaction? _transaction;
    private IDisposable? _turn;

    /// <summary>The request's connection and transaction, begun on first use.</summary>
    public async Task<(DbConnection Connection, DbTransaction Transaction)> BeginAsync(CancellationToken ct)
    {
        if (_transaction is null)
        {
            _turn = await db.EnterWriteAsync(ct);
            _connection = await db.OpenAsync(ct);
            _transaction = await _connection.BeginTransactionAsync(ct);
        }
        return (_connection!, _transaction);
    }

    public async Task CommitAsync(CancellationToken ct)
    {
        if (_transaction is not null)
        {
            await db.CommitAsync(_transaction, ct);
            await DisposeAsync();
        }
    }

    /// <summary>Without a commit, everything is rolled back (and SQLite's write lock released at once).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_transaction is not null) await _transaction.DisposeAsync();
        if (_connection is not null) await _connection.DisposeAsync();
        _turn?.Dispose();
        (_transaction, _connection, _turn) = (null, null, null);
    }
}
