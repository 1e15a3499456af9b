namespace Traceability.Domain.Events;

/// <summary>What an event must be to enter a batch's chain, whether it came as JSON or as EPCIS. Field paths start with
/// the caller's prefix ("" or "events[3].").</summary>
public static class EventRules
{
    public const int MaxAttributes = 50;
    public const int MaxCertificates = 20;
    public const int MaxItems = 1000;
    public static readonly TimeSpan MaxFuture = TimeSpan.FromMinutes(10);

    /// <summary>Within the range both databases keep, and at most <see cref="MaxFuture"/> ahead of the server's clock
    /// (a phone's clock may run a little fast; a step cannot be recorded before it happens).</summary>
    public static void CheckOccurredAt(FieldErrors v, string field, DateTimeOffset time, DateTimeOffset now)
    {
        if (!Bounds.Contains(time)) v.Add(field, Bounds.TimeRule);
        else if (time > now + MaxFuture) v.Add(field, "More than 10 minutes in the future.");
    }

    /// <summary>Only the steps a producer reports; a recall's steps are the system's.</summary>
    public static void CheckType(FieldErrors v, string field, EventType type, string sent)
    {
        if (!EventTypes.Of(type).Recordable) v.Add(field, $"'{sent}' is recorded by the system (POST /batches/{{id}}/recall).");
    }

    /// <summary>A 13-digit GS1 Global Location Number with a valid check digit.</summary>
    public static bool IsGln(string gln) => gln.Length == 13 && gln.All(char.IsAsciiDigit) && Gtin.CheckDigit(gln.AsSpan(0, 12)) == gln[12] - '0';

    /// <summary>Coordinates are kept to 7 decimal places (about 1 cm), the precision the hash chain writes.</summary>
    public static double? Round(double? d) => d is null ? null : Math.Round(d.Value, 7);

    /// <summary>At most <see cref="MaxAttributes"/> named texts: keys of 1–100 characters on one line, values of at most
    /// 1000; keys NFC-normalised, so two spellings of one Vietnamese word are one key.</summary>
    public static Dictionary<string, string> Attributes(FieldErrors v, string prefix, IReadOnlyDictionary<string, string?>? sent)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (sent is { Count: > MaxAttributes }) v.Add(prefix + "attributes", $"At most {MaxAttributes}.");
        foreach (var (key, value) in sent ?? new Dictionary<string, string?>())
        {
            var k = Text.Normalize(key) ?? "";
            if (k.Length is 0 or > 100) v.Add(prefix + "attributes", $"Keys are 1–100 characters ('{k}').");
            else if (Text.Problem(k, multiLine: false) is { } keyProblem) v.Add(prefix + "attributes", $"Key '{k}': {keyProblem}");
            else if (value is null || value.Length > 1000) v.Add($"{prefix}attributes.{k}", "A text of at most 1000 characters.");
            else if (Text.Problem(value) is { } problem) v.Add($"{prefix}attributes.{k}", problem);
            else attributes[k] = value;
        }
        return attributes;
    }

    /// <summary>A certificate's link, where it has one, is an absolute https:// URL (shown to shoppers as a link).</summary>
    public static bool IsCertificateUrl(string url) => Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme == Uri.UriSchemeHttps;

    /// <summary>At most <see cref="MaxItems"/> serials, each valid and named once.</summary>
    public static List<string> Items(FieldErrors v, string prefix, IReadOnlyList<string?>? sent)
    {
        var items = new List<string>();
        if (sent is { Count: > MaxItems }) v.Add(prefix + "items", $"At most {MaxItems:N0} items.");
        for (var i = 0; i < (sent?.Count ?? 0); i++)
        {
            var serial = sent![i];
            if (!Serials.ItemSerial.IsValid(serial)) v.Add($"{prefix}items[{i}]", "A serial: 1–20 characters of GS1's AI (21) set.");
            else if (items.Contains(serial!)) v.Add($"{prefix}items[{i}]", "Named twice.");
            else items.Add(serial!);
        }
        return items;
    }
}
