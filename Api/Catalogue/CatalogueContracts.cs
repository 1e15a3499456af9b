using Traceability.Api.PublicRecords.Building;
using Traceability.Api.Wire;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Catalogue;

/// <summary>One certified product in the catalogue. <c>productUrl</c>: its public record (by GTIN), null for a product
/// without a GTIN.</summary>
public sealed record CatalogueEntryResponse(
    string Name, string? NameEn, [property: OneOf(typeof(ProductCategory))] string Category, int Stars, string Producer, string Commune, string Province,
    string? ProvinceCode, string? Gtin, string? ImageUrl, string? ProductUrl)
{
    public static CatalogueEntryResponse From(CatalogueRepository.Entry e, PublicLinks links) => new(e.Name, e.NameEn,
        WireEnum<ProductCategory>.Name(e.Category), e.Stars, e.ProducerName, e.Commune, e.Province, e.ProvinceCode, e.Gtin, e.ImageUrl,
        e.Gtin is { } gtin ? links.ProductPage(gtin) : null);
}

/// <summary>A page of the catalogue: its province (null: every province), the search it answers, and the next page's cursor.</summary>
public sealed record CatalogueResponse(string? Province, string? ProvinceCode, string? Search, string? Category, IReadOnlyList<CatalogueEntryResponse> Items,
    string? NextCursor);
