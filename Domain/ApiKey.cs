using System.Security.Cryptography;
using System.Text;

namespace Traceability.Domain;

public enum Role { Admin, Authority, Producer }

/// <summary>An API key: 256 random bits, shown once, stored only as its SHA-256 hash.
/// A plain hash is enough (no salt or slow KDF) because the secret is random, not a password.</summary>
public static class ApiKey
{
    public const string Prefix = "ocop_";

    public static string New() =>
        Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>The first characters, safe to show in listings so an owner can tell keys apart.</summary>
    public static string Hint(string key) => key[..Math.Min(key.Length, Prefix.Length + 6)];
}

/// <summary>A stored key: whose it is, what it may do, never the secret. <paramref name="Scopes"/> null: every scope (an
/// account's first key, and keys made before scopes existed).</summary>
public sealed record ApiKeyRecord(Guid Id, Role Role, Guid? OwnerId, string Hint, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt,
    string? Name = null, string? Scopes = null, DateTimeOffset? ExpiresAt = null, DateTimeOffset? LastUsedAt = null)
{
    /// <summary>A key with every scope and no expiry: what an account needs to keep a way in. An account always keeps
    /// at least one (<see cref="Caller.MayRevoke"/>).</summary>
    public bool IsFull => Scopes is null && ExpiresAt is null && RevokedAt is null;

    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is not { } expires || expires > now);
}

/// <summary>What a key may do. A key minted for an app carries only the scopes it needs (a farm-diary app:
/// <c>events:write</c>, perhaps <c>read</c>); a key without scopes may do everything its account may.</summary>
public static class KeyScopes
{
    public const string Read = "read";
    public const string EventsWrite = "events:write";
    public const string BatchesWrite = "batches:write";
    public const string SerialsWrite = "serials:write";
    public const string WebhooksManage = "webhooks:manage";
    public const string KeysManage = "keys:manage";

    public static readonly IReadOnlyList<string> All = [Read, EventsWrite, BatchesWrite, SerialsWrite, WebhooksManage, KeysManage];

    /// <summary>The stored form: known scopes, distinct, in <see cref="All"/>'s order, space-separated.</summary>
    public static string Normalize(IEnumerable<string> scopes)
    {
        var set = scopes.ToHashSet(StringComparer.Ordinal);
        return string.Join(' ', All.Where(set.Contains));
    }

    public static bool Includes(string? stored, string scope) =>
        stored is null || stored.Split(' ').Contains(scope, StringComparer.Ordinal);
}

/// <summary>Who is calling, resolved from the key. <paramref name="Scopes"/> null: every scope. <paramref name="KeyExpiresAt"/>:
/// when the calling key expires (null: never).</summary>
public sealed record Caller(Role Role, Guid? Id, AuthorityLevel? Level = null, string? Scopes = null, Guid? KeyId = null,
    DateTimeOffset? KeyExpiresAt = null)
{
    /// <summary>The expiry of a key this key creates: never later than this key's own, so a key about to expire cannot
    /// leave a longer-lived child behind. Null when neither expires; otherwise the requested expiry or, when none was
    /// asked, this key's. False when the requested one is later than this key's.</summary>
    public bool TryChildExpiry(DateTimeOffset? requested, out DateTimeOffset? expiry)
    {
        expiry = requested ?? KeyExpiresAt;
        return KeyExpiresAt is not { } own || expiry <= own;
    }

    /// <summary>A key revokes only keys whose scopes are within its own (a keys:manage-only key cannot lock out the
    /// owner's full key).</summary>
    public bool MayRevoke(ApiKeyRecord target) => HasScopes(target.Scopes);

    public bool HasScope(string scope) => KeyScopes.Includes(Scopes, scope);

    /// <summary>A key may give another key only what it has itself.</summary>
    public bool HasScopes(string? scopes) => Scopes is null || (scopes is not null && scopes.Split(' ').All(HasScope));

    public bool Is(Role role) => Role == role;
    public bool IsProducer(Guid producerId) => Role == Role.Producer && Id == producerId;

    /// <summary>A producer's data is read by that producer, any authority and the admin.</summary>
    public bool MayRead(Guid ownerProducerId) => Role != Role.Producer || Id == ownerProducerId;

    /// <summary>A producer's data is changed by that producer only.</summary>
    public bool MayChange(Guid ownerProducerId) => IsProducer(ownerProducerId);
}
