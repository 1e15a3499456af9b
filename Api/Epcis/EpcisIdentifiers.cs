using System.Text.RegularExpressions;
using Traceability.Domain;
using Traceability.Domain.Events;

namespace Traceability.Api.Epcis;

/// <summary>Reads the identifiers EPCIS documents carry back into the project's terms: lots (a GS1 Digital Link with a
/// GTIN and a lot, on any resolver's host, or this API's /p/{code}), items (a Digital Link with a serial, or
/// /p/{code}/{serial}), locations (a GLN as a Digital Link /414/{gln} or an SGLN URN) and CBV business steps in any of
/// their forms (bare, https://ref.gs1.org/cbv/BizStep-…, urn:epcglobal:cbv:bizstep:…).</summary>
public static partial class EpcisIdentifiers
{
    public sealed record LotId(string? Gtin14, string? LotNumber, string? Code);

    /// <summary>A lot-level identifier (an epcClass), or null.</summary>
    public static LotId? Lot(string uri, string publicBase)
    {
        if (uri.StartsWith(publicBase + "/p/", StringComparison.Ordinal))
        {
            var rest = uri[(publicBase.Length + 3)..];
            return rest.Length > 0 && !rest.Contains('/') && TracingCode.Normalize(Uri.UnescapeDataString(rest)) is { } code ? new LotId(null, null, code) : null;
        }
        if (DigitalLink().Match(Path(uri)) is not { Success: true } m || m.Groups["lot"].Success is false || m.Groups["serial"].Success) return null;
        return Gtin.TryNormalize(m.Groups["gtin"].Value, out var gtin14) ? new LotId(gtin14, Uri.UnescapeDataString(m.Groups["lot"].Value), null) : null;
    }

    /// <summary>An item's serial from an instance-level identifier (an EPC), or null.</summary>
    public static string? Serial(string uri, string publicBase)
    {
        if (uri.StartsWith(publicBase + "/p/", StringComparison.Ordinal))
        {
            var parts = uri[(publicBase.Length + 3)..].Split('/');
            return parts.Length == 2 && parts[1].Length > 0 ? Uri.UnescapeDataString(parts[1]) : null;
        }
        return DigitalLink().Match(Path(uri)) is { Success: true } m && m.Groups["serial"].Success ? Uri.UnescapeDataString(m.Groups["serial"].Value) : null;
    }

    /// <summary>A GLN from a location id, or null.</summary>
    public static string? Gln(string id)
    {
        if (GlnLink().Match(Path(id)) is { Success: true } link) return link.Groups["gln"].Value;
        if (Sgln().Match(id) is not { Success: true } urn) return null;
        var digits = urn.Groups["prefix"].Value + urn.Groups["ref"].Value;
        return digits.Length == 12 ? digits + Gtin.CheckDigit(digits) : null;
    }

    /// <summary>The CBV short name of a bizStep or disposition in any of its forms (or the term itself, for others).</summary>
    public static string ShortName(string value, string kind)
    {
        foreach (var prefix in new[] { $"https://ref.gs1.org/cbv/{kind}-", $"https://gs1.org/voc/{kind}-", $"urn:epcglobal:cbv:{kind.ToLowerInvariant()}:", "cbv:" + kind + "-" })
            if (value.StartsWith(prefix, StringComparison.Ordinal)) return value[prefix.Length..];
        return value;
    }

    /// <summary>The project's step for a bizStep: a CBV step that names one of ours, or a term of the project's vocabulary
    /// (ocop:x, or {PublicBaseUrl}/voc/x). Null when none does (CBV's creating_class_instance says no step).</summary>
    public static EventType? Step(string bizStep, string publicBase)
    {
        var vocabulary = EpcisDocument.Vocabulary(publicBase);
        var term = bizStep.StartsWith(vocabulary, StringComparison.Ordinal) ? EventTypes.ExtensionPrefix + bizStep[vocabulary.Length..] : ShortName(bizStep, "BizStep");
        return EventTypes.All.FirstOrDefault(t => t.BizStep == term)?.Type;
    }

    /// <summary>The steps a disposition follows from (in_transit: shipping).</summary>
    public static IEnumerable<EventType> StepsWithDisposition(string disposition)
    {
        var term = ShortName(disposition, "Disp");
        return EventTypes.All.Where(t => t.Disposition == term).Select(t => t.Type);
    }

    private static string Path(string uri) => Uri.TryCreate(uri, UriKind.Absolute, out var u) && u.Scheme is "https" or "http" ? u.AbsolutePath : "";

    [GeneratedRegex(@"/01/(?<gtin>\d{8}|\d{12,14})(?:/22/[^/]+)?(?:/10/(?<lot>[^/]+))?(?:/21/(?<serial>[^/]+))?/?$")]
    private static partial Regex DigitalLink();

    [GeneratedRegex(@"/414/(?<gln>\d{13})(?:/254/[^/]+)?/?$")]
    private static partial Regex GlnLink();

    [GeneratedRegex(@"^urn:epc:id:sgln:(?<prefix>\d+)\.(?<ref>\d*)\.0$")]
    private static partial Regex Sgln();
}
