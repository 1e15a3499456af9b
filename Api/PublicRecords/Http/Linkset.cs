using System.Text.Json.Nodes;

namespace Traceability.Api.PublicRecords;

/// <summary>GS1 Digital Link resolver answers: link types and the RFC 9264 linkset that lists them all.</summary>
public static class Linkset
{
    public const string MediaType = "application/linkset+json";
    private const string Voc = "https://gs1.org/voc/";

    public enum Target { Page, Epcis, Certification, Linkset }

    /// <summary>The link a linkType asks for; an unknown one gets the default (the page), as GS1 resolvers do.</summary>
    public static Target For(string? linkType) => (linkType ?? "").Replace(Voc, "gs1:") switch
    {
        "gs1:epcis" or "epcis" => Target.Epcis,
        "gs1:certificationInfo" or "certificationInfo" => Target.Certification,
        "linkset" or "all" => Target.Linkset,
        _ => Target.Page,
    };

    public static JsonObject Build(PublicRecordResponse r)
    {
        JsonArray Link(string href, string type, string title, params string[] hreflang)
        {
            var link = new JsonObject { ["href"] = href, ["type"] = type, ["title"] = title };
            if (hreflang.Length > 0) link["hreflang"] = new JsonArray(hreflang.Select(h => (JsonNode)h).ToArray());
            return new JsonArray(link);
        }
        return new JsonObject
        {
            ["linkset"] = new JsonArray(new JsonObject
            {
                ["anchor"] = r.PublicUrl,
                [Voc + "defaultLink"] = Link(r.Links.Page, "text/html", r.Product.Name, "vi", "en"),
                [Voc + "pip"] = Link(r.Links.Page, "text/html", r.Product.Name, "vi", "en"),
                [Voc + "epcis"] = Link(r.Links.Epcis, "application/ld+json", "EPCIS 2.0"),
                [Voc + "certificationInfo"] = Link(r.Links.Certification, "application/json", "OCOP"),
                [Voc + "traceability"] = Link(r.Links.Json, "application/json", "Public record"),
            }),
        };
    }
}
