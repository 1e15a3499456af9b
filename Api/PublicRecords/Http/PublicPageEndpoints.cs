using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Http.HttpResults;
using Traceability.Api.Pages;
using Traceability.Infrastructure.PublicRecords;
using Traceability.Api.Setup;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.PublicRecords;

/// <summary>What a scanned label opens: the record by tracing code or by GS1 Digital Link, and the QR images.</summary>
public static class PublicPageEndpoints
{
    public static WebApplication MapPublicPageEndpoints(this WebApplication app)
    {
        var group = app.MapGroup("").WithTags("Public pages").AllowAnonymous().RequireCors(PublicSetup.CorsPolicy).RequireRateLimiting(PublicSetup.RatePolicy);
        group.MapGet("/p/{code}", ByCode).WithName("PublicPage")
            .WithSummary("A batch's public record: an HTML page for browsers (Vietnamese; ?lang=en or Accept-Language: en for English), JSON for Accept: application/json. Counts as a scan.")
            .Produces(StatusCodes.Status200OK, contentType: "text/html").Produces<PublicRecordResponse>(StatusCodes.Status200OK, "application/json")
            .Produces(StatusCodes.Status301MovedPermanently).Produces(StatusCodes.Status304NotModified).Produces(StatusCodes.Status307TemporaryRedirect)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapGet("/01/{gtin}/10/{**lot}", ByDigitalLink).WithName("DigitalLink")
            .WithSummary("GS1 Digital Link resolver: the same record by GTIN and lot. linkType=gs1:pip (default), gs1:epcis, gs1:certificationInfo, linkset (or Accept: application/linkset+json). A GTIN-13 or other non-canonical form redirects (301) to the canonical GTIN-14 path.")
            .Produces(StatusCodes.Status200OK, contentType: "text/html").Produces<PublicRecordResponse>(StatusCodes.Status200OK, "application/json")
            .Produces(StatusCodes.Status301MovedPermanently).Produces(StatusCodes.Status304NotModified).Produces(StatusCodes.Status307TemporaryRedirect)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
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
        PublicLinks links, TimeProvider clock, IOptions<JsonOptions> json, CancellationToken ct)
    {
        var normalized = TracingCode.Normalize(code);
        if (normalized is not null && normalized != code)
            return Results.Redirect($"/p/{normalized}{context.Request.QueryString}", permanent: true);
        return normalized is null
            ? NotFound(context, code)
            : await Answer(context, code, (part, ct) => records.GetAsync(normalized, part, ct), linkType, scans, links, clock, json, ct);
    }

    public static async Task<IResult> ByDigitalLink(string gtin, string lot, string? linkType, HttpContext context,
        RecordReader records, ScanCounter scans, PublicLinks links, TimeProvider clock, IOptions<JsonOptions> json, CancellationToken ct)
    {
        // The raw target keeps the lot's percent-encoding (routing would decode all but %2F).
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var rawPath = string.IsNullOrEmpty(raw) ? context.Request.Path.ToUriComponent() : raw.Split('?')[0];
        var at = rawPath.IndexOf("/10/", StringComparison.Ordinal);
        var rawLot = at < 0 ? lot : rawPath[(at + 4)..];
        string decodedLot;
        try { decodedLot = Uri.UnescapeDataString(rawLot); } catch (UriFormatException) { decodedLot = ""; }
        if (!Gtin.TryNormalize(gtin, out var gtin14))
            throw ValidationFailedException.For("gtin", "A GTIN-8, -12, -13 or -14 with a valid GS1 check digit.");
        if (!LotNumber.IsValid(decodedLot))
            throw ValidationFailedException.For("lot", "1–20 characters of the GS1 AI (10) character set, percent-encoded where reserved.");
        var canonical = PublicLinks.DigitalLinkPath(gtin14, decodedLot);
        if (rawPath != canonical)
        {
            // Redirect only to a record that exists.
            if (await records.GetByLotAsync(gtin14, decodedLot, RecordStore.Part.Json, ct) is null) return NotFound(context, $"{gtin14}/{decodedLot}");
            return Results.Redirect(canonical + context.Request.QueryString, permanent: true);
        }
        return await Answer(context, $"{gtin14}/{decodedLot}", (part, ct) => records.GetByLotAsync(gtin14, decodedLot, part, ct),
            linkType, scans, links, clock, json, ct);
    }

