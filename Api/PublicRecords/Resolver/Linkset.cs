using System.Text.Json.Nodes;
using Traceability.Api.PublicRecords.Building;

namespace Traceability.Api.PublicRecords.Resolver;

/// <summary>The links a GS1 Digital Link resolves to, per level of the identifier (a lot, then its GTIN), and the
/// RFC 9264 linkset that lists them (it validates against GS1's linkset schema).</summary>
public static class Linkset
{
    public const string MediaType = "application/linkset+json";
    public const string Vocabulary = "https://gs1.org/voc/";

    /// <summary>GS1's JSON-LD context for linksets, named in the Link header of every linkset response.</summary>
    public const string ContextUrl = "https://ref.gs1.org/standards/resolver/linkset-context";

    public const string ContextHeader = $"<{ContextUrl}>; rel=\"http://www.w3.org/ns/json-ld#context\"; type=\"application/ld+json\"";

    /// <summary>The Link header naming the linkset of <paramref name="uri"/> (sent with every resolver answer, redirects too).</summary>
    public static string LinkHeader(string uri) => $"<{uri}?linkType=linkset>; rel=\"linkset\"; type=\"{MediaType}\"";

    /// <summary>The namespaces a linkType may be written in; GS1 moved its vocabulary to ref.gs1.org and accepts both.</summary>
    private static readonly string[] Namespaces = ["https://gs1.org/voc/", "https://ref.gs1.org/voc/", "https://www.gs1.org/voc/", "http://gs1.org/voc/", "gs1:"];

    /// <param name="Type">A GS1 Web Vocabulary link type, without its namespace (pip, epcis…).</param>
    /// <param name="Preferred">A producer's choice among its links of this type: given when none is in the shopper's language.</param>
    public sealed record Link(string Type, string Href, string Title, string? MediaType = null, IReadOnlyList<string>? HrefLang = null,
        bool Preferred = false);

    public enum LevelKind { Item, Lot, Product }

    /// <param name="Anchor">The Digital Link this level answers for (https://…/01/{gtin}/10/{lot}).</param>
    public sealed record Level(string Anchor, string Description, IReadOnlyList<Link> Links, LevelKind Kind);

    /// <summary>What a request's linkType asks for: the whole linkset, or one link type (null: the default link).</summary>
    public static bool WantsLinkset(string? linkType) => linkType is "linkset" or "all";

    /// <summary>The link type without its namespace; null for none. An unknown namespace stays as written (and matches nothing).</summary>
    public static string? Normalize(string? linkType)
    {
        if (string.IsNullOrEmpty(linkType)) return null;
        foreach (var ns in Namespaces)
            if (linkType.StartsWith(ns, StringComparison.Ordinal)) return linkType[ns.Length..];
        return linkType;
    }

    /// <summary>The link of that type at the most specific level that has one; null when no level has it. Of several there
    /// (a producer's links in several languages), the first in a language the shopper accepts (in their order), else the
    /// producer's preferred one, else the first.</summary>
    public static Link? Find(IEnumerable<Level> levels, string type, IReadOnlyList<string>? languages = null)
    {
        var candidates = levels.Select(l => l.Links.Where(k => k.Type == type).ToList()).FirstOrDefault(c => c.Count > 0);
        if (candidates is null) return null;
        if (candidates.Count == 1) return candidates[0];
        foreach (var language in languages ?? [])
            if (candidates.FirstOrDefault(c => c.HrefLang?.Any(h => Matches(h, language)) == true) is { } spoken) return spoken;
        return candidates.FirstOrDefault(c => c.Preferred) ?? candidates[0];
    }

    /// <summary>The languages the shopper's Accept-Language names, most wanted first (q=0 left out).</summary>
    public static IReadOnlyList<string> Languages(HttpRequest request) =>
        request.GetTypedHeaders().AcceptLanguage.Where(l => l.Quality is not 0).OrderByDescending(l => l.Quality ?? 1)
            .Select(l => l.Value.ToString()).Where(l => l != "*").ToList();

    /// <summary>A link's language against one the shopper accepts: the same tag, or the same primary language (en-US ~ en).</summary>
    private static bool Matches(string hrefLang, string accepted) =>
        string.Equals(hrefLang, accepted, StringComparison.OrdinalIgnoreCase)
        || string.Equals(hrefLang.Split('-')[0], accepted.Split('-')[0], StringComparison.OrdinalIgnoreCase);

