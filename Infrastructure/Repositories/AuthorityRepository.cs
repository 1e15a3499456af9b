using Dapper;
using Traceability.Domain;

namespace Traceability.Infrastructure.Repositories;

public sealed class AuthorityRepository(Database db)
{
    private const string InsertSql = """
        INSERT INTO authorities (id, name, level, province, created_at)
        VALUES (@Id, @Name, @Level, @Province, @CreatedAt)
        """;

    /// <summary>Registers an authority together with its first API key, in one transaction.</summary>
    public Task CreateAsync(Authority authority, ApiKeyRecord key, byte[] keyHash, CancellationToken ct) =>
        ApiKeyRepository.CreateAccountAsync(db, InsertSql, new
        {
            authority.Id, authority.Name, Level = WireEnum<AuthorityLevel>.Name(authority.Level), authority.Province, authority.CreatedAt,
        }, key, keyHash, ct);

    private const string GetSql = "SELECT id, name, level, province, created_at FROM authorities WHERE id = @Id";

    public async Task<Authority?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(db.Sql(GetSql), new { Id = id }, cancellationToken: ct));
        return row is null ? null : new Authority(row.Id, row.Name, WireEnum<AuthorityLevel>.Parse(row.Level), row.Province, row.CreatedAt);
    }

    private sealed class Row
    {
        public Guid Id { get; set; }
        public string Name { get; set; } = "";
        public string Level { get; set; } = "";
        public string? Province { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
    }
}
