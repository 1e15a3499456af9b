using Dapper;
using Traceability.Domain;

namespace Traceability.Infrastructure.Repositories;

public sealed class AuthorityRepository(Database db)
{
    private const string InsertSql = """
        INSERT INTO authorities (id, name, level, province, province_code, created_at)
        VALUES (@Id, @Name, @Level, @Province, @ProvinceCode, @CreatedAt)
        """;

    /// <summary>Registers an authority together with its first API key, in one transaction.</summary>
    public Task CreateAsync(Authority authority, ApiKeyRecord key, byte[] keyHash, CancellationToken ct) =>
        ApiKeyRepository.CreateAccountAsync(db, InsertSql, new
        {
            authority.Id, authority.Name, Level = WireEnum<AuthorityLevel>.Name(authority.Level), authority.Province, authority.ProvinceCode,
            authority.CreatedAt,
        }, key, keyHash, ct);

    private const string GetSql = "SELECT id, name, level, province, province_code, created_at FROM authorities WHERE id = @Id";

    public async Task<Authority?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(db.Sql(GetSql), new { Id = id }, cancellationToken: ct));
        return row is null ? null : new Authority(row.Id, row.Name, WireEnum<AuthorityLevel>.Parse(row.Level), row.Province, row.CreatedAt, row.ProvinceCode);
    }

    private const string UncodedSql = "SELECT id AS Id, province AS Value FROM authorities WHERE province_code IS NULL AND province IS NOT NULL";
    private const string SetCodeSql = "UPDATE authorities SET province_code = @Code WHERE id = @Id AND province_code IS NULL";

    /// <summary>Gives authorities registered before province codes their code, from their province's name where it
    /// resolves (<paramref name="resolve"/>); returns how many it coded.</summary>
    public Task<int> BackfillProvinceCodesAsync(Func<string, string?> resolve, CancellationToken ct) =>
        Backfill.RunAsync(db, UncodedSql, SetCodeSql, resolve, ct);

    private sealed class Row
    {
        public Guid Id { get; set; }
        public string Name { get; set; } = "";
        public string Level { get; set; } = "";
        public string? Province { get; set; }
        public string? ProvinceCode { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
    }
}

/// <summary>Fills a column left empty by rows stored before it was kept (a province code from its name, a product's folded
/// name), from another of their values.</summary>
internal static class Backfill
{
    public static async Task<int> RunAsync(Database db, string uncodedSql, string setCodeSql, Func<string, string?> resolve, CancellationToken ct)
    {
        List<Pair<string>> rows;
        await using (var connection = await db.OpenAsync(ct))
            rows = (await connection.QueryAsync<Pair<string>>(new CommandDefinition(db.Sql(uncodedSql), cancellationToken: ct))).AsList();
        var coded = rows.Select(r => (r.Id, Code: resolve(r.Value))).Where(r => r.Code is not null).ToList();
        if (coded.Count == 0) return 0;
        using var turn = await db.EnterWriteAsync(ct);
        await using var write = await db.OpenAsync(ct);
        await using var transaction = await write.BeginTransactionAsync(ct);
        foreach (var (id, code) in coded)
            await write.ExecuteAsync(new CommandDefinition(db.Sql(setCodeSql), new { Id = id, Code = code }, transaction, cancellationToken: ct));
        await db.CommitAsync(transaction, ct);
        return coded.Count;
    }
}
