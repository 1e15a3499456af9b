using Traceability.Domain;

namespace Traceability.Api.PublicRecords.Resolver;

/// <summary>A GS1 Digital Link request URI taken apart (GS1 Digital Link URI syntax 1.4): the GTIN, its key qualifiers
/// in the order GS1 fixes (22 consumer product variant, 10 lot, 21 serial), and the GS1 data attributes of the query
/// string. Anything else is a syntax error, answered 400 as the GS1-Conformant resolver standard requires.</summary>
public sealed record DigitalLinkRequest(string Gtin14, string? Variant, string? Lot, string? Serial, string CanonicalPath, bool IsCanonical)
{
    private static readonly string[] GtinQualifiers = ["22", "10", "21"];

    /// <summary>The path of a lot: its anchor in the linkset and the URI its QR code holds.</summary>
    public static string LotPath(string gtin14, string lot) => $"/01/{gtin14}/10/{Uri.EscapeDataString(lot)}";

    public static string GtinPath(string gtin14) => $"/01/{gtin14}";

    /// <param name="rawPath">The path as sent (still percent-encoded), starting with /01/.</param>
    /// <param name="query">The query string; its numeric keys are GS1 data attributes and must be valid ones.</param>
    /// <exception cref="ValidationFailedException">The URI is not a valid Digital Link.</exception>
    public static DigitalLinkRequest Parse(string rawPath, IEnumerable<KeyValuePair<string, string?>> query)
    {
        // One trailing slash is tolerated (the standard asks resolvers not to fail on it).
        var path = rawPath.EndsWith('/') ? rawPath[..^1] : rawPath;
        var parts = path.TrimStart('/').Split('/');
        if (parts.Length % 2 != 0 || parts[0] != "01")
            throw Invalid("path", "A GS1 Digital Link path is pairs of an AI and its value: /01/{gtin}[/22/{variant}][/10/{lot}][/21/{serial}].");
        if (!Gtin.TryNormalize(parts[1], out var gtin14))
            throw Invalid("gtin", "A GTIN-8, -12, -13 or -14 with a valid GS1 check digit.");

        var values = new string?[GtinQualifiers.Length];
        var last = -1;
        for (var i = 2; i < parts.Length; i += 2)
        {
            var at = Array.IndexOf(GtinQualifiers, parts[i]);
            if (at < 0)
                throw Invalid("path", $"'{parts[i]}' is not a key qualifier of a GTIN; a GTIN takes 22, 10 and 21, in that order.");
            if (at <= last) throw Invalid("path", "Key qualifiers come once each, in the order 22, 10, 21.");
            last = at;
            var value = Unescape(parts[i + 1]);
            var ai = ApplicationIdentifiers.Find(parts[i])!;
            // A lot and a serial follow the one rule their creation follows (Domain/LotNumber.cs: GS1's character set 82,
            // 1–20 characters), so every label this API prints resolves; GS1's toolkit table leaves : ; < = > ? out of it.
            if (value is null || (parts[i] is "10" or "21" ? !LotNumber.IsValid(value) : !ai.Accepts(value)))
                throw Invalid(Field(parts[i]), $"AI ({parts[i]}) {ai.Title}: 1–20 characters of the GS1 AI encodable character set 82, percent-encoded where reserved.");
            values[at] = value;
        }
        foreach (var (key, value) in query)
        {
            if (key.Length == 0 || !key.All(char.IsAsciiDigit)) continue;
            var ai = ApplicationIdentifiers.Find(key);
            if (ai is null) throw Invalid(key, $"'{key}' is not a GS1 Application Identifier.");
            if (ai.Type != "D") throw Invalid(key, $"AI ({key}) {ai.Title} belongs in the path, not in the query string.");
            if (value is null || !ai.Accepts(value)) throw Invalid(key, $"'{value}' is not a valid AI ({key}) {ai.Title}.");
        }

        var canonical = GtinPath(gtin14) + string.Concat(GtinQualifiers.Select((ai, i) =>
            values[i] is { } v ? $"/{ai}/{Uri.EscapeDataString(v)}" : ""));
        return new DigitalLinkRequest(gtin14, values[0], values[1], values[2], canonical, canonical == path);
    }

    private static string Field(string ai) => ai switch { "10" => "lot", "21" => "serial", _ => "variant" };

    private static string? Unescape(string raw)
    {
        try { return Uri.UnescapeDataString(raw); }
        catch (UriFormatException) { return null; }
    }

    private static ValidationFailedException Invalid(string field, string message) => ValidationFailedException.For(field, message);
}
