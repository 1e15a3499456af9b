using Microsoft.Extensions.Options;
using Traceability.Api.Hosting;
using Traceability.Api.Wire;
using Traceability.Domain;

namespace Traceability.Api.PublicRecords.Building;

/// <summary>The one home of every URL the API hands out: the canonical public URL of a batch (a GS1 Digital Link when
/// the product has a GTIN, otherwise the tracing-code page), its public views, and the paths of the API's own resources
/// (what a 201's Location names and a webhook links to). All absolute ones sit under Traceability:PublicBaseUrl.</summary>
public sealed class PublicLinks(IOptions<TraceabilityOptions> options)
{
    private readonly string _base = options.Value.PublicBase;

    public string Base => _base;

    /// <summary>An API path (<see cref="ApiPaths"/>) made absolute.</summary>
    public string Absolute(string path) => _base + path;

    public string Page(string code) => _base + PagePath(code);

    /// <summary>A lot's page, and an item's: the paths every form of the public record hangs from.</summary>
    public static string PagePath(string code) => $"/p/{code}";
    public static string ItemPagePath(string code, string serial) => $"{PagePath(code)}/{Uri.EscapeDataString(serial)}";


    public string For(Batch batch, string? gtin14) => For(batch.Code, batch.LotNumber, gtin14);

    public string For(string code, string lotNumber, string? gtin14) => gtin14 is null
        ? Page(code)
        : _base + DigitalLinkPath(gtin14, lotNumber);

    /// <summary>The canonical Digital Link path: GTIN-14, and the lot percent-encoded as GS1 requires.</summary>
    public static string DigitalLinkPath(string gtin14, string lotNumber) => Resolver.DigitalLinkRequest.LotPath(gtin14, lotNumber);

    public string QrPng(string code) => $"{Page(code)}/qr.png";
    public string QrSvg(string code) => $"{Page(code)}/qr.svg";

    /// <summary>Where a batch's links lead. <paramref name="publicUrl"/> is what its QR code holds (the Digital Link, which
    /// redirects to the page); the page itself is always /p/{code}.</summary>
    public PublicLinksResponse LinksFor(string code, string publicUrl) => new(Page(code),
        $"{_base}{ApiPaths.Root}/public/records/{code}", $"{_base}{ApiPaths.Root}/public/records/{code}/epcis",
        $"{_base}{ApiPaths.Root}/public/records/{code}/certification", $"{publicUrl}?linkType=linkset", QrPng(code), QrSvg(code));

    /// <summary>An item's page: the lot's record with the item's panel.</summary>
    public string ItemPage(string code, string serial) => _base + ItemPagePath(code, serial);

    public string ItemJson(string code, string serial) => $"{_base}/api/v1/public/records/{code}/items/{Uri.EscapeDataString(serial)}";

    /// <summary>A product's own page, for its GTIN alone (GS1 Digital Link walk-up from a lot the resolver does not know).</summary>
    public string ProductPage(string gtin14) => $"{_base}/products/{gtin14}";

    public string ProductJson(string gtin14) => $"{_base}/api/v1/public/products/{gtin14}";

    public string ProductCertification(string gtin14) => $"{_base}/api/v1/public/products/{gtin14}/certification";
}
