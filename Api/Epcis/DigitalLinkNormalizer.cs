using System.Text.RegularExpressions;

namespace Traceability.Api.Epcis;

/// <summary>Rule 15 of the CBV 2.0 event hash: an EPC URN (urn:epc:id:sgtin:…, urn:epc:class:lgtin:…, idpat…) or a GS1
/// Digital Link on any host, with letters for keys (/gtin/, /ser/…), becomes the canonical Digital Link on
/// https://id.gs1.org. A line-for-line port of GS1's epcis2.js (src/hash_generator/dlNormalizer.js, v2.7.3), quirks
/// included, so the hashes agree: a value it cannot normalise is left as it was.</summary>
public static partial class DigitalLinkNormalizer
{
    private const string Char = "(%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-])";
    private const string Cpi = "(%2[3dfDF]|%3[0-9]|%4[1-9A-Fa-f]|%5[0-9Aa]|[0-9A-Z-])";
    private const string Gtin = "(([0-9]{6}.[0-9]{7})|([0-9]{7}.[0-9]{6})|([0-9]{8}.[0-9]{5})|([0-9]{9}.[0-9]{4})|([0-9]{10}.[0-9]{3})|([0-9]{11}.[0-9]{2})|([0-9]{12}.[0-9]{1}))";
    private const string Loc = "(([0-9]{6}.[0-9]{6})|([0-9]{7}.[0-9]{5})|([0-9]{8}.[0-9]{4})|([0-9]{9}.[0-9]{3})|([0-9]{10}.[0-9]{2})|([0-9]{11}.[0-9]{1})|([0-9]{12}.))";
    private const string LocPat = "(([0-9]{6}.[0-9]{6})|([0-9]{7}.[0-9]{5})|([0-9]{8}.[0-9]{4})|([0-9]{9}.[0-9]{3})|([0-9]{10}.[0-9]{2})|([0-9]{11}.[0-9]{1})|([0-9]{12}..))";
    private const string Sscc = "(([0-9]{6}.[0-9]{11})|([0-9]{7}.[0-9]{10})|([0-9]{8}.[0-9]{9})|([0-9]{9}.[0-9]{8})|([0-9]{10}.[0-9]{7})|([0-9]{11}.[0-9]{6})|([0-9]{12}.[0-9]{5}))";
    private const string Ai = "[\\x22\\x27\\x2D\\x2E\\x30-\\x39\\x3B-\\x3F\\x41-\\x5A\\x5F\\x61-\\x7A]";

    private static string Variable(string chars, int total) =>
        "(" + string.Join("|", Enumerable.Range(6, 7).Select(p => $"([0-9]{{{p}}}.{chars}{{1,{total - p}}})")) + ")";

    // Compiled: every identifier of every captured event goes through these (interpreted, they were ~6 % of a capture's CPU).
    private static Regex R(string pattern) => new(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled);

