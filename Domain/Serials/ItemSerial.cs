using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Traceability.Domain.Serials;

/// <summary>An item's serial (GS1 AI 21): random and unguessable, 11 characters of the URL-safe base-64 alphabet (66
/// bits), every one of them in AI 21's character set and none needing percent-encoding in a Digital Link. Serials are
/// exact: case matters, as GS1 keys' does.</summary>
public static class ItemSerial
{
    public const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    public const int Length = 11;
    public const int MaxPerRequest = 1_000_000;

    public static string New() => RandomNumberGenerator.GetString(Alphabet, Length);

    /// <summary>What a scan may name as a serial: AI 21's syntax (1–20 characters of GS1's set 82). Only issued serials
    /// are ever found, but any valid one is answered (with "not issued by the producer").</summary>
    public static bool IsValid(string? serial) => LotNumber.IsValid(serial);

    /// <summary>The item's PIN for the scratch-off layer: 8 digits from HMAC-SHA256(secret, serial). Never stored: it is
    /// derived again to print the file again and to check an entry, and a copy of the database alone cannot give it.</summary>
    public static string Pin(byte[] secret, string serial)
    {
        var mac = HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes("ocop-pin|" + serial));
        return (BinaryPrimitives.ReadUInt64BigEndian(mac) % 100_000_000UL).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Compares a shopper's entry with the item's PIN in constant time.</summary>
    public static bool PinMatches(byte[] secret, string serial, string? entry)
    {
        var digits = new string((entry ?? "").Where(char.IsAsciiDigit).ToArray());
        return digits.Length == 8 && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Pin(secret, serial)), Encoding.ASCII.GetBytes(digits));
    }
}

/// <summary>What a shopper's scan of an item tells about it.</summary>
public enum ItemStatus { Issued, Voided, NotIssued }

/// <summary>An issued item's scans and PIN checks so far. <paramref name="DistinctClients"/>: how many different clients
/// (address prefixes) have scanned it — the evidence for "this label may have been copied", which one client's loop
/// cannot raise. <paramref name="FailedPins"/> counts wrong PINs since the last right one, <paramref name="LockedUntil"/>
/// is when the next PIN check is taken while the item is being tried from many clients.</summary>
public sealed record ItemActivity(long ScanCount, DateTimeOffset? FirstScannedAt, DateTimeOffset? LastScannedAt, DateTimeOffset? VerifiedAt,
    long VerifyCount, int FailedPins, DateTimeOffset? LockedUntil, int DistinctClients = 0, long PinFailuresTotal = 0,
    DateTimeOffset? LastPinFailureAt = null, int Lockouts = 0)
{
    public static readonly ItemActivity None = new(0, null, null, null, 0, 0, null);

    /// <summary>Scanned by at least <paramref name="threshold"/> different clients: more places than one bought item
    /// plausibly is (a shop, a home, a relative's phone), so the label may have been copied. A fact a stranger can only
    /// buy with that many networks, not with a loop.</summary>
    public bool SeenByMany(int threshold) => DistinctClients >= threshold;
}

/// <summary>A client's recent wrong PINs (any item's) and until when its PIN checks are paused.</summary>
public sealed record PinClientState(int Failures, DateTimeOffset WindowStart, DateTimeOffset? BlockedUntil);

public enum PinOutcome { FirstVerification, VerifiedBefore, Wrong, ClientPaused, ItemBusy }

/// <summary>How PIN checks are limited so that guessing is hopeless and a stranger cannot lock a shopper out. Failures are
/// weighed by client: a client with <see cref="ClientFailures"/> wrong PINs within <see cref="ClientWindow"/> is paused
/// for <see cref="ClientPause"/> (the item is not). An item that <see cref="ItemSlowAfter"/> wrong PINs in a row have been
/// tried against — from many clients, which is what walking its 10⁸ PINs takes — answers one check per
/// <see cref="ItemSlowEvery"/>, whoever asks: at that pace its PINs take centuries to walk, and the shopper holding it
/// waits a minute at most.</summary>
public sealed record PinPolicy(int ClientFailures, TimeSpan ClientWindow, TimeSpan ClientPause, int ItemSlowAfter, TimeSpan ItemSlowEvery)
{
    public static readonly PinPolicy Default = new(5, TimeSpan.FromHours(1), TimeSpan.FromMinutes(15), 20, TimeSpan.FromMinutes(1));

    /// <summary>One PIN entry: its outcome, and the item's and the client's states after it.</summary>
    public (PinOutcome Outcome, DateTimeOffset? Until, ItemActivity Item, PinClientState Client, bool Lockout) Decide(
        ItemActivity item, PinClientState? client, bool correct, DateTimeOffset now)
    {
        var c = client is null || now - client.WindowStart >= ClientWindow ? new PinClientState(0, now, client?.BlockedUntil) : client;
        if (c.BlockedUntil is { } paused && paused > now) return (PinOutcome.ClientPaused, paused, item, c, false);
        if (item.FailedPins >= ItemSlowAfter && item.LockedUntil is { } next && next > now) return (PinOutcome.ItemBusy, next, item, c, false);
        var slowed = item.FailedPins >= ItemSlowAfter ? now + ItemSlowEvery : (DateTimeOffset?)null;
        if (correct)
        {
            var verified = item with { VerifiedAt = item.VerifiedAt ?? now, VerifyCount = item.VerifyCount + 1, FailedPins = 0, LockedUntil = null };
            return (item.VerifiedAt is null ? PinOutcome.FirstVerification : PinOutcome.VerifiedBefore, item.VerifiedAt, verified, c with { Failures = 0 }, false);
        }
        var failures = item.FailedPins + 1;
        var startsSlowing = failures == ItemSlowAfter;
        var wrong = item with
        {
            FailedPins = failures, PinFailuresTotal = item.PinFailuresTotal + 1, LastPinFailureAt = now,
            LockedUntil = failures >= ItemSlowAfter ? slowed ?? now + ItemSlowEvery : null,
        };
        var clientFailures = c.Failures + 1;
        var pause = clientFailures >= ClientFailures;
        var after = new PinClientState(pause ? 0 : clientFailures, c.WindowStart, pause ? now + ClientPause : c.BlockedUntil);
        var lockout = pause || startsSlowing;
        return (PinOutcome.Wrong, null, lockout ? wrong with { Lockouts = wrong.Lockouts + 1 } : wrong, after, lockout);
    }
}
