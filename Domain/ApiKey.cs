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

/// <summary>A stored key: whose it is, never the secret.</summary>
public sealed record ApiKeyRecord(Guid Id, Role Role, Guid? OwnerId, string Hint, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>Who is calling, resolved from the key.</summary>
public sealed record Caller(Role Role, Guid? Id, AuthorityLevel? Level = null)
{
    public bool Is(Role role) => Role == role;
    public bool IsProducer(Guid producerId) => Role == Role.Producer && Id == producerId;
}
