using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
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
            .WithSummary("Capture an EPCISDocument (JSON-LD, GS1's schema), all or nothing. Every event of the five EPCIS 2.0 types is kept as sent (every standard and extension field) with its CBV 2.0 hash, and queries answer it as captured. An event about the caller's own lots or items also becomes an event of that batch, in its hash chain and on its public page; one that names no lot of this registry is kept for the caller alone (unattachedEvents); one about another producer's lot is refused. 202 with the capture job; an event that cannot be stored is refused (400) with its index and why. Events whose eventID was captured before are skipped.")
            .Accepts<JsonElement>("application/ld+json", "application/json", "application/xml")
            .WithMetadata(new RequestSizeLimitAttribute(16 * 1024 * 1024))
            .Produces<CaptureJobResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .Idempotent();
        group.MapGet("/capture/{captureId:guid}", GetCapture).WithName("GetEpcisCaptureJob").RequireAuthorization(Policies.Producer)
            .WithSummary("A capture job's outcome (captures finish before their 202 is sent).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/events", QueryEvents).WithName("QueryEpcisEvents").AllowAnonymous().WithMetadata(new OptionalApiKey()).RequireRateLimiting(PublicSetup.RatePolicy)
            .WithSummary("A SimpleEventQuery: ObjectEvents (recorded events) and TransformationEvents (a batch made from others) matching eventType, GE_/LT_eventTime, GE_/LT_recordTime, EQ_bizStep, EQ_disposition, MATCH_anyEPC, MATCH_anyEPCClass, EQ_readPoint, EQ_bizLocation (list values separated by |), a page at a time (perPage, nextPageToken), as an EPCISQueryDocument. Without a key a query must name a lot (MATCH_anyEPCClass) or item (MATCH_anyEPC) and answers its public events, never an item's serial; with a producer's key, that producer's own events; a province authority's, its province's; a national authority's or the admin's, everyone's without serials.")
            .Produces<JsonElement>(StatusCodes.Status200OK, EpcisDocument.MediaType, EpcisXml.MediaType)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status429TooManyRequests);
        return api;
    }

    public static async Task<Accepted<CaptureJobResponse>> Capture(HttpContext context, ClaimsPrincipal user, EpcisRepository epcis,
        EpcisEventRepository kept, ItemRepository serials, EventRepository events, LotHolderRepository holders, LineageRepository lineage,
        IOptions<Hosting.QuotaOptions> quotas, RequestTransaction transaction, PublicLinks links, TimeProvider clock,
        [FromHeader(Name = "GS1-Capture-Error-Behaviour")] string? errorBehaviour, CancellationToken ct)
    {
        var mediaType = context.Request.ContentType?.Split(';')[0].Trim();
        if (mediaType is not ("application/ld+json" or "application/json" or EpcisXml.MediaType or "text/xml"))
            throw new BadHttpRequestException("Send the EPCISDocument as application/ld+json (or application/json), or as EPCIS 2.0 or 1.2 XML (application/xml).",
                StatusCodes.Status415UnsupportedMediaType);
        if (errorBehaviour is { Length: > 0 } b && b != "rollback")
            throw ValidationFailedException.For("GS1-Capture-Error-Behaviour", "Only rollback: a capture is stored all or nothing.");
        if (context.Request.Body.CanSeek) context.Request.Body.Position = 0;
        using var document = mediaType is EpcisXml.MediaType or "text/xml"
            ? await FromXmlAsync(context.Request.Body, ct)
            : await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: ct);
        var producerId = user.ToCaller().Id!.Value;
        var now = clock.GetUtcNow();
        var read = await EpcisCapture.ReadAsync(document.RootElement, producerId, links.Base, epcis, serials, holders, now, ct);
        var before = await epcis.CapturedAsync(producerId, read.Select(c => c.EventId).OfType<string>().ToList(), ct);
        var fresh = read.Where(c => c.EventId is null || !before.Contains(c.EventId)).ToList();
        var capture = new EpcisRepository.Capture(Guid.CreateVersion7(now), producerId, fresh.Count, read.Count - fresh.Count, now);
        var (connection, tx) = await transaction.BeginAsync(ct);
        var attached = fresh.Where(c => c.Event is not null).ToList();
        var recorded = await events.AppendAsync(connection, tx, attached.Select(c => c.Event!).ToList(), now, ct);
        var recordedOf = attached.Zip(recorded).ToDictionary(p => p.First.Index, p => p.Second);
        // A TransformationEvent about one's own lot records what it was made from, as a batch registered with its inputs.
        foreach (var c in attached.Where(c => c.Inputs.Count > 0))
            await lineage.LinkAsync(connection, tx, c.Event!.BatchId, producerId, c.Inputs, quotas.Value.ChildrenPerForeignBatch, ct);
        var stored = fresh.Select(c => new EpcisEventRepository.Stored(Guid.CreateVersion7(now), producerId, capture.Id, c.Kept.Type, c.Kept.EventTime,
            recordedOf.TryGetValue(c.Index, out var r) ? r.RecordedAt : SupplyChainEvent.Truncate(now.ToUniversalTime()), c.EventId, c.Kept.Hash, c.Event?.BatchId,
            recordedOf.TryGetValue(c.Index, out var row) ? row.Id : null, c.Kept.BizStep, c.Kept.Disposition, c.Kept.ReadPoint, c.Kept.BizLocation,
            c.Kept.Body, c.Kept.Namespaces) { Epcs = c.Kept.Epcs }).ToList();
        try
        {
            await epcis.RecordAsync(connection, tx, capture,
                fresh.Zip(stored).Where(p => p.First.EventId is not null).Select(p => (p.First.EventId!, p.Second.EventId ?? p.Second.Id)).ToList(), ct);
            await epcis.RecordFieldsAsync(connection, tx, attached.Select(c => (recordedOf[c.Index].Id, c.Sent!)).ToList(), ct);
            await kept.InsertAsync(connection, tx, stored, ct);
        }
        catch (Exception e) when (epcis.IsUniqueViolation(e))
        {
            throw new ConflictException("Another capture stored some of these eventIDs meanwhile; send the document again to capture the rest.");
        }
        context.Response.Headers[VersionHeader] = "2.0.0";
        return TypedResults.Accepted(ApiPaths.CaptureJob(capture.Id),
            CaptureJobResponse.From(capture, recorded.Select(x => x.Id).ToList(), fresh.Count - attached.Count));
    }

    /// <summary>An XML EPCISDocument, validated against GS1's XSDs, in its JSON form (then captured like JSON).</summary>
    private static async Task<JsonDocument> FromXmlAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, ct);
        var (xml, problems) = EpcisXml.Read(buffer.ToArray());
        if (xml is null)
            throw new ValidationFailedException(new Dictionary<string, string[]> { ["body"] = problems.Prepend("Not an EPCISDocument GS1's EPCIS XSDs accept:").ToArray() });
        return JsonDocument.Parse(xml.ToJsonString());
    }

    public static async Task<Ok<CaptureJobResponse>> GetCapture(Guid captureId, ClaimsPrincipal user, EpcisRepository epcis, CancellationToken ct)
    {
        var capture = await epcis.GetCaptureAsync(captureId, ct);
        if (capture is null || capture.ProducerId != user.ToCaller().Id) throw new NotFoundException("Capture job", captureId);
        return TypedResults.Ok(CaptureJobResponse.From(capture, null, null));
    }

    /// <summary>A SimpleEventQuery. <paramref name="parameters"/> are what the contract shows; the query is read from the
    /// request itself (<see cref="EpcisQuery"/>), where a list may also come as its parameter repeated and a parameter
    /// this API does not support is refused by name.</summary>
    public static async Task<ContentHttpResult> QueryEvents(HttpContext context, ClaimsPrincipal user, [AsParameters] EpcisQueryParameters parameters,
        EpcisAnswers answers, PublicLinks links, CancellationToken ct)
    {
        var caller = user.Identity?.IsAuthenticated == true ? user.ToCaller() : null;
        var (document, next) = await answers.AnswerAsync(caller?.Role, caller?.Id, context.Request.Query, ct);
        return Answer(context, document, next, links.Absolute(ApiPaths.EpcisEvents));
    }

    /// <summary>A query's answer, with the binding's headers: its version, and the next page (GS1-Next-Page-Token, and a
    /// Link with the same query and that token); JSON-LD, or EPCIS 2.0 XML when the client prefers it.</summary>
    public static ContentHttpResult Answer(HttpContext context, JsonObject document, string? next, string url)
    {
        context.Response.Headers[VersionHeader] = "2.0.0";
        context.Response.Headers[CbvVersionHeader] = "2.0.0";
        if (next is not null)
        {
            context.Response.Headers[NextPageHeader] = next;
            var others = context.Request.Query.Where(p => p.Key != "nextPageToken").SelectMany(p => p.Value.Select(v => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(v ?? "")}"));
            context.Response.Headers.Link = $"<{url}?{string.Join('&', others.Append($"nextPageToken={next}"))}>; rel=\"next\"";
        }
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Vary = "Accept";
        return WantsXml(context.Request)
            ? TypedResults.Content(EpcisXml.WriteQueryDocument(document), EpcisXml.MediaType, Encoding.UTF8)
            : TypedResults.Content(document.ToJsonString(Infrastructure.Json.Stored), EpcisDocument.MediaType, Encoding.UTF8);
    }

    /// <summary>XML when the client asks for it before (or instead of) JSON.</summary>
    private static bool WantsXml(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        double Quality(params string[] types) => accept.Where(a => types.Contains(a.MediaType.Value, StringComparer.OrdinalIgnoreCase))
            .Select(a => a.Quality ?? 1).DefaultIfEmpty(0).Max();
        var xml = Quality("application/xml", "text/xml");
        return xml > 0 && xml > Quality("application/json", "application/ld+json");
    }
}
