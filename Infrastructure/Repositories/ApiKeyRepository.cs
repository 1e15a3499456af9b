using System.Data.Common;
using Dapper;
using Traceability.Domain;

namespace Traceability.Infrastructure.Repositories;

public sealed class ApiKeyRepository(Database db)
{
    private const string FindCallerSql = """
        SELECT k.id AS KeyId, k.role AS Role, k.owner_id AS OwnerId, a.level AS Level, k.scopes AS Scopes, k.expires_at AS ExpiresAt,
               p.deactivated_at AS DeactivatedAt, p.deactivation_reason AS DeactivationReason
        FROM api_keys k LEFT JOIN authorities a ON a.id = k.owner_id LEFT JOIN producers p ON p.id = k.owner_id
        WHERE k.key_hash = @Hash AND k.revoked_at IS NULL
        """;

    /// <summary>The caller a key belongs to, the key's id and its expiry, or null for an unknown or revoked key (an
    /// expired one is returned with its expiry: the caller decides against its own clock).</summary>
    public async Task<(Caller Caller, Guid KeyId, DateTimeOffset? ExpiresAt)?> FindCallerAsync(byte[] hash, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<CallerRow>(new CommandDefinition(db.Sql(FindCallerSql), new { Hash = hash }, cancellationToken: ct));
        if (row is null) return null;
        var level = row.Level is null ? (AuthorityLevel?)null : WireEnum<AuthorityLevel>.Parse(row.Level);
        return (new Caller(WireEnum<Role>.Parse(row.Role), row.OwnerId, level, row.Scopes,
            Deactivation: row.DeactivatedAt is { } at ? new ProducerDeactivation(at, row.DeactivationReason ?? "") : null), row.KeyId, row.ExpiresAt);
    }

    private const string InsertSql = """
        INSERT INTO api_keys (id, key_hash, role, owner_id, hint, created_at, name, scopes, expires_at)
        VALUES (@Id, @Hash, @Role, @OwnerId, @Hint, @CreatedAt, @Name, @Scopes, @ExpiresAt)
        """;

