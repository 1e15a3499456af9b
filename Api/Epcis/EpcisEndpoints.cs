using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Traceability.Api.Auth;
using Traceability.Api.Idempotency;
using Traceability.Api.PublicRecords;
using Traceability.Api.PublicRecords.Building;
using Traceability.Api.Wire;
using Traceability.Domain;
using Traceability.Domain.Events;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Epcis;

/// <summary>The part of the EPCIS 2.0 REST binding partners use: capture (POST /epcis/capture, a capture job at
/// /epcis/capture/{id}) and the SimpleEventQuery as GET /epcis/events with the standard's parameters.</summary>
public static class EpcisEndpoints
{
    public const string VersionHeader = "GS1-EPCIS-Version";
    public const string CbvVersionHeader = "GS1-CBV-Version";
    public const string NextPageHeader = "GS1-Next-Page-Token";
    public const int DefaultPerPage = 30;
    public const int MaxPerPage = 500;

    public static RouteGroupBuilder MapEpcisEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/epcis").WithTags("EPCIS");
        group.MapPost("/capture", Capture).WithName("CaptureEpcis").RequireAuthorization(Policies.Producer).RequireScope(KeyScopes.EventsWrite)
            .WithSummary("Capture an EPCISDocument (JSON-LD, GS1's schema): its ObjectEvents about the caller's own lots and items become events on those batches, all or nothing. 202 with the capture job; an event that cannot be stored is refused (400) with its index and why. Events whose eventID was captured before are skipped.")
            .Accepts<JsonElement>("application/ld+json", "application/json")
            .WithMetadata(new RequestSizeLimitAttribute(16 * 1024 * 1024))
            .Produces<CaptureJobResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .Idempotent();
        group.MapGet("/capture/{captureId:guid}", GetCapture).WithName("GetEpcisCaptureJob").RequireAuthorization(Policies.Producer)
            .WithSummary("A capture job's outcome (captures finish before their 202 is sent).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/events", QueryEvents).WithName("QueryEpcisEvents").AllowAnonymous().WithMetadata(new OptionalApiKey()).RequireRateLimiting(PublicSetup.RatePolicy)
            .WithSummary("A SimpleEventQuery: ObjectEvents (recorded events) and TransformationEvents (a batch made from others) matching eventType, GE_/LT_eventTime, GE_/LT_recordTime, EQ_bizStep, EQ_disposition, MATCH_anyEPC, MATCH_anyEPCClass, EQ_readPoint, EQ_bizLocation (list values separated by |), a page at a time (perPage, nextPageToken), as an EPCISQueryDocument. Without a key a query must name a lot (MATCH_anyEPCClass) or item (MATCH_anyEPC) and answers its public events, never an item's serial; with a producer's key, that producer's own events; a province authority's, its province's; a national authority's or the admin's, everyone's without serials.")
            .Produces<JsonElement>(StatusCodes.Status200OK, EpcisDocument.MediaType)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status429TooManyRequests);
        return api;
    }

    public static async Task<Accepted<CaptureJobResponse>> Capture(HttpContext context, ClaimsPrincipal user, EpcisRepository epcis, ItemRepository serials,
        EventRepository events, RequestTransaction transaction, PublicLinks links, TimeProvider clock,
        [FromHeader(Name = "GS1-Capture-Error-Behaviour")] string? errorBehaviour, CancellationToken ct)
    {
        var mediaType = context.Request.ContentType?.Split(';')[0].Trim();
        if (mediaType is not ("application/ld+json" or "application/json"))
            throw new BadHttpRequestException("Send the EPCISDocument as application/ld+json (or application/json).", StatusCodes.Status415UnsupportedMediaType);
        if (errorBehaviour is { Length: > 0 } b && b != "rollback")
            throw ValidationFailedException.For("GS1-Capture-Error-Behaviour", "Only rollback: a capture is stored all or nothing.");
        if (context.Request.Body.CanSeek) context.Request.Body.Position = 0;
        using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: ct);
        var producerId = user.ToCaller().Id!.Value;
        var now = clock.GetUtcNow();
        var read = await EpcisCapture.ReadAsync(document.RootElement, producerId, links.Base, epcis, serials, now, ct);
        var before = await epcis.CapturedAsync(producerId, read.Select(c => c.EventId).OfType<string>().ToList(), ct);
        var fresh = read.Where(c => c.EventId is null || !before.Contains(c.EventId)).ToList();
        var capture = new EpcisRepository.Capture(Guid.CreateVersion7(now), producerId, fresh.Count, read.Count - fresh.Count, now);
        var (connection, tx) = await transaction.BeginAsync(ct);
        var recorded = await events.AppendAsync(connection, tx, fresh.Select(c => c.Event).ToList(), now, ct);
        try
        {
            await epcis.RecordAsync(connection, tx, capture,
                fresh.Zip(recorded).Where(p => p.First.EventId is not null).Select(p => (p.First.EventId!, p.Second.Id)).ToList(), ct);
            await epcis.RecordFieldsAsync(connection, tx, fresh.Zip(recorded).Select(p => (p.Second.Id, p.First.Sent)).ToList(), ct);
        }
        catch (Exception e) when (epcis.IsUniqueViolation(e))
        {
            throw new ConflictException("Another capture stored some of these eventIDs meanwhile; send the document again to capture the rest.");
        }
        context.Response.Headers[VersionHeader] = "2.0.0";
        return TypedResults.Accepted(ApiPaths.CaptureJob(capture.Id), CaptureJobResponse.From(capture, recorded.Select(r => r.Id).ToList()));
    }

    public static async Task<Ok<CaptureJobResponse>> GetCapture(Guid captureId, ClaimsPrincipal user, EpcisRepository epcis, CancellationToken ct)
    {
        var capture = await epcis.GetCaptureAsync(captureId, ct);
        if (capture is null || capture.ProducerId != user.ToCaller().Id) throw new NotFoundException("Capture job", captureId);
        return TypedResults.Ok(CaptureJobResponse.From(capture, null));
    }

    /// <summary>The named parameters are what the contract shows; the query is read from the request itself, where a
    /// list may also come as the parameter repeated.</summary>
    public static async Task<ContentHttpResult> QueryEvents(HttpContext context, ClaimsPrincipal user, EpcisRepository epcis, BatchRepository batches,
        ProductRepository products, LineageRepository lineage, EventRepository events, AuthorityRepository authorities, PublicLinks links, TimeProvider clock,
        [FromQuery] string? eventType, [FromQuery(Name = "GE_eventTime")] string? geEventTime, [FromQuery(Name = "LT_eventTime")] string? ltEventTime,
        [FromQuery(Name = "GE_recordTime")] string? geRecordTime, [FromQuery(Name = "LT_recordTime")] string? ltRecordTime,
        [FromQuery(Name = "EQ_bizStep")] string? eqBizStep, [FromQuery(Name = "EQ_disposition")] string? eqDisposition,
        [FromQuery(Name = "MATCH_anyEPC")] string? matchAnyEpc, [FromQuery(Name = "MATCH_anyEPCClass")] string? matchAnyEpcClass,
        [FromQuery(Name = "EQ_readPoint")] string? eqReadPoint, [FromQuery(Name = "EQ_bizLocation")] string? eqBizLocation,
        [FromQuery] string? perPage, [FromQuery] string? nextPageToken, CancellationToken ct)
    {
        // Who sees what: anyone, a named lot's or item's events as its public page shows them (no serials); a producer,
        // its own; a province authority, its province's (with serials); the national level and the admin, everyone's
        // (without serials).
        var caller = user.Identity?.IsAuthenticated == true ? user.ToCaller() : null;
        var authority = caller?.Role == Role.Authority ? await authorities.GetAsync(caller.Id!.Value, ct) : null;
        var province = authority is { Level: AuthorityLevel.Province } ? authority.ProvinceCode ?? "" : null;
        var serials = caller?.Role == Role.Producer || province is { Length: > 0 };
        var query = await EpcisQuery.ReadAsync(context.Request.Query, caller?.Role == Role.Producer ? caller.Id : null, province, caller is null,
            links.Base, epcis, ct);
        var list = new JsonArray();
        string? next = null;
        if (query.Filter is { } filter)
        {
            var matches = await epcis.QueryAsync(filter, query.After, query.PerPage + 1, ct);
            if (matches.Count > query.PerPage)
            {
                matches = matches.Take(query.PerPage).ToList();
                next = EpcisQuery.Token(matches[^1]);
            }
            foreach (var group in matches.GroupBy(m => m.BatchId))
            {
                var batch = await batches.GetAsync(group.Key, ct);
                if (batch is null) continue;
                var product = await products.GetAsync(batch.ProductId, ct);
                if (product is null) continue;
                var whole = EpcisDocument.Build(links.Base, batch, product, await lineage.ParentsAsync(batch.Id, ct), await events.ChainAsync(batch.Id, ct),
                    clock.GetUtcNow(), withItems: serials, await epcis.FieldsOfBatchAsync(batch.Id, ct));
                var wanted = group.Select(m => m.Sequence).ToHashSet();
                foreach (var node in whole["epcisBody"]!["eventList"]!.AsArray())
                    if (node!["type"]!.GetValue<string>() == "TransformationEvent" ? wanted.Contains(0) : wanted.Contains(node["ocop:sequence"]!.GetValue<long>()))
                        list.Add(node.DeepClone());
            }
        }
        var document = EpcisDocument.QueryDocument(links.Base, list, clock.GetUtcNow());
        context.Response.Headers[VersionHeader] = "2.0.0";
        context.Response.Headers[CbvVersionHeader] = "2.0.0";
        if (next is not null)
        {
            context.Response.Headers[NextPageHeader] = next;
            var others = context.Request.Query.Where(p => p.Key != "nextPageToken").SelectMany(p => p.Value.Select(v => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(v ?? "")}"));
            var url = $"{links.Absolute(ApiPaths.EpcisEvents)}?{string.Join('&', others.Append($"nextPageToken={next}"))}";
            context.Response.Headers.Link = $"<{url}>; rel=\"next\"";
        }
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Content(document.ToJsonString(Infrastructure.Json.Stored), EpcisDocument.MediaType, Encoding.UTF8);
    }
}