    private static readonly Regex SgtinUrn = R($"^urn:epc:id:sgtin:{Gtin}.{Char}{{1,20}}\\z");
    private static readonly Regex SsccUrn = R($"^urn:epc:id:sscc:{Sscc}\\z");
    private static readonly Regex SglnUrn = R($"^urn:epc:id:sgln:{Loc}.{Char}{{1,20}}\\z");
    private static readonly Regex GraiUrn = R($"^urn:epc:id:grai:{Loc}.{Char}{{1,16}}\\z");
    private static readonly Regex GiaiUrn = R($"^urn:epc:id:giai:{Variable(Char, 30)}\\z");
    private static readonly Regex GsrnUrn = R($"^urn:epc:id:gsrn:{Sscc}\\z");
    private static readonly Regex GsrnpUrn = R($"^urn:epc:id:gsrnp:{Sscc}\\z");
    private static readonly Regex GdtiUrn = R($"^urn:epc:id:gdti:{LocPat}{Char}{{1,20}}\\z");
    private static readonly Regex CpiUrn = R($"^urn:epc:id:cpi:{Variable(Cpi, 30)}.[0-9]{{1,12}}\\z");
    private static readonly Regex SgcnUrn = R($"^urn:epc:id:sgcn:{Loc}.[0-9]{{1,12}}\\z");
    private static readonly Regex GincUrn = R($"^urn:epc:id:ginc:{Variable(Char, 30)}\\z");
    private static readonly Regex GsinUrn = R("^urn:epc:id:gsin:(([0-9]{6}.[0-9]{10}\\z)|([0-9]{7}.[0-9]{9}\\z)|([0-9]{8}.[0-9]{8}\\z)|([0-9]{9}.[0-9]{7}\\z)|([0-9]{10}.[0-9]{6}\\z)|([0-9]{11}.[0-9]{5}\\z)|([0-9]{12}.[0-9]{4}\\z))");
    private static readonly Regex ItipUrn = R($"^urn:epc:id:itip:{Gtin}.[0-9]{{2}}.[0-9]{{2}}.{Char}{{1,20}}\\z");
    private static readonly Regex UpuiUrn = R($"^urn:epc:id:upui:{Gtin}.{Char}{{1,28}}\\z");
    private static readonly Regex PglnUrn = R("^urn:epc:id:pgln:(([0-9]{6}.[0-9]{6})|([0-9]{7}.[0-9]{5})|([0-9]{8}.[0-9]{4})|([0-9]{9}.[0-9]{3})|([0-9]{10}.[0-9]{2})|([0-9]{11}.[0-9]{1})|([0-9]{12}.))\\z");
    private static readonly Regex LgtinUrn = R($"^urn:epc:class:lgtin:{Gtin}.{Char}{{1,20}}\\z");
    private static readonly Regex SgtinPat = R($"^urn:epc:idpat:sgtin:{Gtin}.*\\z");
    private static readonly Regex GraiPat = R($"^urn:epc:idpat:grai:{LocPat}.*\\z");
    private static readonly Regex GdtiPat = R($"^urn:epc:idpat:gdti:{LocPat}.*\\z");
    private static readonly Regex SgcnPat = R($"^urn:epc:idpat:sgcn:{LocPat}.*\\z");
    private static readonly Regex CpiPat = R($"^urn:epc:idpat:cpi:{Variable(Cpi, 30)}.*\\z");
    private static readonly Regex ItipPat = R($"^urn:epc:idpat:itip:{Gtin}.[0-9]{{2}}.[0-9]{{2}}.*\\z");
    private static readonly Regex UpuiPat = R($"^urn:epc:idpat:upui:{Gtin}.*\\z");

    private static readonly Regex AnyDigitalLink = R(
        "^https?:(//((([^/?#]*)@)?([^/?#:]*)(:([^/?#]*))?))?((([^?#]*)(/(01|gtin|8006|itip|8010|cpid|414|gln|417|party|8017|gsrnp|8018|gsrn|255|gcn|00|sscc|253|gdti|401|ginc|402|gsin|8003|grai|8004|giai)/)([0-9]{4}[^/]+)?[/]?(([^?\\n]*))?(#([\\s\\S]*))?)|(/[A-Za-z_-]{10}\\z))");
    private static readonly Regex OnResolver = R(
        "^https://id.gs1.org/(01|8006|8010|414|417|8017|8018|255|00|253|401|402|8003|8004)/([0-9]{4}[^/]+)(/[^/]+/[^/]+)?[/]?(([^?\\n]*))?(#([^\\n]*))?|(/[A-Za-z_-]{10}\\z)");
    private static readonly Regex Gtin14 = R("^https://id.gs1.org/01/[0-9]{14}");
    private static readonly Regex ShortGtin = R("^https://id.gs1.org/01/([0-9]{13}|[0-9]{12}|[0-9]{8})");
    private static readonly Regex CpvOnly = R($"https://id.gs1.org/(8006/[0-9]{{18}}|01/[0-9]{{14}})/22/({Ai}{{0,20}})\\z");
    private static readonly Regex CpvThen = R($"https://id.gs1.org/(8006/[0-9]{{18}}|01/[0-9]{{14}})/22/([\\x2F\\x22\\x27\\x2D\\x2E\\x30-\\x39\\x3B-\\x3F\\x41-\\x5A\\x5F\\x61-\\x7A]{{0,20}})\\z");
    private static readonly Regex LotAndSerial = R($"https://id.gs1.org/(8006/[0-9]{{18}}|01/([0-9]{{14}}))/10/({Ai}{{0,20}})/21/({Ai}{{0,20}})\\z");

