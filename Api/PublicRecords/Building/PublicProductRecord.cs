using Traceability.Domain;
using Traceability.Infrastructure.PublicRecords;

namespace Traceability.Api.PublicRecords.Building;

public sealed record PublicProductLinks(string Page, string Json, string Certification, string Linkset);

/// <summary>One of a product's batches, as its product record lists them (newest first).</summary>
public sealed record PublicProductBatch(string Code, string LotNumber, DateOnly ProducedOn, DateOnly? ExpiresOn, bool Recalled, string PublicUrl, string Page);

/// <summary>A product's public record, for its GTIN alone: what a GS1 Digital Link of the product (no lot), or of a lot
/// the resolver does not know, resolves to. Its latest batches are listed, recalled ones marked.</summary>
public sealed record PublicProductRecordResponse(
    string Gtin, string PublicUrl, PublicProductLinks Links, PublicProduct Product, PublicProducer Producer, PublicOcop Ocop,
    IReadOnlyList<PublicProductBatch> Batches)
{
    public static PublicProductRecordResponse From(RecordSource.ProductData d, PublicLinks links, DateOnly today)
    {
        var gtin = d.Product.Gtin!;
        var publicUrl = links.Base + Resolver.DigitalLinkRequest.GtinPath(gtin);
        return new PublicProductRecordResponse(gtin, publicUrl,
            new PublicProductLinks(links.ProductPage(gtin), links.ProductJson(gtin), links.ProductCertification(gtin), $"{publicUrl}?linkType=linkset"),
            PublicProduct.From(d.Product), PublicProducer.From(d.Producer), PublicOcop.From(d.Certifications, today, d.Product),
            d.Batches.Select(b => new PublicProductBatch(b.Code, b.LotNumber, b.ProducedOn, b.ExpiresOn, b.RecalledAt is not null,
                links.For(b, gtin), links.Page(b.Code))).ToList());
    }
}