    /// <summary>The producer's own links joined to their levels: a lot's to the lot's level (when the lot is known), the
    /// product's to the product's. The registry's links stay first at each level.</summary>
    public static List<Level> WithProducerLinks(List<Level> levels, IReadOnlyList<Domain.ProducerLink> own)
    {
        if (own.Count == 0) return levels;
        return levels.Select(level =>
        {
            var mine = own.Where(l => level.Kind == LevelKind.Product ? l.LotNumber is null : level.Kind == LevelKind.Lot && l.LotNumber is not null).ToList();
            var added = mine.Select(l => new Link(l.LinkType, l.Href, l.Title, l.MediaType, l.Language is null ? null : [l.Language], l.IsDefault)).ToList();
            if (added.Count == 0) return level;
            var registry = level.Links;
            // The GTIN's own default link may be the producer's choice (the product's page stays gs1:pip); a lot's never is.
            if (level.Kind == LevelKind.Product && mine.FirstOrDefault(l => l.IsDefaultLink) is { } chosen)
                registry = [.. registry.Select(k => k.Type == "defaultLink" ? new Link("defaultLink", chosen.Href, chosen.Title) : k)];
            return level with { Links = [.. registry, .. added] };
        }).ToList();
    }

    /// <summary>A batch's links: its page (the default, in Vietnamese and English), its EPCIS events, its OCOP
    /// certification and its public record as JSON.</summary>
    public static Level ForLot(string anchor, string description, PublicLinksResponse links) => new(anchor, description,
    [
        new("defaultLink", links.Page, description),
        new("pip", links.Page, description, "text/html", ["vi", "en"]),
        new("traceability", links.Json, "Public record (JSON)", "application/json"),
        new("epcis", links.Epcis, "EPCIS 2.0", "application/ld+json"),
        new("certificationInfo", links.Certification, "OCOP", "application/json"),
    ], LevelKind.Lot);

    /// <summary>An item's links: its page (the default, in Vietnamese and English) and its status as JSON.</summary>
    public static Level ForItem(string anchor, string description, string page, string json) => new(anchor, description,
    [
        new("defaultLink", page, description),
        new("pip", page, description, "text/html", ["vi", "en"]),
        new("traceability", json, "Item (JSON)", "application/json"),
    ], LevelKind.Item);

    /// <summary>A product's links, for its GTIN alone or a lot the resolver does not know.</summary>
    public static Level ForProduct(string anchor, string description, string page, string certification) => new(anchor, description,
    [
        new("defaultLink", page, description),
        new("pip", page, description, "text/html", ["vi", "en"]),
        new("certificationInfo", certification, "OCOP", "application/json"),
    ], LevelKind.Product);

    /// <summary>The levels of a batch or product that have links, most specific first: the batch (when there is one),
    /// then its product (when it has a GTIN).</summary>
    public static List<Level> LevelsFor(PublicLinks links, string productName, string? gtin14, string? code, string? lot, string? serial = null)
    {
        var levels = new List<Level>();
        if (code is not null && lot is not null)
        {
            var anchor = links.For(code, lot, gtin14);
            // An item: its own page (the lot's record with the item's panel: its scans, PIN, any warning), issued or not.
            if (serial is not null)
                levels.Add(ForItem(gtin14 is null ? links.ItemPage(code, serial) : $"{anchor}/21/{Uri.EscapeDataString(serial)}",
                    $"{productName}, lô {lot}, mã {serial}", links.ItemPage(code, serial), links.ItemJson(code, serial)));
            // The item's EPCIS events are in its lot's document (each names its items in epcList): the lot level's link.
            levels.Add(ForLot(anchor, $"{productName}, lô {lot}", links.LinksFor(code, anchor)));
        }
        if (gtin14 is not null)
            levels.Add(ForProduct(links.Base + DigitalLinkRequest.GtinPath(gtin14), productName, links.ProductPage(gtin14), links.ProductCertification(gtin14)));
        return levels;
    }

    public static JsonObject Build(IEnumerable<Level> levels) => new()
    {
        ["linkset"] = new JsonArray(levels.Select(level =>
        {
            var node = new JsonObject { ["anchor"] = level.Anchor, ["itemDescription"] = level.Description };
            foreach (var group in level.Links.GroupBy(l => l.Type))
                node[Vocabulary + group.Key] = new JsonArray(group.Select(Json).ToArray());
            return (JsonNode)node;
        }).ToArray()),
    };

    private static JsonNode Json(Link link)
    {
        // The default link carries only its target and title (GS1-Conformant resolver 1.2).
        var node = new JsonObject { ["href"] = link.Href, ["title"] = link.Title };
        if (link.MediaType is not null) node["type"] = link.MediaType;
        if (link.HrefLang is not null) node["hreflang"] = new JsonArray(link.HrefLang.Select(h => (JsonNode)h).ToArray());
        return node;
    }
}
