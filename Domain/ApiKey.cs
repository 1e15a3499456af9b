using System.Security.Cryptography;
using System.Text;

namespace Traceability.Domain;

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
