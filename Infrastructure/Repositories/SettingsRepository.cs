using Dapper;

namespace Traceability.Infrastructure.Repositories;

/// <summary>Named values the API keeps about its own data (migration record_versions' settings table).</summary>
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

    private const string InsertIfMissingSql = "INSERT INTO settings (name, value) SELECT @Name, @Value WHERE NOT EXISTS (SELECT 1 FROM settings WHERE name = @Name)";

    /// <summary>The stored value, or <paramref name="create"/>'s stored first: every process sharing the database ends up
    /// with the same one.</summary>
    public async Task<string> GetOrAddAsync(string name, Func<string> create, CancellationToken ct)
    {
        if (await GetAsync(name, ct) is { } stored) return stored;
        using (var turn = await db.EnterWriteAsync(ct))
        {
            await using var connection = await db.OpenAsync(ct);
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertIfMissingSql), new { Name = name, Value = create() }, cancellationToken: ct));
            }
            catch (Exception e) when (db.Dialect.IsUniqueViolation(e)) { }  // another process stored it first
        }
        return (await GetAsync(name, ct))!;
    }
}
