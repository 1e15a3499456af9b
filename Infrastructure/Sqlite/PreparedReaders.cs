using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Traceability.Infrastructure.Sqlite;

/// <summary>A few connections kept open for the hot read path, each holding its statements prepared: Microsoft.Data.Sqlite
/// prepares a command's SQL again on every pooled open, and parsing and planning a public record's read was about a
/// tenth of its cost. A reader serves one read at a time; under more concurrency extra ones open and are closed after.</summary>
internal sealed class PreparedReaders(Func<CancellationToken, Task<DbConnection>> open) : IDisposable
{
    private volatile bool _disposed;
    private static readonly int MaxIdle = Environment.ProcessorCount * 4;
    // A stack: the reader used last (its page cache warmest) serves next, and taking one never locks.
    private readonly ConcurrentStack<Reader> _idle = new();

    private sealed class Reader(SqliteConnection connection)
    {
        public SqliteConnection Connection { get; } = connection;
        public Dictionary<string, SqliteCommand> Commands { get; } = new(StringComparer.Ordinal);
    }

    public async Task<T?> ReadRowAsync<T>(string sql, object[] values, Func<DbDataReader, T> read, CancellationToken ct) where T : class
    {
        ct.ThrowIfCancellationRequested();
        if (!_idle.TryPop(out var reader)) reader = new Reader((SqliteConnection)await open(ct));
        var healthy = false;
        try
        {
            if (!reader.Commands.TryGetValue(sql, out var command))
            {
                command = reader.Connection.CreateCommand();
                command.CommandText = sql;
                for (var i = 0; i < values.Length; i++) command.Parameters.Add(new SqliteParameter($"@p{i}", values[i]));
                command.Prepare();
                reader.Commands[sql] = command;
            }
            for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i];
            T? result;
            // SQLite's I/O is synchronous whichever API is called; the synchronous one skips the async state machines.
            using (var rows = command.ExecuteReader(CommandBehavior.SingleRow))
                result = rows.Read() ? read(rows) : null;
            healthy = true;
            return result;
        }
        finally
        {
            if (healthy && !_disposed && _idle.Count < MaxIdle) _idle.Push(reader);
            else reader.Connection.Dispose();
        }
    }

    /// <summary>Closes the idle readers after a database fault; those in use are closed when they finish (a read that
    /// fails never returns its reader).</summary>
    public void DropIdle()
    {
        while (_idle.TryPop(out var reader)) reader.Connection.Dispose();
    }

    /// <summary>Closes the idle readers (the host is stopping; a read still running closes its own).</summary>
    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryPop(out var reader)) reader.Connection.Dispose();
    }
}
