using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Traceability.Domain.Events;

/// <summary>Each batch's events form a SHA-256 hash chain. The canonical form is specified in docs/hash-chain.md;
/// change nothing here without changing that document and its verification script.</summary>
public static class HashChain
{
    public const string OccurredAtFormat = "yyyy-MM-dd'T'HH:mm:ss.fffzzz";
    public const string RecordedAtFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static string FormatOccurredAt(DateTimeOffset t) => t.ToString(OccurredAtFormat, CultureInfo.InvariantCulture);
    public static string FormatRecordedAt(DateTimeOffset t) => t.ToUniversalTime().ToString(RecordedAtFormat, CultureInfo.InvariantCulture);

    public static string Compute(SupplyChainEvent e) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson.Serialize(Content(e)))));

    /// <summary>The hashed content: every member of the public event JSON except hash itself; members that are
    /// null, empty objects or empty arrays are left out, but previousHash is always present (null for the first).</summary>
    public static IReadOnlyDictionary<string, object?> Content(SupplyChainEvent e)
    {
        var content = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = e.Id.ToString("D"),
            ["batch"] = e.BatchCode,
            ["sequence"] = e.Sequence,
            ["type"] = WireEnum<EventType>.Name(e.Type),
            ["occurredAt"] = FormatOccurredAt(e.OccurredAt),
            ["recordedAt"] = FormatRecordedAt(e.RecordedAt),
            ["previousHash"] = e.PreviousHash,
        };
        Add(content, "actor", e.Actor);
        Add(content, "note", e.Note);
        Add(content, "corrects", e.Corrects?.ToString("D"));
        if (e.Location is { } l)
        {
            var location = new Dictionary<string, object?>(StringComparer.Ordinal);
            Add(location, "name", l.Name);
            Add(location, "latitude", l.Latitude);
            Add(location, "longitude", l.Longitude);
            Add(location, "gln", l.Gln);
            if (location.Count > 0) content["location"] = location;
        }
        if (e.Attributes.Count > 0)
            content["attributes"] = e.Attributes.ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.Ordinal);
        if (e.Certificates.Count > 0)
            content["certificates"] = e.Certificates.Select(c =>
            {
                var cert = new Dictionary<string, object?>(StringComparer.Ordinal) { ["name"] = c.Name };
                Add(cert, "number", c.Number);
                Add(cert, "issuedBy", c.IssuedBy);
                Add(cert, "validUntil", c.ValidUntil?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                Add(cert, "url", c.Url);
                return (object?)cert;
            }).ToList();
        Add(content, "epcisEventHash", e.EpcisEventHash);
        Add(content, "recordedBy", e.RecordedBy?.ToString("D"));
        Add(content, "receiver", e.Receiver?.ToString("D"));
        if (e.ItemsDigest is { } digest) content["itemsDigest"] = digest;
        else if (e.Items.Count > 0) content["items"] = e.Items.Select(i => (object?)i).ToList();
        return content;
    }

    /// <summary>The lowercase hexadecimal SHA-256 of the serials' canonical JSON array (<c>["A","B"]</c>): what the hash
    /// covers in their place, so the public can verify a chain whose serials only their producer sees.</summary>
    public static string ItemsDigest(IReadOnlyList<string> items) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson.Serialize(items.Select(i => (object?)i).ToList()))));

    private static void Add(Dictionary<string, object?> target, string key, object? value)
    {
        if (value is not null) target[key] = value;
    }

    /// <summary>Checks sequence numbers, links and hashes in order; the first sequence that fails, or null when all hold.</summary>
    public static long? FirstInvalid(IEnumerable<SupplyChainEvent> events) => FirstInvalid(events, 0, null);

    /// <summary>As <see cref="FirstInvalid(IEnumerable{SupplyChainEvent})"/> for the events that follow an already
    /// verified one (<paramref name="afterSequence"/>, whose hash is <paramref name="afterHash"/>).</summary>
    public static long? FirstInvalid(IEnumerable<SupplyChainEvent> events, long afterSequence, string? afterHash)
    {
        var previous = afterHash;
        var expected = afterSequence + 1;
        foreach (var e in events)
        {
            if (e.Sequence != expected || e.PreviousHash != previous || Compute(e) != e.Hash) return expected;
            previous = e.Hash;
            expected++;
        }
        return null;
    }
}