    private static readonly Regex[] Valid =
    [
        R("https://id.gs1.org/00/([0-9]{18})\\z"),
        R($"https://id.gs1.org/01/([0-9]{{14}})/21/({Ai}{{0,20}})\\z"),
        R($"https://id.gs1.org/01/([0-9]{{14}})/10/({Ai}{{0,20}})\\z"),
        R("https://id.gs1.org/01/([0-9]{14})\\z"),
        R($"https://id.gs1.org/01/([0-9]{{14}})/235/({Ai}{{0,28}})\\z"),
        R($"https://id.gs1.org/253/([0-9]{{13}})({Ai}{{0,17}})\\z"),
        R("https://id.gs1.org/255/([0-9]{13})([0-9]{0,12})\\z"),
        R($"https://id.gs1.org/401/({Ai}{{0,30}})\\z"),
        R("https://id.gs1.org/402/([0-9]{17})\\z"),
        R("https://id.gs1.org/414/([0-9]{13})\\z"),
        R($"https://id.gs1.org/414/([0-9]{{13}})/254/({Ai}{{0,20}})\\z"),
        R("https://id.gs1.org/417/([0-9]{13})\\z"),
        R($"https://id.gs1.org/8003/([0-9]{{14}})({Ai}{{0,16}})\\z"),
        R($"https://id.gs1.org/8004/({Ai}{{0,30}})\\z"),
        R($"https://id.gs1.org/8006/([0-9]{{18}})/21/({Ai}{{0,20}})\\z"),
        R($"https://id.gs1.org/8006/([0-9]{{18}})/10/({Ai}{{0,20}})\\z"),
        R("https://id.gs1.org/8006/([0-9]{18})\\z"),
        R("https://id.gs1.org/8010/([\\x23\\x2D\\x2F\\x30-\\x39\\x41-\\x5A]{0,30})/8011/([0-9]{0,12})\\z"),
        R("https://id.gs1.org/8010/([\\x23\\x2D\\x2F\\x30-\\x39\\x41-\\x5A]{0,30})\\z"),
        R("https://id.gs1.org/8017/([0-9]{18})\\z"),
        R("https://id.gs1.org/8018/([0-9]{18})\\z"),
    ];

    private static readonly (string From, string To)[] Keys =
    [
        ("/gtin/", "/01/"), ("/itip/", "/8006/"), ("/cpid/", "/8010/"), ("/gln/", "/414/"), ("/party/", "/417/"), ("/gsrnp/", "/8017/"),
        ("/gsrn/", "/8018/"), ("/gcn/", "/255/"), ("/sscc/", "/00/"), ("/gdti/", "/253/"), ("/ginc/", "/401/"), ("/gsin/", "/402/"),
        ("/grai/", "/8003/"), ("/giai/", "/8004/"), ("/cpv/", "/22/"), ("/lot/", "/10/"), ("/ser/", "/21/"),
    ];

    private static readonly string[] DomainKeys = ["/00/", "/01/", "/253/", "/255/", "/401/", "/402/", "/414/", "/417/", "/8003/", "/8004/", "/8006/", "/8010/", "/8017/", "/8018/"];

