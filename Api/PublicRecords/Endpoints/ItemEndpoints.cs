using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Traceability.Api.Pages;
using Traceability.Api.PublicRecords.Building;
using Traceability.Api.PublicRecords.Items;
using Traceability.Api.PublicRecords.Scans;
using Traceability.Api.PublicRecords.Serving;
using Traceability.Api.Serials;
using Traceability.Domain;
using Traceability.Domain.Serials;
using Traceability.Infrastructure.PublicRecords;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.PublicRecords.Endpoints;

/// <summary>What a shopper's scan of an item's own code opens: the lot's record with the item's panel first (its scans,
/// a warning when the code was voided, never issued, or scanned far more than one item is), and the PIN check.</summary>
public static class ItemEndpoints
{
    public static WebApplication MapItemEndpoints(this WebApplication app)
    {
        var pages = app.MapGroup("/p/{code}/{serial}").WithTags("Public pages").AllowAnonymous();
        pages.MapGet("", ItemPage).WithName("ItemPage").RequireRateLimiting(PublicSetup.RatePolicy)
            .WithSummary("An item's page: the lot's record headed by the item's panel (first scan, how many different clients scanned it, warnings, the PIN form). JSON (the item's status) for Accept: application/json. Counts as a scan of the item and of its lot.")
            .Produces(StatusCodes.Status200OK, contentType: "text/html").Produces<ItemResponse>(StatusCodes.Status200OK, "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
        pages.MapPost("", EnterPin).WithName("EnterItemPin").RequireRateLimiting(PublicSetup.PinRatePolicy)
            .WithSummary("The PIN form of an item's page (application/x-www-form-urlencoded, field pin): the page again, saying whether the PIN matches and whether the item was verified before. Wrong PINs pause the client that enters them, not the item; an item tried from many clients takes one check a minute; entries are limited per address.")
            .Accepts<PinForm>("application/x-www-form-urlencoded")
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
        app.MapGet("/api/v1/public/records/{code}/items/{serial}", GetItem).WithTags("Public records").WithName("GetPublicItem").AllowAnonymous()
            .RequireRateLimiting(PublicSetup.RatePolicy)
            .WithSummary("An item's status for apps: issued, voided or not issued by the producer; its scans; whether it has a PIN and was verified. Not counted as a scan.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    /// <summary>The PIN form's one field.</summary>
    public sealed record PinForm(string? Pin);

    public static async Task<IResult> ItemPage(string code, string serial, HttpContext context, RecordReader records, ItemRepository serials,
        ItemScanCounter itemScans, ScanCounter scans, ClientIdentity clients, PublicLinks links, TimeProvider clock, IOptions<JsonOptions> jsonOptions,
        IOptions<SerialOptions> options, CancellationToken ct)
    {
        if (TracingCode.Normalize(code) is not { } normalized || !ItemSerial.IsValid(serial)) return PublicPageEndpoints.NotFound(context, $"{code}/{serial}");
        if (normalized != code) return Results.Redirect($"/p/{normalized}/{Uri.EscapeDataString(serial)}{context.Request.QueryString}", permanent: true);
        var now = clock.GetUtcNow();
        var json = HttpCaching.WantsJson(context.Request);
        var lang = HttpCaching.Language(context.Request);
        var part = json ? RecordStore.Part.Json : lang == "en" ? RecordStore.Part.PageEn : RecordStore.Part.PageVi;
        // One row: the lot's stored part and the item, as a lot's scan reads one.
        if (await records.GetItemAsync(normalized, part, serial, ct) is not var (loaded, item)) return PublicPageEndpoints.NotFound(context, $"{code}/{serial}");
        var view = View(item, itemScans, loaded.BatchId, serial, now, options.Value, countThisScan: true);
        if (!Hosting.HeadRequests.IsHead(context)) Count(scans, itemScans, loaded.BatchId, view, now, await clients.OfAsync(context, ct));
        if (json)
        {
            context.Response.Headers.CacheControl = "no-store";
            return TypedResults.Ok(ItemResponse.From(view, $"{links.Base}/api/v1/public/records/{normalized}"));
        }
        // The steps that name the item: looked up only when it has some (most items never do).
        var steps = item.Steps > 0 && view.Status != ItemStatus.NotIssued ? await serials.StepsAsync(serial, loaded.BatchId, ct) : [];
        return Page(context, loaded, view, lang, null, jsonOptions.Value.SerializerOptions, now, steps);
    }

    public static async Task<IResult> EnterPin(string code, string serial, HttpContext context, RecordReader records, ItemRepository serials,
        ItemScanCounter itemScans, ClientIdentity clients, IOptions<SerialOptions> options, TimeProvider clock, IOptions<JsonOptions> json, CancellationToken ct)
    {
        if (TracingCode.Normalize(code) is not { } normalized || !ItemSerial.IsValid(serial)) return PublicPageEndpoints.NotFound(context, $"{code}/{serial}");
        var lang = HttpCaching.Language(context.Request);
        if (await records.GetItemAsync(normalized, lang == "en" ? RecordStore.Part.PageEn : RecordStore.Part.PageVi, serial, ct) is not var (loaded, item))
            return PublicPageEndpoints.NotFound(context, $"{code}/{serial}");
        var now = clock.GetUtcNow();
        var view = View(item, itemScans, loaded.BatchId, serial, now, options.Value, countThisScan: false);
        var t = ItemText.For(lang);
        (string, bool)? message = null;
        if (view.Status == ItemStatus.Issued && view.WithPin)
        {
            var entry = context.Request.HasFormContentType ? (await context.Request.ReadFormAsync(ct))["pin"].ToString() : "";
            if (options.Value.Secret is not { } secret) message = (t.PinUnavailable, false);
            else
            {
                var client = await clients.OfAsync(context, ct);
                var (outcome, at) = await serials.RecordPinAsync(serial, client, ItemSerial.PinMatches(secret, serial, entry), options.Value.PinPolicy, now, ct);
                Infrastructure.Metrics.PinChecks.Add(1, new KeyValuePair<string, object?>("outcome", WirePinOutcome(outcome)));
                message = outcome switch
                {
                    PinOutcome.FirstVerification => (t.Genuine, true),
                    PinOutcome.VerifiedBefore => (string.Format(t.VerifiedBefore, t.Time(at!.Value)), false),
                    PinOutcome.ClientPaused => (string.Format(t.ClientPaused, t.Time(at!.Value)), false),
                    PinOutcome.ItemBusy => (string.Format(t.ItemBusy, t.Time(at!.Value)), false),
                    _ => (t.WrongPin, false),
                };
            }
        }
        var steps = item.Steps > 0 && view.Status != ItemStatus.NotIssued ? await serials.StepsAsync(serial, loaded.BatchId, ct) : [];
        return Page(context, loaded, view, lang, message, json.Value.SerializerOptions, now, steps);
    }

    public static async Task<Ok<ItemResponse>> GetItem(string code, string serial, RecordReader records, ItemScanCounter itemScans,
        PublicLinks links, TimeProvider clock, IOptions<SerialOptions> options, CancellationToken ct)
    {
        var normalized = TracingCode.Normalize(code);
        var read = normalized is not null && ItemSerial.IsValid(serial) ? await records.GetItemAsync(normalized, RecordStore.Part.Json, serial, ct) : null;
        if (read is not var (record, item)) throw new NotFoundException("Tracing code", code);
        var view = View(item, itemScans, record.BatchId, serial, clock.GetUtcNow(), options.Value, countThisScan: false);
        return TypedResults.Ok(ItemResponse.From(view, $"{links.Base}/api/v1/public/records/{normalized}"));
    }

    /// <summary>The item under this batch: issued (and not voided), voided, or not issued — a serial of another batch is
    /// not this lot's item either. Its scans are the stored ones, this process's pending ones and this one; the clients it
    /// was scanned from are the stored ones (written within a second).</summary>
    private static ItemView View(RecordStore.Item item, ItemScanCounter itemScans, Guid batchId, string serial, DateTimeOffset now, SerialOptions options,
        bool countThisScan)
    {
        if (item.BatchId != batchId) return new ItemView(serial, ItemStatus.NotIssued, false, 0, null, 0, false, null);
        var (pending, pendingFirst) = itemScans.Pending(serial);
        var activity = new ItemActivity(item.ScanCount + pending + (countThisScan ? 1 : 0),
            item.FirstScannedAt ?? pendingFirst ?? (countThisScan ? now : null), null, item.VerifiedAt, 0, 0, null, item.DistinctClients);
        return new ItemView(serial, item.VoidedAt is null ? ItemStatus.Issued : ItemStatus.Voided, item.WithPin, activity.ScanCount,
            activity.FirstScannedAt, activity.DistinctClients, activity.SeenByMany(options.CopyWarningClients), activity.VerifiedAt);
    }

    private static string WirePinOutcome(PinOutcome outcome) => outcome switch
    {
        PinOutcome.FirstVerification => "first_verification", PinOutcome.VerifiedBefore => "verified_before", PinOutcome.Wrong => "wrong",
        PinOutcome.ClientPaused => "client_paused", _ => "item_busy",
    };

    private static void Count(ScanCounter scans, ItemScanCounter itemScans, Guid batchId, ItemView view, DateTimeOffset now, string client)
    {
        scans.Record(batchId, now);
        if (view.Status != ItemStatus.NotIssued) itemScans.Record(view.Serial, now, client);
        else itemScans.RecordUnissued(batchId);
    }

    private static IResult Page(HttpContext context, RecordReader.Loaded loaded, ItemView view, string lang, (string, bool)? message,
        System.Text.Json.JsonSerializerOptions json, DateTimeOffset now, IReadOnlyList<ItemRepository.Step> steps)
    {
        var text = PageText.For(lang);
        var path = context.Request.Path.Value!;
        var panel = ItemPanel.Html(ItemText.For(lang), view, message, lang == "en" ? $"{path}?lang=en" : path);
        var lot = new PublicScans(loaded.Scans.Count + 1, loaded.Scans.FirstScannedAt ?? now);
        var values = StoredPage.SlotValues(text, lot, $"{path}?lang={text.OtherLanguageCode}", json, panel,
            ItemPanel.Steps(ItemText.For(lang), text, steps));
        return HttpCaching.Uncached(context, loaded, values, "text/html; charset=utf-8");
    }
}

/// <summary>An item's status for apps.</summary>
/// <summary>An item's status for apps. <c>distinctClients</c>: how many different clients (address prefixes) have scanned
/// it; <c>suspicious</c>: that is at least Serials:CopyWarningClients, so the label may have been copied.</summary>
public sealed record ItemResponse(string Serial, string Status, long ScanCount, DateTimeOffset? FirstScannedAt, int DistinctClients, bool Suspicious,
    bool HasPin, bool Verified, DateTimeOffset? VerifiedAt, string Record)
{
    public static ItemResponse From(ItemView v, string record) => new(v.Serial, v.Status switch
    {
        ItemStatus.Issued => "issued", ItemStatus.Voided => "voided", _ => "not_issued",
    }, v.ScanCount, v.FirstScannedAt, v.DistinctClients, v.SeenByMany, v.WithPin, v.VerifiedAt is not null, v.VerifiedAt, record);
}
