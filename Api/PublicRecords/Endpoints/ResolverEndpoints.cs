using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Traceability.Api.PublicRecords.Building;
using Traceability.Api.PublicRecords.Resolver;
using Traceability.Api.PublicRecords.Serving;
using Traceability.Api.Wire;
using Traceability.Domain;
using Traceability.Infrastructure.PublicRecords;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.PublicRecords.Endpoints;

/// <summary>The GS1-Conformant resolver (GS1-Conformant Resolver 1.2): every GS1 Digital Link of a GTIN, with or without
/// its qualifiers, redirects to the link asked for (the page by default) or answers its linkset; a lot the resolver does
/// not know walks up to the product; syntax errors are 400; the description file says what it supports.</summary>
public static class ResolverEndpoints
{
    public static WebApplication MapResolverEndpoints(this WebApplication app)
    {
        var group = app.MapGroup("").WithTags("GS1 resolver").AllowAnonymous().RequireRateLimiting(PublicSetup.RatePolicy);
        group.MapGet("/01/{**path}", Resolve).WithName("DigitalLink")
            .WithSummary("GS1 Digital Link resolver: /01/{gtin}[/22/{variant}][/10/{lot}][/21/{serial}]. Redirects (307) to the default link "
                + "(the page, which negotiates HTML or JSON) or to the linkType asked for (gs1:pip, gs1:epcis, gs1:certificationInfo, "
                + "gs1:traceability); linkType=linkset or Accept: application/linkset+json answers the linkset. A lot it does not know "
                + "resolves to the product. Non-canonical forms (GTIN-13, unencoded lot) redirect (301) to the canonical one.")
            .Produces(StatusCodes.Status200OK, contentType: Linkset.MediaType)
            .Produces(StatusCodes.Status301MovedPermanently).Produces(StatusCodes.Status307TemporaryRedirect)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapGet("/{compressed}", ResolveCompressed).WithName("CompressedDigitalLink")
            .WithSummary("A compressed GS1 Digital Link (GS1 Digital Link compression, e.g. /CxBAtOcq5NZoW3Wuu-n2mo): answered as its "
                + "uncompressed form, which the Link header names (rel=\"owl:sameAs\"). Anything that is not one is 404.")
            .Produces(StatusCodes.Status200OK, contentType: Linkset.MediaType).Produces(StatusCodes.Status307TemporaryRedirect)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapGet("/.well-known/gs1resolver", Description).WithName("ResolverDescription")
            .WithSummary("The GS1 resolver description file: name, root, supported primary keys and link types, linkset context.")
            .Produces<ResolverDescription>();
        return app;
    }

    public sealed record LinkTypeNamespace(string Namespace, string Prefix);

    public sealed record ResolverContact(string Fn);

    public sealed record ResolverDescription(
        string Name, string ResolverRoot, IReadOnlyList<string> SupportedPrimaryKeys, IReadOnlyList<LinkTypeNamespace> SupportedLinkType,
        bool LinkTypeDefaultCanBeLinkset, string JsonLdContextLocation, ResolverContact Contact);

    public static IResult Description(PublicLinks links) => TypedResults.Json(new ResolverDescription(
        "OCOP traceability resolver (Truy xuất nguồn gốc sản phẩm OCOP)", links.Base, ["01"],
        [new(Linkset.Vocabulary, "gs1:")], false, Linkset.ContextUrl, new("OCOP traceability")));

    public static Task<IResult> Resolve(string path, string? linkType, HttpContext context, RecordSource source, PublicLinks links,
        ProducerLinkRepository producerLinks, CancellationToken ct)
    {
        // The raw target keeps the values' percent-encoding (routing decodes all but %2F).
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var rawPath = string.IsNullOrEmpty(raw) ? context.Request.Path.ToUriComponent() : raw.Split('?')[0];
        var query = context.Request.Query.Select(q => KeyValuePair.Create(q.Key, q.Value.ToString())).ToList();
        // "/01/{gtin}/{compressed}": the primary key uncompressed, its qualifiers and attributes compressed.
        return rawPath.TrimEnd('/').Split('/') is [_, "01", _, var last] && DigitalLinkCompression.Looks(last)
            ? ResolveCompressed(rawPath, linkType, context, source, links, producerLinks, ct)
            : Answer(rawPath, query, linkType, null, context, source, links, producerLinks, ct);
    }