    public static string Normalize(string originalUri)
    {
        var uri = originalUri;
        if (!uri.Contains('.')) return uri;
        var partition = uri.IndexOf('.');
        // Every EPC URN pattern below starts so: a Digital Link or any other URI skips the twenty-three of them.
        if (!uri.StartsWith("urn:epc:", StringComparison.Ordinal)) return DigitalLink(uri, originalUri);

        if (SgtinUrn.IsMatch(uri))
        {
            var prefix = Js.Sub(uri, 17, partition);
            var itemRef = Js.Sub(uri, partition + 1, partition + 1 + (13 - prefix.Length));
            return $"https://id.gs1.org/01/{CheckDigitAndPad(Js.Sub(itemRef, 0, 1) + prefix + Js.Sub(itemRef, 1))}/21/{Encode(Js.Sub(uri, 32))}";
        }
        if (SsccUrn.IsMatch(uri))
        {
            var prefix = Js.Sub(uri, 16, partition);
            var serialRef = Js.Sub(uri, partition + 1);
            return $"https://id.gs1.org/00/{CheckDigitAndPad(Js.Sub(uri, partition + 1, partition + 2) + prefix + serialRef, 18)}";
        }
        if (SglnUrn.IsMatch(uri))
        {
            var prefix = Js.Sub(uri, 16, partition);
            var gln = CheckDigitAndPad(prefix + Js.Sub(uri, partition + 1, partition + 1 + (12 - prefix.Length)), 13);
            var extension = Js.Sub(uri, 30);
            return extension == "0" ? $"https://id.gs1.org/414/{gln}" : $"https://id.gs1.org/414/{gln}/254/{Encode(extension)}";
        }
        if (GraiUrn.IsMatch(uri))
        {
            var prefix = Js.Sub(uri, 16, partition);
            var assetRef = Js.Sub(uri, partition + 1, partition + 1 + (12 - prefix.Length));
            return $"https://id.gs1.org/8003/{CheckDigitAndPad("0" + prefix + assetRef)}{Encode(Js.Sub(uri, 30))}";
        }
        if (GiaiUrn.IsMatch(uri)) return $"https://id.gs1.org/8004/{Js.Sub(uri, 16, partition)}{Encode(Js.Sub(uri, partition + 1))}";
        if (GsrnUrn.IsMatch(uri)) return $"https://id.gs1.org/8018/{CheckDigitAndPad(Js.Sub(uri, 16, partition) + Js.Sub(uri, partition + 1), 18)}";
        if (GsrnpUrn.IsMatch(uri)) return $"https://id.gs1.org/8017/{CheckDigitAndPad(Js.Sub(uri, 17, partition) + Js.Sub(uri, partition + 1), 18)}";
        if (GdtiUrn.IsMatch(uri))
        {
            var prefix = Js.Sub(uri, 16, partition);
            var documentType = Js.Sub(uri, partition + 1, partition + 1 + (12 - prefix.Length));
            return $"https://id.gs1.org/253/{CheckDigitAndPad(prefix + documentType, 13)}{Encode(Js.Sub(uri, 30))}";
        }
        if (CpiUrn.IsMatch(uri))
        {
            var separator = uri.LastIndexOf('.');
            return $"https://id.gs1.org/8010/{Encode(Js.Sub(uri, 15, partition) + Js.Sub(uri, partition + 1, separator))}/8011/{Js.Sub(uri, separator + 1)}";
        }
        if (SgcnUrn.IsMatch(uri))
        {
            var prefix = Js.Sub(uri, 16, partition);
            var couponRef = Js.Sub(uri, partition + 1, partition + 1 + (12 - prefix.Length));
            return $"https://id.gs1.org/255/{CheckDigitAndPad(prefix + couponRef, 13)}{Js.Sub(uri, 30)}";
        }
        if (GincUrn.IsMatch(uri)) return $"https://id.gs1.org/401/{Js.Sub(uri, 16, partition)}{Encode(Js.Sub(uri, partition + 1))}";
        if (GsinUrn.IsMatch(uri)) return $"https://id.gs1.org/402/{CheckDigitAndPad(Js.Sub(uri, 16, partition) + Js.Sub(uri, partition + 1), 17)}";
        if (ItipUrn.IsMatch(uri))
        {
            var prefix = Js.Sub(uri, 16, partition);
            var itemRef = Js.Sub(uri, partition + 1, partition + 1 + (13 - prefix.Length));
            return $"https://id.gs1.org/8006/{CheckDigitAndPad(Js.Sub(itemRef, 0, 1) + prefix + Js.Sub(itemRef, 1))}{Js.Sub(uri, 31, 33)}{Js.Sub(uri, 34, 36)}/21/{Encode(Js.Sub(uri, 37))}";
        }
        if (UpuiUrn.IsMatch(uri))
        {
            var prefix = Js.Sub(uri, 16, partition);
            var itemRef = Js.Sub(uri, partition + 1, partition + 1 + (13 - prefix.Length));
            return $"https://id.gs1.org/01/{CheckDigitAndPad(Js.Sub(itemRef, 0, 1) + prefix + Js.Sub(itemRef, 1))}/235/{Encode(Js.Sub(uri, 31))}";
        }
        if (PglnUrn.IsMatch(uri))
        {
            var prefix = Js.Sub(uri, 16, partition);
            return $"https://id.gs1.org/417/{CheckDigitAndPad(prefix + Js.Sub(uri, partition + 1, partition + 1 + (12 - prefix.Length)), 13)}";
        }
        if (LgtinUrn.IsMatch(uri))
        {
            var prefix = Js.Sub(uri, 20, partition);
            var itemRef = Js.Sub(uri, partition + 1, partition + 1 + (13 - prefix.Length));
            return $"https://id.gs1.org/01/{CheckDigitAndPad(Js.Sub(itemRef, 0, 1) + prefix + Js.Sub(itemRef, 1))}/10/{Encode(Js.Sub(uri, 35))}";
        }
        if (SgtinPat.IsMatch(uri))
        {
            var prefix = Js.Sub(uri, 20, partition);
            var itemRef = Js.Sub(uri, partition + 1, partition + 1 + (13 - prefix.Length));
            return $"https://id.gs1.org/01/{CheckDigitAndPad(Js.Sub(itemRef, 0, 1) + prefix + Js.Sub(itemRef, 1))}";
        }
        if (GraiPat.IsMatch(uri))
        {
            var prefix = Js.Sub(uri, 19, partition);
            return $"https://id.gs1.org/8003/{CheckDigitAndPad("0" + prefix + Js.Sub(uri, partition + 1, partition + 1 + (12 - prefix.Length)))}";
        }
        if (GdtiPat.IsMatch(uri))
        {
            var prefix = Js.Sub(uri, 19, partition);
            return $"https://id.gs1.org/253/{CheckDigitAndPad(prefix + Js.Sub(uri, partition + 1, partition + 1 + (12 - prefix.Length)), 13)}";
        }
        if (SgcnPat.IsMatch(uri))
        {
            var prefix = Js.Sub(uri, 19, partition);
            return $"https://id.gs1.org/255/{CheckDigitAndPad(prefix + Js.Sub(uri, partition + 1, partition + 1 + (12 - prefix.Length)), 13)}";
        }
        if (CpiPat.IsMatch(uri))
            return $"https://id.gs1.org/8010/{Encode(Js.Sub(uri, 18, partition) + Js.Sub(uri, partition + 1, uri.LastIndexOf('.')))}";
        if (ItipPat.IsMatch(uri))
        {
            var prefix = Js.Sub(uri, 19, partition);
            var itemRef = Js.Sub(uri, partition + 1, partition + 1 + (13 - prefix.Length));
            return $"https://id.gs1.org/8006/{CheckDigitAndPad(Js.Sub(itemRef, 0, 1) + prefix + Js.Sub(itemRef, 1))}{Js.Sub(uri, 34, 36)}{Js.Sub(uri, 37, 39)}";
        }
        if (UpuiPat.IsMatch(uri))
        {
            var prefix = Js.Sub(uri, 19, partition);
            var itemRef = Js.Sub(uri, partition + 1, partition + 1 + (13 - prefix.Length));
            return $"https://id.gs1.org/01/{CheckDigitAndPad(Js.Sub(itemRef, 0, 1) + prefix + Js.Sub(itemRef, 1))}";
        }
        return DigitalLink(uri, originalUri);
    }

