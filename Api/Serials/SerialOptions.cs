namespace Traceability.Api.Serials;

/// <summary>The "Serials" configuration section: the secret that item PINs are derived from. It lives in configuration
/// (an environment variable, a secret store), never in the database, so a copy of the database gives no PIN away.
/// Changing it changes every PIN already printed: set it once per deployment, keep it like a private key.</summary>
public sealed class SerialOptions
{
    /// <summary>Base64 of at least 32 random bytes (openssl rand -base64 32). Without it, serials are issued without PINs only.</summary>
    public string? PinSecret { get; set; }

    public byte[]? Secret => PinSecret is { Length: > 0 } text ? TryDecode(text) : null;

    /// <summary>Different clients (address prefixes) an item's code must be scanned from before its page says that the
    /// label may have been copied.</summary>
    public int CopyWarningClients { get; set; } = 8;

    /// <summary>Wrong PINs from one client (address prefix), within <see cref="PinClientWindowMinutes"/>, that pause its PIN
    /// checks for <see cref="PinClientPauseMinutes"/>.</summary>
    public int PinClientFailures { get; set; } = 5;
    public int PinClientWindowMinutes { get; set; } = 60;
    public int PinClientPauseMinutes { get; set; } = 15;

    /// <summary>Wrong PINs in a row on one item, from any clients, after which it takes one check per
    /// <see cref="PinItemSlowSeconds"/>.</summary>
    public int PinItemSlowAfter { get; set; } = 20;
    public int PinItemSlowSeconds { get; set; } = 60;

    public Domain.Serials.PinPolicy PinPolicy => new(PinClientFailures, TimeSpan.FromMinutes(PinClientWindowMinutes),
        TimeSpan.FromMinutes(PinClientPauseMinutes), PinItemSlowAfter, TimeSpan.FromSeconds(PinItemSlowSeconds));

    public bool LimitsAreValid => CopyWarningClients is >= 2 and <= Infrastructure.Repositories.ItemRepository.MaxSightings && PinClientFailures > 0
                                  && PinClientWindowMinutes > 0 && PinClientPauseMinutes > 0 && PinItemSlowAfter > 0 && PinItemSlowSeconds > 0;

    private static byte[]? TryDecode(string text)
    {
        var bytes = new byte[text.Length];
        return Convert.TryFromBase64String(text, bytes, out var written) ? bytes[..written] : null;
    }
}
