using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Traceability.Api.Pages;
using Traceability.Api.PublicRecords.Building;
using Traceability.Api.PublicRecords.Resolver;
using Traceability.Api.PublicRecords.Scans;
using Traceability.Api.PublicRecords.Serving;
using Traceability.Api.Wire;
using Traceability.Domain;
using Traceability.Infrastructure.PublicRecords;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.PublicRecords.Endpoints;

/// <summary>What a scanned label opens: the record by tracing code or by GS1 Digital Link, and the QR images.</summary>
public static class PublicPageEndpoints
{
    public static WebApplication MapPublicPageEndpoints(this WebApplication app)
    {
        var group = app.MapGroup("").WithTags("Public pages").AllowAnonymous().RequireRateLimiting(PublicSetup.RatePolicy);
        group.MapGet("/p/{code}", ByCode).WithName("PublicPage")
            .WithSummary("A batch's public record: an HTML page for browsers (Vietnamese; ?lang=en for English, whatever the phone's language), JSON for Accept: application/json. Counts as a scan.")
            .Produces(StatusCodes.Status200OK, contentType: "text/html").Produces<PublicRecordResponse>(StatusCodes.Status200OK, "application/json")
            .Produces(StatusCodes.Status301MovedPermanently).Produces(StatusCodes.Status304NotModified).Produces(StatusCodes.Status307TemporaryRedirect)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapGet("/p/{code}/qr.png", QrPng).WithName("QrPng")
            .WithSummary($"The batch's QR code as PNG: its canonical public URL, error correction Q by default, 4-module quiet zone. size={QrCodes.MinSize}–{QrCodes.MaxSize} px (default {QrCodes.DefaultSize}), ecc=L|M|Q|H.")
            .Produces(StatusCodes.Status200OK, contentType: "image/png").Produces(StatusCodes.Status304NotModified)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapGet("/p/{code}/qr.svg", QrSvg).WithName("QrSvg")
            .WithSummary("The batch's QR code as SVG (same content and options as qr.png).")
            .Produces(StatusCodes.Status200OK, contentType: "image/svg+xml").Produces(StatusCodes.Status304NotModified)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    public static async Task<IResult> ByCode(string code, string? linkType, HttpContext context, RecordReader records, ScanCounter scans,
        PublicLinks links, Infrastructure.Repositories.ProducerLinkRepository producerLinks, TimeProvider clock, IOptions<JsonOptions> json, CancellationToken ct)
    {
        var normalized = TracingCode.Normalize(code);
        if (normalized is not null && normalized != code)
            return Results.Redirect($"/p/{normalized}{context.Request.QueryString}", permanent: true);
        return normalized is null
            ? NotFound(context, code)
            : await Answer(context, code, (part, ct) => records.GetAsync(normalized, part, ct), linkType, scans, links, producerLinks, clock, json, ct);
    }

    /// <param name="name">What the request named (a code, or GTIN and lot), for the not-found answer.</param>
    /// <param name="load">Reads one part of the record the request names.</param>
    private static async Task<IResult> Answer(HttpContext context, string name, Func<RecordStore.Part, CancellationToken, Task<RecordReader.Loaded?>> load,
        string? linkType, ScanCounter scans, PublicLinks links, Infrastructure.Repositories.ProducerLinkRepository producerLinks, TimeProvider clock,
        IOptions<JsonOptions> jsonSettings, CancellationToken ct)
    {
        var jsonOptions = jsonSettings.Value.SerializerOptions;
        var wantsLinkset = Linkset.WantsLinkset(linkType) || (linkType is null && HttpCaching.WantsLinkset(context.Request));
        var type = Linkset.Normalize(linkType);
        var page = !wantsLinkset && type is null or "pip" or "defaultLink";
        var json = HttpCaching.WantsJson(context.Request);
        var lang = HttpCaching.Language(context.Request);
        // A browser's view reads only the stored page of its language; everything else reads the record.
        var part = page && !json
            ? lang == "en" ? RecordStore.Part.PageEn : RecordStore.Part.PageVi
            : RecordStore.Part.Json;
        var loaded = await load(part, ct);
        if (loaded is null) return NotFound(context, name);

        context.Response.Headers.Link = Linkset.LinkHeader(links.Base + context.Request.Path);
        if (!page)
        {
            var r = loaded.Record;
            var levels = Linkset.LevelsFor(links, r.Product.Name, r.Product.Gtin, r.Code, r.Batch.LotNumber);
            // The producer's own links, as the Digital Link's resolver has them (a GTIN's and this lot's).
            if (r.Product.Gtin is { } gtin && (wantsLinkset || !ProducerLinks.Reserved.Contains(type!)))
                levels = Linkset.WithProducerLinks(levels, await producerLinks.ForGtinAsync(gtin, r.Batch.LotNumber, ct));
            if (!wantsLinkset)
            {
                var link = Linkset.Find(levels, type!, Linkset.Languages(context.Request)) ?? throw new NotFoundException("Link type", linkType!);
                return Results.Redirect(ResolverEndpoints.WithQuery(link.Href, context.Request.Query.Select(q => KeyValuePair.Create(q.Key, q.Value.ToString()))),
                    permanent: false, preserveMethod: true);
            }
            context.Response.Headers.Link = $"{context.Response.Headers.Link}, {Linkset.ContextHeader}";
            if (HttpCaching.NotModified(context, loaded.ETag + "-linkset", HttpCaching.ShortLived(context))) return HttpCaching.NotModifiedResult();
            return Results.Text(Linkset.Build(levels).ToJsonString(Infrastructure.Json.Stored), Linkset.MediaType);
        }

        // A page view through the label's URL is a scan, whether it is served in full or revalidated.
        if (!Hosting.HeadRequests.IsHead(context)) scans.Record(loaded.BatchId, clock.GetUtcNow());
        var counted = Counted(loaded.Scans, clock);
        if (json) return HttpCaching.Stored(context, loaded, loaded.ETag + "-json", StoredPage.JsonSlotValues(counted, jsonOptions),
            "application/json; charset=utf-8", scan: true);
        var text = PageText.For(lang);
        var values = StoredPage.SlotValues(text, counted, $"{context.Request.Path}?lang={text.OtherLanguageCode}", jsonOptions);
        return HttpCaching.Stored(context, loaded, $"{loaded.ETag}-html-{lang}", values, "text/html; charset=utf-8", scan: true);
    }

    /// <summary>This view counts too, even though the flusher has not written it yet.</summary>
    private static PublicScans Counted(PublicScans scans, TimeProvider clock) =>
        new(scans.Count + 1, scans.FirstScannedAt ?? clock.GetUtcNow());

    public static IResult NotFound(HttpContext context, string code)
    {
        if (HttpCaching.WantsJson(context.Request) || HttpCaching.WantsLinkset(context.Request))
            throw new NotFoundException("Tracing code", LooksLikeOurs(code) ? code : "(not a tracing code)");
        // What the link named is repeated only when it has the syntax of one of our codes: the official page never
        // prints a sentence an attacker wrote into a link.
        return new RazorComponentResult<NotFoundPage>(new { T = PageText.For(HttpCaching.Language(context.Request)), Code = LooksLikeOurs(code) ? code : null })
        {
            StatusCode = StatusCodes.Status404NotFound,
        };
    }

    /// <summary>A tracing code, a code and an item serial, a GTIN, or a Digital Link path that parsed.</summary>
    private static bool LooksLikeOurs(string name)
    {
        if (name.StartsWith("/01/", StringComparison.Ordinal)) return true;
        if (name.All(char.IsAsciiDigit)) return Gtin.TryNormalize(name, out _);
        var parts = name.Split('/');
        return TracingCode.Normalize(parts[0]) is not null && parts.Skip(1).All(Domain.Serials.ItemSerial.IsValid) && parts.Length <= 2;
    }

    public static async Task<IResult> QrPng(string code, int? size, string? ecc, HttpContext context, RecordSource repository,
        RecordReader records, PublicLinks links, CancellationToken ct) =>
        await Qr(code, size, ecc, "png", context, repository, records, links, ct);

    public static async Task<IResult> QrSvg(string code, int? size, string? ecc, HttpContext context, RecordSource repository,
        RecordReader records, PublicLinks links, CancellationToken ct) =>
        await Qr(code, size, ecc, "svg", context, repository, records, links, ct);

    private static async Task<IResult> Qr(string code, int? size, string? ecc, string format, HttpContext context,
        RecordSource repository, RecordReader records, PublicLinks links, CancellationToken ct)
    {
        var v = new FieldErrors();
        if (size is < QrCodes.MinSize or > QrCodes.MaxSize) v.Add("size", $"Between {QrCodes.MinSize} and {QrCodes.MaxSize} pixels.");
        if (!QrCodes.TryLevel(ecc, out var level)) v.Add("ecc", "One of L, M, Q, H.");
        v.ThrowIfInvalid();
        var normalized = TracingCode.Normalize(code) ?? throw new NotFoundException("Tracing code", code);
        var pixels = size ?? QrCodes.DefaultSize;
        if (format == "png" && pixels == QrCodes.DefaultSize && level == QrCodes.DefaultLevel)
        {
            // The label's image, encoded when its record was stored (its URL never changes for a batch).
            var stored = await records.GetAsync(normalized, RecordStore.Part.Qr, ct) ?? throw new NotFoundException("Tracing code", code);
            if (HttpCaching.NotModified(context, stored.ETag, HttpCaching.LongLived)) return HttpCaching.NotModifiedResult();
            return Results.Bytes(stored.Image, "image/png");
        }
        var link = await repository.LinkAsync(normalized, ct) ?? throw new NotFoundException("Tracing code", code);
        var url = links.For(link.Code, link.LotNumber, link.Gtin);
        if (HttpCaching.NotModified(context, QrCodes.ETag(url, pixels, level, format), HttpCaching.LongLived)) return HttpCaching.NotModifiedResult();
        return format == "png"
            ? Results.Bytes(QrCodes.Png(url, pixels, level), "image/png")
            : Results.Text(QrCodes.Svg(url, pixels, level), "image/svg+xml");
    }
}
