namespace Traceability.Api.Setup;

/// <summary>The "Serials" configuration section: the secret that item PINs are derived from. It lives in configuration
/// (an environment variable, a secret store), never in the database, so a copy of the database gives no PIN away.
/// Changing it changes every PIN already printed: set it once per deployment, keep it like a private key.</summary>
public sealed class SerialOptions
{
    /// <summary>Base64 of at least 32 random bytes (openssl rand -base64 32). Without it, serials are issued without PINs only.</summary>
    public string? PinSecret { get; set; }

    public byte[]? Secret => PinSecret is { Length: > 0 } text ? TryDecode(text) : null;

    private static byte[]? TryDecode(string text)
    {
        var bytes = new byte[text.Length];
        return Convert.TryFromBase64String(text, bytes, out var written) ? bytes[..written] : null;
    }
}
