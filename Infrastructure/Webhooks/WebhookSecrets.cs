using System.Security.Cryptography;
using System.Text;

namespace Traceability.Infrastructure.Webhooks;

/// <summary>Webhook signing secrets at rest. Unlike API keys they cannot be hashed — the dispatcher needs them to sign —
/// so they are sealed with AES-256-GCM under a key from configuration (Webhooks:SecretKey, never in the database),
/// bound to their subscription's id: a stolen database (or a backup) gives no secret away, and a sealed secret copied to
/// another subscription does not open. Without a key they are stored as they are (the API warns at start).</summary>
public sealed class WebhookSecrets(byte[]? key)
{
    private const string Prefix = "sealed1:";
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    public bool Seals => key is not null;

    public string Seal(string secret, Guid webhookId)
    {
        if (key is null) return secret;
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceBytes + plain.Length + TagBytes];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes, plain.Length), sealedBytes.AsSpan(NonceBytes + plain.Length), webhookId.ToByteArray());
        return Prefix + Convert.ToBase64String(sealedBytes);
    }

    /// <summary>The secret, or <see cref="Unopenable"/> ("") when it was sealed under another key (or none is set now):
    /// such a subscription cannot sign until its owner rotates the secret.</summary>
    public string Open(string stored, Guid webhookId)
    {
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal)) return stored;
        if (key is null) return Unopenable;
        try
        {
            var sealedBytes = Convert.FromBase64String(stored[Prefix.Length..]);
            var length = sealedBytes.Length - NonceBytes - TagBytes;
            var plain = new byte[length];
            using var aes = new AesGcm(key, TagBytes);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes, length), sealedBytes.AsSpan(NonceBytes + length), plain, webhookId.ToByteArray());
            return Encoding.UTF8.GetString(plain);
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException)
        {
            return Unopenable;
        }
    }

    public const string Unopenable = "";

    /// <summary>The key from its configured form: base64 of at least 32 random bytes (openssl rand -base64 32), reduced to
    /// AES-256's 32 bytes with SHA-256; null when unset.</summary>
    public static byte[]? KeyFrom(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured)) return null;
        var bytes = Convert.FromBase64String(configured.Trim());
        if (bytes.Length < 32) throw new InvalidOperationException("Webhooks:SecretKey must be base64 of at least 32 random bytes (openssl rand -base64 32).");
        return SHA256.HashData(bytes);
    }
}
