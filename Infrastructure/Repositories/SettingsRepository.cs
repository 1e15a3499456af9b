using Dapper;

namespace Traceability.Infrastructure.Repositories;

/// <summary>Named values the API keeps about its own data (migration 0009's settings table).</summary>
public sealed class SettingsRepository(Database db)
{
    private const string GetSql = "SELECT value FROM settings WHERE name = @Name";
    private const string UpdateSql = "UPDATE settings SET value = @Value WHERE name = @Name";
    private const string InsertSql = "INSERT INTO settings (name, value) VALUES (@Name, @Value)";

    public async Task<string?> GetAsync(string name, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(db.Sql(GetSql), new { Name = name }, cancellationToken: ct));
    }

    public async Task SetAsync(string name, string value, CancellationToken ct)
    {
        var args = new { Name = name, Value = value };
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(UpdateSql), args, cancellationToken: ct)) == 0)
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertSql), args, cancellationToken: ct));
    }
}
