using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Traceability.Api.PublicRecords;
using Traceability.Api.PublicRecords.Building;

namespace Traceability.Api.Pages;

/// <summary>The schema.org Product a page describes, as a JSON-LD data block in its head, so that search engines and
/// GS1 tools find the product, its maker, its Digital Link and its OCOP certification from the page itself. A data
/// block is never executed (the page still runs no script). Every '&lt;', '&gt;' and '&amp;' of producer text is
/// written as \u003c…, so no text can close the block or pass for one of the page's slots.</summary>
public static class SchemaOrg
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    public static string Block(PublicRecordResponse r) => Script(Product(r.Product, r.Producer, r.Ocop, r.Links.Page,
        r.Product.Gtin is null ? null : r.PublicUrl, $"{r.Product.Name} – {r.Batch.LotNumber}"));

    public static string Block(PublicProductRecordResponse r) =>
        Script(Product(r.Product, r.Producer, r.Ocop, r.Links.Page, r.PublicUrl, null));

    /// <summary>The catalogue's page as a schema.org ItemList of Products, each with its rating and its record's address.</summary>
    public static string ItemList(Catalogue.CatalogueResponse r, string name) => Script(new JsonObject
    {
        ["@context"] = "https://schema.org", ["@type"] = "ItemList", ["name"] = name,
        ["itemListElement"] = new JsonArray(r.Items.Select((e, i) => (JsonNode)new JsonObject
        {
            ["@type"] = "ListItem", ["position"] = i + 1,
            ["item"] = Listed(e),
        }).ToArray()),
    });

    private static JsonObject Listed(Catalogue.CatalogueEntryResponse e)
    {
        var product = new JsonObject
        {
            ["@type"] = "Product", ["name"] = e.Name, ["category"] = e.Category,
            ["manufacturer"] = new JsonObject { ["@type"] = "Organization", ["name"] = e.Producer },
            ["award"] = $"OCOP {e.Stars}★",
        };
        if (e.ProductUrl is { } url) product["url"] = url;
        if (e.Gtin is { } gtin) product["gtin14"] = gtin;
        if (e.ImageUrl is { } image) product["image"] = image;
        return product;
    }

    private static string Script(JsonObject product) =>
        $"<script type=\"application/ld+json\">{product.ToJsonString(Options)}</script>";

    private static JsonObject Product(PublicProduct p, PublicProducer maker, PublicOcop ocop, string page, string? digitalLink, string? lot)
    {
        var node = new JsonObject { ["@context"] = "https://schema.org", ["@type"] = "Product", ["name"] = p.Name, ["url"] = page };
        if (p.NameEn is not null) node["alternateName"] = p.NameEn;
        if (p.Description is not null) node["description"] = p.Description;
        if (p.ImageUrl is not null) node["image"] = p.ImageUrl;
        if (p.Gtin is not null) node["gtin"] = p.Gtin;
        if (digitalLink is not null) node["hasGS1DigitalLink"] = digitalLink;
        if (lot is not null) node["productID"] = lot;
        var address = new JsonObject { ["@type"] = "PostalAddress", ["addressCountry"] = "VN", ["addressRegion"] = maker.Address.Province };
        if (maker.Address.Commune is not null) address["addressLocality"] = maker.Address.Commune;
        if (maker.Address.Line is not null) address["streetAddress"] = maker.Address.Line;
        node["brand"] = new JsonObject { ["@type"] = "Brand", ["name"] = maker.Name };
        node["manufacturer"] = new JsonObject { ["@type"] = "Organization", ["name"] = maker.Name, ["address"] = address };
        // A rating given under other product facts (renamed, re-categorised since) is not claimed for this product.
        var claimed = ocop.History.Where(c => ocop.ChangedSinceCertification is not { Count: > 0 } || c != ocop.Current).ToList();
        if (claimed.Count > 0)
            node["hasCertification"] = new JsonArray(claimed.Select(c => (JsonNode)new JsonObject
            {
                ["@type"] = "Certification",
                ["name"] = $"OCOP {c.Stars} sao",
                ["certificationIdentification"] = c.DecisionNumber,
                ["issuedBy"] = new JsonObject { ["@type"] = "Organization", ["name"] = c.IssuedBy },
                ["validFrom"] = c.IssuedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                ["expires"] = c.ValidUntil.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                ["certificationStatus"] = c.Status == "valid" ? "https://schema.org/CertificationActive" : "https://schema.org/CertificationInactive",
                ["certificationRating"] = new JsonObject { ["@type"] = "Rating", ["ratingValue"] = c.Stars, ["bestRating"] = 5, ["worstRating"] = 3 },
            }).ToArray());
        return node;
    }
}
