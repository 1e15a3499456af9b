using System.Text.Json.Nodes;
using Traceability.Api.PublicRecords.Building;
using Traceability.Domain.Events;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Epcis;

/// <summary>A page of a SimpleEventQuery's events, as EPCIS JSON. Each event's eventID and errorDeclaration depend on
/// the events of its batch that it corrects or that correct it, so a page reads its events, the events correcting them
/// and the events they correct (<see cref="NeededAsync"/>), by key, with their batches, products, inputs and the fields
/// partners sent: a page costs its own events, not its batches' whole chains (a 30-event page across 30 batches read
/// ~6,000 events when it read the chains).</summary>
public sealed class EpcisEventPage(EpcisRepository epcis, BatchRepository batches, ProductRepository products, LineageRepository lineage,
    EventRepository events, EpcisEventRepository kept, PublicLinks links, TimeProvider clock)
{
    /// <summary>A page of the query: the batches' own events first, then the events kept as captured (see
    /// <see cref="EpcisQuery.Read"/>), with the token of the next page (null: none) and the namespaces the kept events use.</summary>
    public async Task<(JsonArray Events, string? Next, JsonObject? Namespaces)> ReadAsync(EpcisQuery.Read query, bool withItems, CancellationToken ct)
    {
        var list = new JsonArray();
        var answer = new EpcisKeeping.Answer();
        var room = query.PerPage;
        if (query.Filter is { } filter)
        {
            var (own, next) = await ReadAsync(filter, query.After, query.PerPage, withItems, ct);
            if (next is not null || query.Kept is null) return (own, next, null);
            room -= own.Count;
            list = own;
        }
        if (query.Kept is not { } keptFilter) return (list, null, null);
        var found = await kept.QueryAsync(keptFilter, query.KeptAfter, room + 1, ct);
        string? more = null;
        if (found.Count > room)
        {
            found = found.Take(room).ToList();
            more = EpcisQuery.KeptToken(found.Count > 0 ? found[^1].Seq : query.KeptAfter);
        }
        foreach (var k in found) list.Add(answer.Render(k));
        return (list, more, answer.Context);
    }

    /// <summary>The matching events after <paramref name="after"/>, at most <paramref name="perPage"/>, and the token of the
    /// next page (null: none).</summary>
    public async Task<(JsonArray Events, string? Next)> ReadAsync(EpcisRepository.Filter filter, (long BatchSeq, long Sequence) after, int perPage,
        bool withItems, CancellationToken ct)
    {
        var matches = await epcis.QueryAsync(filter, after, perPage + 1, ct);
        string? next = null;
        if (matches.Count > perPage)
        {
            matches = matches.Take(perPage).ToList();
            next = EpcisQuery.Token(matches[^1]);
        }
        var ids = matches.Select(m => m.BatchId).Distinct().ToList();
        var found = await batches.GetManyAsync(ids, ct);
        var productsOf = await products.GetManyAsync(found.Values.Select(b => b.ProductId).Distinct().ToList(), ct);
        var parents = await lineage.ParentsOfManyAsync(ids, ct);
        var needed = await NeededAsync(matches.Select(m => m.EventId).OfType<Guid>().ToList(), ct);
        var sent = await epcis.FieldsOfEventsAsync(needed.Keys, ct);
        var chains = needed.Values.OrderBy(e => e.Sequence).ToLookup(e => e.BatchId);
        var now = clock.GetUtcNow();
        var list = new JsonArray();
        foreach (var group in matches.GroupBy(m => m.BatchId))
        {
            if (!found.TryGetValue(group.Key, out var batch) || !productsOf.TryGetValue(batch.ProductId, out var product)) continue;
            var wanted = group.Select(m => m.Sequence).ToHashSet();
            var part = EpcisDocument.Build(links.Base, batch, product, parents[batch.Id].ToList(), chains[batch.Id].ToList(), now, withItems, sent);
            foreach (var node in part["epcisBody"]!["eventList"]!.AsArray())
                if (node!["type"]!.GetValue<string>() == "TransformationEvent" ? wanted.Contains(0) : wanted.Contains(node["ocop:sequence"]!.GetValue<long>()))
                    list.Add(node.DeepClone());
        }
        return (list, next);
    }

    /// <summary>What the page's events need, by id: themselves, the events correcting them (their errorDeclaration names
    /// those corrections' eventIDs), and every event these correct, up the chain (a correction's eventID is the hash of an
    /// event naming the eventID of the one it corrects). Read by key, not as their batches' whole chains.</summary>
    private async Task<Dictionary<Guid, SupplyChainEvent>> NeededAsync(IReadOnlyCollection<Guid> shown, CancellationToken ct)
    {
        var needed = (await events.ManyAsync(shown, corrections: false, ct)).ToDictionary(e => e.Id);
        foreach (var c in await events.ManyAsync(shown, corrections: true, ct)) needed.TryAdd(c.Id, c);
        while (needed.Values.Select(e => e.Corrects).OfType<Guid>().Where(c => !needed.ContainsKey(c)).Distinct().ToList() is { Count: > 0 } missing)
        {
            var more = await events.ManyAsync(missing, corrections: false, ct);
            if (more.Count == 0) break;
            foreach (var e in more) needed.TryAdd(e.Id, e);
        }
        return needed;
    }
}