    /// <summary>The rest of epcis2.js's normaliser: a GS1 Digital Link on any host, made canonical.</summary>
    private static string DigitalLink(string uri, string originalUri)
    {
        if (!AnyDigitalLink.IsMatch(uri)) return uri;
        if (uri.Contains('?')) uri = uri[..uri.IndexOf('?')];
        foreach (var (from, to) in Keys) uri = Js.ReplaceFirst(uri, from, to);
        if (!OnResolver.IsMatch(uri) && DomainKeys.FirstOrDefault(uri.Contains) is { } key) uri = "https://id.gs1.org" + uri[uri.IndexOf(key, StringComparison.Ordinal)..];
        if (!Gtin14.IsMatch(uri) && ShortGtin.IsMatch(uri))
            while (!Gtin14.IsMatch(uri)) uri = Js.ReplaceFirst(uri, "/01/", "/01/0");
        // As epcis2.js does, quirks included: without /22/, indexOf gives -1 and the "tail" starts at the scheme.
        var x = Js.Sub(uri, uri.IndexOf("/22/", StringComparison.Ordinal) + 4);
        if (CpvOnly.IsMatch(uri)) uri = Js.Sub(uri, 0, uri.IndexOf("/22/", StringComparison.Ordinal)) + Js.Sub(x, x.IndexOf('/'), x.Length - 1);
        if (CpvThen.IsMatch(uri)) uri = Js.Sub(uri, 0, uri.IndexOf("/22/", StringComparison.Ordinal)) + Js.Sub(x, x.IndexOf('/'));
        if (LotAndSerial.IsMatch(uri))
        {
            var y = Js.Sub(uri, uri.IndexOf("/22/", StringComparison.Ordinal) + 4);
            uri = Js.Sub(uri, 0, uri.IndexOf("/10/", StringComparison.Ordinal)) + Js.Sub(y, y.IndexOf('/'));
        }
        return Valid.Any(r => r.IsMatch(uri)) ? uri : originalUri;
    }

