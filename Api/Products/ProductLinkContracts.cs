using Traceability.Domain;

namespace Traceability.Api.Products;

/// <summary>A link of the producer's own in the GS1 resolver, for the product's GTIN or (with lotNumber) one lot of it.</summary>
/// <param name="LinkType">A GS1 Web Vocabulary link type (gs1:recipeInfo, gs1:instructions, gs1:hasRetailers…), not one
/// of the registry's own (gs1:pip, gs1:traceability, gs1:epcis, gs1:certificationInfo, gs1:recallStatus,
/// gs1:verificationService, gs1:defaultLink…).</param>
/// <param name="Href">An https URL on a public host.</param>
/// <param name="Language">The language of what it points to (vi, en…): the resolver picks by the shopper's Accept-Language.</param>
/// <param name="IsDefault">The one of its link type (and level) given when none is in the shopper's language.</param>
/// <param name="IsDefaultLink">Where the GTIN's own Digital Link (with no lot) goes by default, instead of the product's
/// page (still reachable as gs1:pip). Not for a lot: a lot's default link is always its provenance page.</param>
public sealed record ProductLinkRequest(string? LinkType, string? Href, string? Title, string? Language, string? MediaType, string? LotNumber,
    bool? IsDefault, bool? IsDefaultLink = null)
{
    public ProducerLink ToLink(Guid id, Product product, DateTimeOffset now)
    {
        var lot = Text.EmptyToNull(Text.Normalize(LotNumber));
        if (lot is not null && IsDefaultLink == true)
            throw ValidationFailedException.For("isDefaultLink", "A lot's default link is always its provenance page, where a recall shows; only the GTIN's own Digital Link may go elsewhere.");
        var (type, href, title, language, mediaType) = ProducerLinks.Validate(LinkType, Href, Title, Language, MediaType, lot);
        return new ProducerLink(id, product.Id, product.ProducerId, lot, type, href, title, language, mediaType, IsDefault ?? false, now, IsDefaultLink ?? false);
    }
}

public sealed record ProductLinkResponse(Guid Id, Guid ProductId, string? LotNumber, string LinkType, string Href, string Title, string? Language,
    string? MediaType, bool IsDefault, bool IsDefaultLink, DateTimeOffset CreatedAt)
{
    /// <summary>The link type as the linkset names it (gs1:…).</summary>
    public static ProductLinkResponse From(ProducerLink l) =>
        new(l.Id, l.ProductId, l.LotNumber, "gs1:" + l.LinkType, l.Href, l.Title, l.Language, l.MediaType, l.IsDefault, l.IsDefaultLink, l.CreatedAt);
}
