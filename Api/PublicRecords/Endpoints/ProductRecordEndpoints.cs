using Microsoft.AspNetCore.Http.HttpResults;
using Traceability.Api.Pages;
using Traceability.Api.PublicRecords.Building;
using Traceability.Api.PublicRecords.Serving;
using Traceability.Domain;
using Traceability.Infrastructure.PublicRecords;

namespace Traceability.Api.PublicRecords.Endpoints;

/// <summary>A product's public record by its GTIN: where a Digital Link of the product alone (or of a lot the resolver
/// does not know) leads. Built per request: product-level scans are rare, lot labels are the usual ones.</summary>
public static class ProductRecordEndpoints
{
    public static WebApplication MapProductRecordEndpoints(this WebApplication app)
    {
        app.MapGet("/products/{gtin}", Page).WithTags("Public pages").WithName("PublicProductPage").AllowAnonymous()
            .RequireRateLimiting(PublicSetup.RatePolicy)
            .WithSummary("A product's public record by GTIN: an HTML page (Vietnamese; ?lang=en for English, whatever the phone's language), JSON for Accept: application/json.")
            .Produces(StatusCodes.Status200OK, contentType: "text/html").Produces<PublicProductRecordResponse>(StatusCodes.Status200OK, "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
        var api = app.MapGroup("/api/v1/public/products").WithTags("Public records").AllowAnonymous().RequireRateLimiting(PublicSetup.RatePolicy);
        api.MapGet("/{gtin}", GetRecord).WithName("GetPublicProductRecord")
            .WithSummary("A product's public record as JSON: the product, its producer, its OCOP certification, its latest batches.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapGet("/{gtin}/certification", GetCertification).WithName("GetPublicProductCertification")
            .WithSummary("The product's OCOP certification (gs1:certificationInfo): the current one and the history.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    public static async Task<IResult> Page(string gtin, HttpContext context, RecordSource source, PublicLinks links, TimeProvider clock, CancellationToken ct)
    {
        var data = Gtin.TryNormalize(gtin, out var gtin14) ? await source.ProductAsync(gtin14, ct) : null;
        if (data is null) return PublicPageEndpoints.NotFound(context, gtin);
        var record = PublicProductRecordResponse.From(data, links, VietnamTime.Today(clock.GetUtcNow()));
        context.Response.Headers.CacheControl = HttpCaching.ShortLived(context);
        context.Response.Headers.Vary = "Accept, Accept-Language";
        context.Response.Headers.Link = Resolver.Linkset.LinkHeader(record.PublicUrl);
        if (HttpCaching.WantsJson(context.Request)) return TypedResults.Ok(record);
        var text = PageText.For(HttpCaching.Language(context.Request));
        return new RazorComponentResult<ProductPage>(new { R = record, T = text, OtherLanguage = $"{context.Request.Path}?lang={text.OtherLanguageCode}" });
    }

    public static async Task<Ok<PublicProductRecordResponse>> GetRecord(string gtin, RecordSource source, PublicLinks links, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await Load(gtin, source, links, clock, ct));

    public static async Task<Ok<PublicOcop>> GetCertification(string gtin, RecordSource source, PublicLinks links, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok((await Load(gtin, source, links, clock, ct)).Ocop);

    private static async Task<PublicProductRecordResponse> Load(string gtin, RecordSource source, PublicLinks links, TimeProvider clock, CancellationToken ct)
    {
        var data = Gtin.TryNormalize(gtin, out var gtin14) ? await source.ProductAsync(gtin14, ct) : null;
        if (data is null) throw new NotFoundException("GTIN", gtin);
        return PublicProductRecordResponse.From(data, links, VietnamTime.Today(clock.GetUtcNow()));
    }
}