    /// <param name="name">What the request named (a code, or GTIN and lot), for the not-found answer.</param>
    /// <param name="load">Reads one part of the record the request names.</param>
    private static async Task<IResult> Answer(HttpContext context, string name, Func<RecordStore.Part, CancellationToken, Task<RecordReader.Loaded?>> load,
        string? linkType, ScanCounter scans, PublicLinks links, TimeProvider clock, IOptions<JsonOptions> jsonSettings, CancellationToken ct)
    {
        var jsonOptions = jsonSettings.Value.SerializerOptions;
        var target = HttpCaching.WantsLinkset(context.Request) ? Linkset.Target.Linkset : Linkset.For(linkType);
        var json = HttpCaching.WantsJson(context.Request);
        var lang = HttpCaching.Language(context.Request);
        // A browser's view reads only the stored page of its language; everything else reads the record.
        var part = target == Linkset.Target.Page && !json
            ? lang == "en" ? RecordStore.Part.PageEn : RecordStore.Part.PageVi
            : RecordStore.Part.Json;
        var loaded = await load(part, ct);
        if (loaded is null) return NotFound(context, name);

        context.Response.Headers.Link = $"<{links.Base}{context.Request.Path}?linkType=linkset>; rel=\"linkset\"; type=\"{Linkset.MediaType}\"";
        switch (target)
        {
            case Linkset.Target.Epcis: return Results.Redirect(loaded.Record.Links.Epcis, permanent: false, preserveMethod: true);
            case Linkset.Target.Certification: return Results.Redirect(loaded.Record.Links.Certification, permanent: false, preserveMethod: true);
            case Linkset.Target.Linkset:
                if (HttpCaching.NotModified(context, loaded.ETag + "-linkset", HttpCaching.ShortLived)) return HttpCaching.NotModifiedResult();
                return Results.Text(Linkset.Build(loaded.Record).ToJsonString(Json.RelaxedJson.Options), Linkset.MediaType);
        }

        // A page view through the label's URL is a scan, whether it is served in full or revalidated.
        if (!Http.HeadRequests.IsHead(context)) scans.Record(loaded.BatchId, clock.GetUtcNow());
        var counted = Counted(loaded.Scans, clock);
        if (json) return HttpCaching.Stored(context, loaded, loaded.ETag + "-json", StoredPage.JsonSlotValues(counted, jsonOptions),
            "application/json; charset=utf-8");
        var text = PageText.For(lang);
        var values = StoredPage.SlotValues(text, counted, $"{context.Request.Path}?lang={text.OtherLanguageCode}", jsonOptions);
        return HttpCaching.Stored(context, loaded, $"{loaded.ETag}-html-{lang}", values, "text/html; charset=utf-8");
    }

    /// <summary>This view counts too, even though the flusher has not written it yet.</summary>
    private static PublicScans Counted(PublicScans scans, TimeProvider clock) =>
        new(scans.Count + 1, scans.FirstScannedAt ?? clock.GetUtcNow());

    public static IResult NotFound(HttpContext context, string code)
    {
        if (HttpCaching.WantsJson(context.Request) || HttpCaching.WantsLinkset(context.Request))
            throw new NotFoundException("Tracing code", code);
        return new RazorComponentResult<NotFoundPage>(new { T = PageText.For(HttpCaching.Language(context.Request)), Code = code })
        {
            StatusCode = StatusCodes.Status404NotFound,
        };
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