    /// <summary>A compressed Digital Link (GS1 Digital Link compression): answered as its uncompressed form, which the
    /// Link header names as owl:sameAs.</summary>
    public static async Task<IResult> ResolveCompressed(string compressed, string? linkType, HttpContext context, RecordSource source,
        PublicLinks links, ProducerLinkRepository producerLinks, CancellationToken ct)
    {
        var elements = DigitalLinkCompression.Decompress(compressed);
        var gtin = elements?.FirstOrDefault(e => e.Key == "01").Value;
        if (elements is null || gtin is null) return PublicPageEndpoints.NotFound(context, compressed);
        string[] qualifiers = ["22", "10", "21"];
        var path = DigitalLinkRequest.GtinPath(gtin) + string.Concat(qualifiers.SelectMany(q => elements.Where(e => e.Key == q)
            .Select(e => $"/{q}/{Uri.EscapeDataString(e.Value)}")));
        var attributes = elements.Where(e => e.Key != "01" && !qualifiers.Contains(e.Key)).ToList();
        var sameAs = links.Base + path + QueryString.Create(attributes!).Value;
        var query = attributes.Concat(context.Request.Query.Select(q => KeyValuePair.Create(q.Key, q.Value.ToString()))).ToList();
        return await Answer(path, query, linkType, sameAs, context, source, links, producerLinks, ct);
    }

    /// <param name="rawPath">The uncompressed Digital Link path, still percent-encoded.</param>
    /// <param name="query">Its query string's pairs: GS1 data attributes are checked; all but linkType go along on a redirect.</param>
    /// <param name="sameAs">The uncompressed URI, when the request was compressed.</param>
    private static async Task<IResult> Answer(string rawPath, List<KeyValuePair<string, string>> query, string? linkType, string? sameAs,
        HttpContext context, RecordSource source, PublicLinks links, ProducerLinkRepository producerLinks, CancellationToken ct)
    {
        var request = DigitalLinkRequest.Parse(rawPath, query!);
        var target = await source.TargetAsync(request.Gtin14, request.Lot, ct);
        if (target is null) return PublicPageEndpoints.NotFound(context, rawPath);
        if (!request.IsCanonical) return Results.Redirect(request.CanonicalPath + context.Request.QueryString, permanent: true);

        // An item (a serial of a known lot) has its own page, which says whether the producer issued it; a variant has no
        // links of its own: it resolves as its lot, or its product.
        var levels = Linkset.LevelsFor(links, target.ProductName, request.Gtin14, target.Code, request.Lot, request.Serial);
        var wantsLinkset = Linkset.WantsLinkset(linkType) || (linkType is null && HttpCaching.WantsLinkset(context.Request));
        var type = Linkset.Normalize(linkType) ?? "defaultLink";
        // The producer's own links, read only when they can matter: a scan of a lot's label for its default link (the
        // page) never waits for them; a GTIN's own Digital Link may have the producer's default.
        if (wantsLinkset || !ProducerLinks.Reserved.Contains(type) || (type == "defaultLink" && target.Code is null && request.Serial is null))
            levels = Linkset.WithProducerLinks(levels, await producerLinks.ForGtinAsync(request.Gtin14, target.Code is null ? null : request.Lot, ct));
        var linkHeader = Linkset.LinkHeader(links.Base + request.CanonicalPath);
        if (sameAs is not null) linkHeader += $", <{sameAs}>; rel=\"owl:sameAs\"";
        context.Response.Headers.Link = linkHeader;
        context.Response.Headers.Vary = "Accept, Accept-Language";
        if (wantsLinkset)
        {
            context.Response.Headers.Link = $"{linkHeader}, {Linkset.ContextHeader}";
            var body = Linkset.Build(levels).ToJsonString(Infrastructure.Json.Stored);
            var etag = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(body)))[..20];
            if (HttpCaching.NotModified(context, etag, HttpCaching.ShortLived(context))) return HttpCaching.NotModifiedResult();
            return Results.Text(body, Linkset.MediaType);
        }
        var link = Linkset.Find(levels, type, Linkset.Languages(context.Request)) ?? throw new NotFoundException("Link type", linkType!);
        // The rest of the query goes along (GS1: pass on every key=value pair), not the linkType this resolver consumed.
        return Results.Redirect(WithQuery(link.Href, query), permanent: false, preserveMethod: true);
    }

    public static string WithQuery(string href, IEnumerable<KeyValuePair<string, string>> query)
    {
        var kept = query.Where(q => q.Key != "linkType").ToList();
        if (kept.Count == 0) return href;
        var qs = QueryString.Create(kept!);
        return href.Contains('?') ? href + "&" + qs.Value![1..] : href + qs.Value;
    }
}
