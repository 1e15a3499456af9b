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

    /// <summary>A producer's data is read by that producer, any authority and the admin.</summary>
    public bool MayRead(Guid ownerProducerId) => Role != Role.Producer || Id == ownerProducerId;

    /// <summary>A producer's data is changed by that producer only.</summary>
    public bool MayChange(Guid ownerProducerId) => IsProducer(ownerProducerId);

    /// <summary>A batch is recalled by its producer or by any OCOP authority (a recall follows the lots made from it,
    /// whoever made them); the admin manages accounts, not products.</summary>
    public bool MayRecall(Batch batch) => Role == Role.Authority || IsProducer(batch.ProducerId);
}