    private static string Encode(string input) => input.Replace("!", "%21").Replace("(", "%28").Replace(")", "%29").Replace("*", "%2A")
        .Replace("+", "%2B").Replace(",", "%2C").Replace(":", "%3A");

    private static string CheckDigitAndPad(string raw, int length = 14)
    {
        var total = 0;
        var i = 1;
        foreach (var c in raw.Reverse())
        {
            var n = c - '0';
            total += i % 2 == 0 ? n : 3 * n;
            i++;
        }
        var padded = raw + ((total + 9) / 10 * 10 - total);
        return padded.PadLeft(length, '0');
    }

    /// <summary>JavaScript's string operations, as the port needs them.</summary>
    private static class Js
    {
        /// <summary>String.prototype.substring: bounds clamped to the string, swapped when reversed.</summary>
        public static string Sub(string s, int start, int? end = null)
        {
            var a = Math.Clamp(start, 0, s.Length);
            var b = Math.Clamp(end ?? s.Length, 0, s.Length);
            if (a > b) (a, b) = (b, a);
            return s[a..b];
        }

        /// <summary>String.prototype.replace with a string: the first occurrence only.</summary>
        public static string ReplaceFirst(string s, string from, string to)
        {
            var at = s.IndexOf(from, StringComparison.Ordinal);
            return at < 0 ? s : s[..at] + to + s[(at + from.Length)..];
        }
    }
}