/// <summary>The query parameters of a SimpleEventQuery, read into a filter.</summary>
public static class EpcisQuery
{
    public sealed record Read(EpcisRepository.Filter? Filter, (long BatchSeq, long Sequence) After, int PerPage);

    private static readonly HashSet<string> Supported = new(StringComparer.Ordinal)
    {
        "eventType", "GE_eventTime", "LT_eventTime", "GE_recordTime", "LT_recordTime", "EQ_bizStep", "EQ_disposition", "MATCH_anyEPC", "MATCH_epc",
        "MATCH_anyEPCClass", "MATCH_epcClass", "EQ_readPoint", "EQ_bizLocation", "perPage", "nextPageToken",
    };

    /// <summary>Reads the query; a null filter is a query that can match nothing here (eventType without ObjectEvent,
    /// an identifier no batch has).</summary>
    /// <param name="producerId">A producer's query: its own batches only.</param>
    /// <param name="provinceCode">A province authority's query: its province's batches only.</param>
    /// <param name="anonymous">Without a key, a query must name the lot or item it asks about, as its public page does.</param>
    public static async Task<Read> ReadAsync(IQueryCollection q, Guid? producerId, string? provinceCode, bool anonymous, string publicBase,
        EpcisRepository epcis, CancellationToken ct)
    {
        var v = new FieldErrors();
        if (anonymous && !new[] { "MATCH_anyEPCClass", "MATCH_epcClass", "MATCH_anyEPC", "MATCH_epc" }.Any(q.ContainsKey))
            v.Add("MATCH_anyEPCClass", "Without an API key, a query names the lot (MATCH_anyEPCClass: its Digital Link or page URL) or the item "
                                       + "(MATCH_anyEPC) it asks about, and answers what that lot's public page shows. With a key, a producer queries "
                                       + "its own events and an authority those in its remit.");
        foreach (var name in q.Keys.Where(k => !Supported.Contains(k)))
            v.Add(name, $"Not a query parameter this API supports: {string.Join(", ", Supported.Order(StringComparer.Ordinal))}.");
        var perPage = EpcisEndpoints.DefaultPerPage;
        if (q.TryGetValue("perPage", out var pp) && (!int.TryParse(pp, NumberStyles.None, CultureInfo.InvariantCulture, out perPage) || perPage is < 1 or > EpcisEndpoints.MaxPerPage))
            v.Add("perPage", $"A whole number from 1 to {EpcisEndpoints.MaxPerPage}.");
        (long, long) after = (0, 0);
        if (q.TryGetValue("nextPageToken", out var token) && !TryToken(token.ToString(), out after))
            v.Add("nextPageToken", "Not a token this API issued; pass the one from the previous page.");
        var times = new Dictionary<string, DateTimeOffset?>();
        foreach (var name in new[] { "GE_eventTime", "LT_eventTime", "GE_recordTime", "LT_recordTime" })
        {
            times[name] = null;
            if (!q.TryGetValue(name, out var value)) continue;
            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) && Bounds.Contains(t)) times[name] = t;
            else v.Add(name, "An ISO 8601 date and time, e.g. 2026-11-01T00:00:00+07:00.");
        }
        v.ThrowIfInvalid();

        var empty = new Read(null, after, perPage);
        var eventTypes = Values(q, "eventType");
        var objects = eventTypes?.Contains("ObjectEvent") ?? true;
        // A batch's TransformationEvent (what it was made from) has no item, place or disposition; its bizStep is
        // creating_class_instance.
        var transformations = (eventTypes?.Contains("TransformationEvent") ?? true)
                              && !q.ContainsKey("MATCH_anyEPC") && !q.ContainsKey("MATCH_epc") && !q.ContainsKey("EQ_disposition")
                              && !q.ContainsKey("EQ_readPoint") && !q.ContainsKey("EQ_bizLocation")
                              && (Values(q, "EQ_bizStep") is not { } asked || asked.Any(s => EpcisIdentifiers.ShortName(s, "BizStep") == "creating_class_instance"));
        if (!objects && !transformations) return empty;

        // Steps: named by bizStep, narrowed by disposition.
        IEnumerable<EventType>? steps = null;
        if (Values(q, "EQ_bizStep") is { } bizSteps)
        {
            var named = bizSteps.Select(s => EpcisIdentifiers.Step(s, publicBase)).OfType<EventType>().ToList();
            // The step that creates a lot is written creating_class_instance when CBV has no name for it.
            if (bizSteps.Any(s => EpcisIdentifiers.ShortName(s, "BizStep") == "creating_class_instance"))
                named.AddRange(EventTypes.All.Where(t => t.BizStep.StartsWith(EventTypes.ExtensionPrefix, StringComparison.Ordinal)).Select(t => t.Type));
            steps = named;
        }
        if (Values(q, "EQ_disposition") is { } dispositions)
        {
            var withDisposition = dispositions.SelectMany(EpcisIdentifiers.StepsWithDisposition).ToHashSet();
            steps = (steps ?? EventTypes.All.Select(t => t.Type)).Where(withDisposition.Contains).ToList();
        }
        var types = steps?.Distinct().Select(t => WireEnum<EventType>.Name(t)).ToList();
        if (types is { Count: 0 }) objects = false;
        if (!objects && !transformations) return empty;

        List<Guid>? batchIds = null;
        if ((Values(q, "MATCH_anyEPCClass") ?? Values(q, "MATCH_epcClass")) is { } classes)
        {
            batchIds = [];
            foreach (var uri in classes)
                if (EpcisIdentifiers.Lot(uri, publicBase) is { } lot
                    && await (lot.Code is { } code ? epcis.LotByCodeAsync(code, ct) : epcis.LotAsync(lot.Gtin14!, lot.LotNumber!, ct)) is { } found)
                    batchIds.Add(found.BatchId);
            if (batchIds.Count == 0) return empty;
        }
        List<string>? serials = null;
        if ((Values(q, "MATCH_anyEPC") ?? Values(q, "MATCH_epc")) is { } epcs)
        {
            serials = epcs.Select(u => EpcisIdentifiers.Serial(u, publicBase)).OfType<string>().Distinct().ToList();
            if (serials.Count == 0) return empty;
        }
        var readPoints = Glns(q, "EQ_readPoint");
        var bizLocations = Glns(q, "EQ_bizLocation");
        if (readPoints is { Count: 0 } || bizLocations is { Count: 0 }) return empty;

        return new Read(new EpcisRepository.Filter(producerId, times["GE_eventTime"], times["LT_eventTime"], times["GE_recordTime"], times["LT_recordTime"],
            types, batchIds, serials, readPoints, bizLocations, EpcisDocument.StepsWithoutBizLocation.Select(t => WireEnum<EventType>.Name(t)).ToList(),
            objects, transformations, ProductionDateFrom(times["GE_eventTime"]), ProductionDateBefore(times["LT_eventTime"]), provinceCode), after, perPage);
    }

    /// <summary>A TransformationEvent's eventTime is its production date at 00:00 Vietnam time: the first production date
    /// at or after <paramref name="t"/>.</summary>
    private static DateOnly? ProductionDateFrom(DateTimeOffset? t)
    {
        if (t is not { } time) return null;
        var local = time.ToOffset(VietnamTime.Offset);
        var date = DateOnly.FromDateTime(local.DateTime);
        return local.TimeOfDay == TimeSpan.Zero ? date : date.AddDays(1);
    }

    /// <summary>The first production date whose 00:00 Vietnam time is at or after <paramref name="t"/> (exclusive bound).</summary>
    private static DateOnly? ProductionDateBefore(DateTimeOffset? t) => ProductionDateFrom(t);

    private static List<string>? Glns(IQueryCollection q, string name) =>
        Values(q, name)?.Select(EpcisIdentifiers.Gln).OfType<string>().Distinct().ToList();

    /// <summary>A list parameter: repeated, or its values separated by '|', as the REST binding writes lists.</summary>
    private static List<string>? Values(IQueryCollection q, string name) =>
        q.TryGetValue(name, out var values)
            ? values.SelectMany(v => (v ?? "").Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList()
            : null;

    public static string Token(EpcisRepository.Match m) =>
        System.Buffers.Text.Base64Url.EncodeToString(Encoding.ASCII.GetBytes($"e1:{m.BatchSeq}:{m.Sequence}"));

    private static bool TryToken(string token, out (long, long) after)
    {
        after = (0, 0);
        try
        {
            var parts = Encoding.ASCII.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(token)).Split(':');
            if (parts is not ["e1", var b, var s] || !long.TryParse(b, out var batch) || !long.TryParse(s, out var sequence)) return false;
            after = (batch, sequence);
            return true;
        }
        catch (FormatException) { return false; }
    }
}
