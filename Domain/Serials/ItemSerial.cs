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
