using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Traceability.Api.Auth;
using Traceability.Api.Idempotency;
using Traceability.Api.Wire;
using Traceability.Domain;
using Traceability.Domain.Events;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Events;

public static class EventEndpoints
{
    public static RouteGroupBuilder MapEventEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/event-types", ListEventTypes).WithTags("Events").AllowAnonymous().RequireRateLimiting(PublicRecords.PublicSetup.RatePolicy).WithName("ListEventTypes")
            .WithSummary("The supply-chain steps, with Vietnamese and English labels and their GS1 CBV 2.0 bizStep.")
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        var batch = api.MapGroup("/batches/{id:guid}").WithTags("Events").RequireAuthorization(Policies.Any);
        batch.MapPost("/events", AppendEvent).RequireScope(KeyScopes.EventsWrite).WithName("AppendEvent").RequireAuthorization(Policies.Producer)
            .WithSummary("Record a supply-chain event of one of the caller's batches. Events are append-only: fix a mistake with a new event that `corrects` it.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).Idempotent();
        batch.MapGet("/events", ListEvents).WithName("ListEvents")
            .WithSummary("A batch's events in recorded (hash-chain) order, a page at a time (owner, authority, admin).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        batch.MapGet("/events/{eventId:guid}", GetEvent).WithName("GetEvent")
            .WithSummary("One event of a batch (owner, authority, admin).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        batch.MapGet("/verification", VerifyChain).WithName("VerifyChain")
            .WithSummary("Recomputes the batch's hash chain: valid, the event count, the head hash, and the first sequence that fails.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/events", AppendEvents).RequireScope(KeyScopes.EventsWrite).WithTags("Events").RequireAuthorization(Policies.Producer).WithName("AppendEvents")
            .WithSummary($"Sync up to 1000 events across the caller's batches, all or nothing (an app that collected them offline).")
            .WithMetadata(new RequestSizeLimitAttribute(16 * 1024 * 1024))
            .ProducesValidationProblem().Idempotent();
        return api;
    }

    public static Ok<IReadOnlyList<EventTypeResponse>> ListEventTypes() =>
        TypedResults.Ok<IReadOnlyList<EventTypeResponse>>(EventTypes.All.Select(EventTypeResponse.From).ToList());

    public static async Task<Created<EventResponse>> AppendEvent(
        Guid id, EventRequest request, ClaimsPrincipal user, BatchRepository batches, EventRepository events, ItemRepository serials,
        LotHolderRepository holders, ProducerRepository producers, RequestTransaction transaction, TimeProvider clock, CancellationToken ct)
    {
        var (_, held) = await batches.LoadForEventsAsync(id, user, holders, ct);
        var now = clock.GetUtcNow();
        var v = new FieldErrors();
        var e = EventInput.Read(request, id, now, v, "");
        v.ThrowIfInvalid();
        e = (await Handovers.CheckAsync([e!], user.ToCaller().Id!.Value, held ? new HashSet<Guid> { id } : new HashSet<Guid>(), producers,
            (_, member) => member, ct))[0];
        await CheckCorrectionsAsync([e!], events, _ => "corrects", ct);
        await CheckItemsAsync([e!], serials, _ => "items", ct);
        var (connection, tx) = await transaction.BeginAsync(ct);
        var recorded = (await events.AppendAsync(connection, tx, [e!], now, ct))[0];
        return TypedResults.Created(ApiPaths.Event(id, recorded.Id), EventResponse.From(recorded));
    }

    public static async Task<Created<BulkEventsResponse>> AppendEvents(
        BulkEventsRequest request, ClaimsPrincipal user, BatchRepository batches, EventRepository events, ItemRepository serials,
        LotHolderRepository holders, ProducerRepository producers, RequestTransaction transaction, TimeProvider clock, CancellationToken ct)
    {
        var v = new FieldErrors();
        var list = request.Events ?? [];
        if (list.Count is 0 or > EventInput.MaxBulk) v.Add("events", $"Between 1 and {EventInput.MaxBulk} events.");
        v.ThrowIfInvalid();
        var producerId = user.ToCaller().Id!.Value;
        var named = list.Select(e => e?.BatchId).OfType<Guid>().ToList();
        var owned = await batches.OwnedAsync(producerId, named, ct);
        var held = await holders.HeldAsync(producerId, named.Where(b => !owned.Contains(b)).ToList(), ct);
        var now = clock.GetUtcNow();
        var accepted = new List<NewEvent>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            var prefix = $"events[{i}].";
            if (list[i] is not { } item) { v.Add($"events[{i}]", "Required."); continue; }
            if (item.BatchId is not { } batchId) { v.Add(prefix + "batchId", "Required."); continue; }
            if (!owned.Contains(batchId) && !held.Contains(batchId)) { v.Add(prefix + "batchId", "None of your batches, or of the lots shipped to you, has this id."); continue; }
            if (EventInput.Read(item.ToEvent(), batchId, now, v, prefix) is { } e) accepted.Add(e);
        }
        v.ThrowIfInvalid();
        accepted = [.. await Handovers.CheckAsync(accepted, producerId, held, producers, (i, member) => $"events[{i}].{member}", ct)];
        await CheckCorrectionsAsync(accepted, events, i => $"events[{i}].corrects", ct);
        await CheckItemsAsync(accepted, serials, i => $"events[{i}].items", ct);
        var (connection, tx) = await transaction.BeginAsync(ct);
        var recorded = await events.AppendAsync(connection, tx, accepted, now, ct);
        return TypedResults.Created(ApiPaths.Events, new BulkEventsResponse(recorded.Select(EventResponse.From).ToList()));
    }

    /// <summary>A correction must name an event already recorded for the same batch.</summary>
    private static async Task CheckCorrectionsAsync(IReadOnlyList<NewEvent> incoming, EventRepository events, Func<int, string> field, CancellationToken ct)
    {
        var ids = incoming.Where(e => e.Corrects is not null).Select(e => e.Corrects!.Value).Distinct().ToList();
        if (ids.Count == 0) return;
        var batchOf = await events.BatchesOfAsync(ids, ct);
        var v = new FieldErrors();
        for (var i = 0; i < incoming.Count; i++)
            if (incoming[i].Corrects is { } c && (!batchOf.TryGetValue(c, out var b) || b != incoming[i].BatchId))
                v.Add(field(i), "No earlier event of this batch has this id.");
        v.ThrowIfInvalid();
    }

    /// <summary>An event names only items issued for its own batch.</summary>
    private static async Task CheckItemsAsync(IReadOnlyList<NewEvent> incoming, ItemRepository serials, Func<int, string> field, CancellationToken ct)
    {
        var named = incoming.SelectMany(e => e.Items).ToList();
        if (named.Count == 0) return;
        var batchOf = await serials.BatchesOfAsync(named, ct);
        var v = new FieldErrors();
        for (var i = 0; i < incoming.Count; i++)
            for (var k = 0; k < incoming[i].Items.Count; k++)
                if (!batchOf.TryGetValue(incoming[i].Items[k], out var b) || b != incoming[i].BatchId)
                    v.Add($"{field(i)}[{k}]", "Not a serial issued for this batch.");
        v.ThrowIfInvalid();
    }

    public static async Task<Ok<PageResponse<EventResponse>>> ListEvents(
        Guid id, ClaimsPrincipal user, BatchRepository batches, EventRepository events, ProducerRepository producers, AuthorityRepository authorities,
        LotHolderRepository holders, string? cursor, int? limit, CancellationToken ct)
    {
        var batch = await batches.LoadForReadingAsync(id, user, holders, ct);
        var (after, size) = Cursor.Read(cursor, limit);
        var page = await events.ListAsync(id, after, size, ct);
        var serials = await user.SeesItemSerialsAsync(batch.ProducerId, producers, authorities, ct);
        return TypedResults.Ok(page.ToResponse<SupplyChainEvent, EventResponse>(serials ? EventResponse.From : EventResponse.Public));
    }

    public static async Task<Ok<EventResponse>> GetEvent(
        Guid id, Guid eventId, ClaimsPrincipal user, BatchRepository batches, EventRepository events, ProducerRepository producers,
        AuthorityRepository authorities, LotHolderRepository holders, CancellationToken ct)
    {
        var batch = await batches.LoadForReadingAsync(id, user, holders, ct);
        var e = await events.GetAsync(id, eventId, ct) ?? throw new NotFoundException("Event", eventId);
        return TypedResults.Ok(await user.SeesItemSerialsAsync(batch.ProducerId, producers, authorities, ct) ? EventResponse.From(e) : EventResponse.Public(e));
    }

    public static async Task<Ok<VerificationResponse>> VerifyChain(
        Guid id, ClaimsPrincipal user, BatchRepository batches, EventRepository events, LotHolderRepository holders, CancellationToken ct)
    {
        _ = await batches.LoadForReadingAsync(id, user, holders, ct);
        var chain = await events.ChainAsync(id, ct);
        var firstInvalid = HashChain.FirstInvalid(chain);
        return TypedResults.Ok(new VerificationResponse(firstInvalid is null, chain.Count, chain.Count > 0 ? chain[^1].Hash : null, firstInvalid));
    }
}
