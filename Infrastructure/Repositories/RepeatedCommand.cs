using System.Data;
using System.Data.Common;

namespace Traceability.Infrastructure.Repositories;

/// <summary>A statement run many times in one transaction with different values (each event of a bulk sync, each batch
/// it touches): its command and parameters are made once, and each run only sets the values. Dapper makes a list's
/// parameters again for every row, and Microsoft.Data.Sqlite then finds each name in the statement by trying it bare and
/// with each of its three prefixes: binding names was a tenth of a bulk sync's CPU. Parameters here carry the '@' the SQL
/// names them with (one lookup each), and values are typed as Dapper's handlers type them (<see cref="TypeHandlers.Bind"/>),
/// so both providers store the same as through Dapper.</summary>
internal sealed class RepeatedCommand : IAsyncDisposable
{
    private readonly DbCommand _command;

    public RepeatedCommand(DbConnection connection, DbTransaction transaction, string sql, params string[] names)
    {
        _command = connection.CreateCommand();
        _command.Transaction = transaction;
        _command.CommandText = sql;
        foreach (var name in names)
        {
            var parameter = _command.CreateParameter();
            parameter.ParameterName = "@" + name;
            _command.Parameters.Add(parameter);
        }
    }

    private void Bind(object?[] values)
    {
        if (values.Length != _command.Parameters.Count)
            throw new ArgumentException($"{_command.Parameters.Count} values expected, {values.Length} given.", nameof(values));
        for (var i = 0; i < values.Length; i++) TypeHandlers.Bind(_command.Parameters[i], values[i]);
    }

    public Task<int> ExecuteAsync(CancellationToken ct, params object?[] values)
    {
        Bind(values);
        return _command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The first row's columns, or null when there is none.</summary>
    public async Task<object?[]?> ReadRowAsync(CancellationToken ct, params object?[] values)
    {
        Bind(values);
        await using var reader = await _command.ExecuteReaderAsync(CommandBehavior.SingleRow, ct);
        if (!await reader.ReadAsync(ct)) return null;
        var row = new object?[reader.FieldCount];
        for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
        return row;
    }

    public ValueTask DisposeAsync() => _command.DisposeAsync();
}