    private static Task InsertAsync(DbConnection connection, DbTransaction? transaction, Database db, ApiKeyRecord key, byte[] hash, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertSql), new
        {
            key.Id, Hash = hash, Role = WireEnum<Role>.Name(key.Role), key.OwnerId, key.Hint, key.CreatedAt, key.Name, key.Scopes, key.ExpiresAt,
        }, transaction, cancellationToken: ct));

    private const string ListSql = """
        SELECT id AS Id, role AS Role, owner_id AS OwnerId, hint AS Hint, created_at AS CreatedAt, revoked_at AS RevokedAt,
            name AS Name, scopes AS Scopes, expires_at AS ExpiresAt, last_used_at AS LastUsedAt
        FROM api_keys WHERE owner_id = @OwnerId ORDER BY seq
        """;

    /// <summary>An owner's keys, revoked ones included, oldest first; never a secret or a hash.</summary>
    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(Guid ownerId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<KeyRow>(new CommandDefinition(db.Sql(ListSql), new { OwnerId = ownerId }, cancellationToken: ct));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    private const string TouchSql = "UPDATE api_keys SET last_used_at = @Now WHERE id = @Id";

    /// <summary>Records that a key was used (the caller limits this to once a minute per key).</summary>
    public async Task TouchAsync(Guid keyId, DateTimeOffset now, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(TouchSql), new { Id = keyId, Now = now }, cancellationToken: ct));
    }

    /// <summary>Another key for an existing account (or the admin's key at first start).</summary>
    public async Task CreateAsync(ApiKeyRecord key, byte[] hash, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await InsertAsync(connection, null, db, key, hash, ct);
    }

    // The count and the insert in one statement: two requests racing for the last place cannot both take it.
    private const string InsertCappedSql = """
        INSERT INTO api_keys (id, key_hash, role, owner_id, hint, created_at, name, scopes, expires_at)
        SELECT @Id, @Hash, @Role, @OwnerId, @Hint, @CreatedAt, @Name, @Scopes, @ExpiresAt
        WHERE (SELECT COUNT(*) FROM api_keys k WHERE k.owner_id = @OwnerId AND k.revoked_at IS NULL
               AND (k.expires_at IS NULL OR {instant}(k.expires_at) > {instant}(@CreatedAt))) < @MaxActive
        """;

    /// <summary>Another key for an account that has fewer than <paramref name="maxActive"/> active (unrevoked, unexpired)
    /// keys; false, and nothing stored, when it has that many already.</summary>
    public async Task<bool> CreateWithinCapAsync(ApiKeyRecord key, byte[] hash, int maxActive, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertCappedSql), new
        {
            key.Id, Hash = hash, Role = WireEnum<Role>.Name(key.Role), key.OwnerId, key.Hint, key.CreatedAt, key.Name, key.Scopes, key.ExpiresAt,
            MaxActive = maxActive,
        }, cancellationToken: ct)) == 1;
    }

    /// <summary>The one way an account (a producer, an authority) is created: its row (<paramref name="insertAccountSql"/>
    /// with <paramref name="account"/>) and its first key in one transaction, so that no account exists without a way
    /// in and no key without its account.</summary>
    internal static async Task CreateAccountAsync(Database db, string insertAccountSql, object account, ApiKeyRecord key, byte[] hash, CancellationToken ct,
        Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, Task>? alsoWrite = null)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(insertAccountSql), account, transaction, cancellationToken: ct));
        await InsertAsync(connection, transaction, db, key, hash, ct);
        if (alsoWrite is not null) await alsoWrite(connection, transaction);
        await db.CommitAsync(transaction, ct);
    }

    // Never the account's last full key (every scope, no expiry): the check and the write are one statement.
    private const string RevokeSql = """
        UPDATE api_keys SET revoked_at = @Now
        WHERE id = @Id AND owner_id = @OwnerId AND revoked_at IS NULL
          AND NOT (scopes IS NULL AND expires_at IS NULL
                   AND (SELECT COUNT(*) FROM api_keys k WHERE k.owner_id = @OwnerId AND k.revoked_at IS NULL
                        AND k.scopes IS NULL AND k.expires_at IS NULL) <= 1)
        """;

    public enum RevokeOutcome { Revoked, AlreadyRevoked, NotFound, LastFullKey }

    /// <summary>Revokes one of an owner's keys, unless it is the owner's last full key. Revoking twice is harmless.</summary>
    public async Task<RevokeOutcome> RevokeAsync(Guid ownerId, Guid keyId, DateTimeOffset now, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(RevokeSql), new { Id = keyId, OwnerId = ownerId, Now = now }, cancellationToken: ct)) == 1)
            return RevokeOutcome.Revoked;
        var key = await GetAsync(connection, ownerId, keyId, ct);
        return key is null ? RevokeOutcome.NotFound : key.RevokedAt is not null ? RevokeOutcome.AlreadyRevoked : RevokeOutcome.LastFullKey;
    }

    private const string GetSql = """
        SELECT id AS Id, role AS Role, owner_id AS OwnerId, hint AS Hint, created_at AS CreatedAt, revoked_at AS RevokedAt,
            name AS Name, scopes AS Scopes, expires_at AS ExpiresAt, last_used_at AS LastUsedAt
        FROM api_keys WHERE id = @Id AND owner_id = @OwnerId
        """;

    /// <summary>One of an owner's keys (revoked or not), or null.</summary>
    public async Task<ApiKeyRecord?> GetAsync(Guid ownerId, Guid keyId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await GetAsync(connection, ownerId, keyId, ct);
    }

    private async Task<ApiKeyRecord?> GetAsync(DbConnection connection, Guid ownerId, Guid keyId, CancellationToken ct)
    {
        var row = await connection.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition(db.Sql(GetSql), new { Id = keyId, OwnerId = ownerId }, cancellationToken: ct));
        return row?.ToRecord();
    }

    private const string AnyAdminSql = "SELECT COUNT(*) FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL";

    public async Task<bool> AnyAdminKeyAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(AnyAdminSql), cancellationToken: ct)) > 0;
    }

    private sealed class CallerRow
    {
        public Guid KeyId { get; set; }
        public string Role { get; set; } = "";
        public Guid? OwnerId { get; set; }
        public string? Level { get; set; }
        public string? Scopes { get; set; }
        public DateTimeOffset? ExpiresAt { get; set; }
        public DateTimeOffset? DeactivatedAt { get; set; }
        public string? DeactivationReason { get; set; }
    }

    private sealed class KeyRow
    {
        public Guid Id { get; set; }
        public string Role { get; set; } = "";
        public Guid? OwnerId { get; set; }
        public string Hint { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? RevokedAt { get; set; }
        public string? Name { get; set; }
        public string? Scopes { get; set; }
        public DateTimeOffset? ExpiresAt { get; set; }
        public DateTimeOffset? LastUsedAt { get; set; }

        public ApiKeyRecord ToRecord() => new(Id, WireEnum<Role>.Parse(Role), OwnerId, Hint, CreatedAt, RevokedAt, Name, Scopes, ExpiresAt, LastUsedAt);
    }
}
