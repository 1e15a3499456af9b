using Microsoft.AspNetCore.Http.HttpResults;
using Traceability.Api.Pages;
using Traceability.Api.PublicRecords;
using Traceability.Api.PublicRecords.Building;
using Traceability.Api.PublicRecords.Serving;
using Traceability.Api.Wire;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Catalogue;

/// <summary>The public OCOP catalogue: every product with a certification valid today, of every province or one
/// (<c>/ocop/thanh-hoa</c>), searchable by name as shoppers type it (no accents needed), a page at a time, as a page
/// with no JavaScript and as JSON. A shopper or a tourist browses a province's OCOP products; a retailer checks a supplier.</summary>
public static class CatalogueEndpoints
{
    public const int DefaultLimit = 24;
    public const int MaxSearch = 100;

    /// <summary>Changes with a certification or a new product: shared caches may keep a page five minutes.</summary>
    public const string CacheControl = "public, max-age=300";

    public static WebApplication MapCatalogueEndpoints(this WebApplication app)
    {
        app.MapGet("/ocop", Page).WithTags("Public pages").WithName("OcopCatalogue").AllowAnonymous().RequireRateLimiting(PublicSetup.RatePolicy)
            .WithSummary("The OCOP catalogue: certified products of every province, an HTML page (Vietnamese; ?lang=en for English), JSON for Accept: application/json. q searches names without needing accents; category narrows; cursor pages.")
            .Produces(StatusCodes.Status200OK, contentType: "text/html").Produces<CatalogueResponse>(StatusCodes.Status200OK, "application/json")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status429TooManyRequests);
        app.MapGet("/ocop/{province}", ProvincePage).WithTags("Public pages").WithName("OcopProvinceCatalogue").AllowAnonymous()
            .RequireRateLimiting(PublicSetup.RatePolicy)
            .WithSummary("One province's OCOP catalogue (by its name as in /ocop/thanh-hoa, or its code), as /ocop.")
            .Produces(StatusCodes.Status200OK, contentType: "text/html").Produces<CatalogueResponse>(StatusCodes.Status200OK, "application/json")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
        app.MapGet($"{ApiPaths.Root}/public/ocop", GetCatalogue).WithTags("Public records").WithName("GetOcopCatalogue").AllowAnonymous()
            .RequireRateLimiting(PublicSetup.RatePolicy)
            .WithSummary("The OCOP catalogue as JSON: province (a name, slug or code), q, category, cursor, limit.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    public static Task<IResult> Page(HttpContext context, CatalogueRepository catalogue, PublicLinks links, TimeProvider clock,
        string? q, string? category, string? cursor, int? limit, CancellationToken ct) =>
        Answer(context, null, catalogue, links, clock, q, category, cursor, limit, ct);

    public static Task<IResult> ProvincePage(string province, HttpContext context, CatalogueRepository catalogue, PublicLinks links, TimeProvider clock,
        string? q, string? category, string? cursor, int? limit, CancellationToken ct) =>
        Answer(context, Provinces.BySlugCodeOrName(province) ?? throw new NotFoundException("Province", province), catalogue, links, clock, q, category,
            cursor, limit, ct);

    public static async Task<Ok<CatalogueResponse>> GetCatalogue(CatalogueRepository catalogue, PublicLinks links, TimeProvider clock,
        string? province, string? q, string? category, string? cursor, int? limit, CancellationToken ct) =>
        TypedResults.Ok(await ReadAsync(province is null ? null : Provinces.BySlugCodeOrName(province) ?? throw new NotFoundException("Province", province),
            catalogue, links, clock, q, category, cursor, limit, ct));

    private static async Task<IResult> Answer(HttpContext context, Province? province, CatalogueRepository catalogue, PublicLinks links, TimeProvider clock,
        string? q, string? category, string? cursor, int? limit, CancellationToken ct)
    {
        var response = await ReadAsync(province, catalogue, links, clock, q, category, cursor, limit, ct);
        context.Response.Headers.CacheControl = CacheControl;
        context.Response.Headers.Vary = "Accept";
        if (HttpCaching.WantsJson(context.Request)) return TypedResults.Ok(response);
        var text = PageText.For(HttpCaching.Language(context.Request));
        return new RazorComponentResult<CataloguePage>(new { R = response, T = text, Path = context.Request.Path.Value ?? "/ocop" });
    }

    private static async Task<CatalogueResponse> ReadAsync(Province? province, CatalogueRepository catalogue, PublicLinks links, TimeProvider clock,
        string? q, string? category, string? cursor, int? limit, CancellationToken ct)
    {
        var v = new FieldErrors();
        var search = v.Optional("q", q, MaxSearch) is { } text ? Text.Fold(text) : null;
        var kind = category is null ? null : v.Enum<ProductCategory>("category", category);
        v.ThrowIfInvalid();
        var (after, size) = Cursor.Read(cursor, limit ?? DefaultLimit);
        var page = await catalogue.PageAsync(province?.Code, kind, search, VietnamTime.Today(clock.GetUtcNow()), after, size, ct);
        return new CatalogueResponse(province?.Name, province?.Code, string.IsNullOrEmpty(search) ? null : q!.Trim(), category,
            page.Items.Select(e => CatalogueEntryResponse.From(e, links)).ToList(), Cursor.Encode(page.After));
    }
}
