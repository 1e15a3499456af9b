using System.Text.Json.Nodes;
using Traceability.Api.PublicRecords.Building;
using Traceability.Domain.Events;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Epcis;

/// <summary>A page of a SimpleEventQuery's events, as EPCIS JSON. Each event's eventID and errorDeclaration depend on
/// the events of its batch that it corrects or that correct it, so the page's batches are read whole: in five
/// statements whatever the number of batches (the batches, their products, their inputs, their chains, the fields
/// partners sent). Only the events the page shows, and those their eventIDs and errorDeclarations name, are written and
/// hashed (<see cref="Needed"/>): a page costs its own events, not its batches' whole chains.</summary>
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
        var chains = await events.ChainsAsync(ids, ct);
        var sent = await epcis.FieldsOfBatchesAsync(ids, ct);
        var now = clock.GetUtcNow();
        var list = new JsonArray();
        foreach (var group in matches.GroupBy(m => m.BatchId))
        {
            if (!found.TryGetValue(group.Key, out var batch) || !productsOf.TryGetValue(batch.ProductId, out var product)) continue;
            var wanted = group.Select(m => m.Sequence).ToHashSet();
            var whole = EpcisDocument.Build(links.Base, batch, product, parents[batch.Id].ToList(), Needed(chains[batch.Id].ToList(), wanted), now,
                withItems, sent);
            foreach (var node in whole["epcisBody"]!["eventList"]!.AsArray())
                if (node!["type"]!.GetValue<string>() == "TransformationEvent" ? wanted.Contains(0) : wanted.Contains(node["ocop:sequence"]!.GetValue<long>()))
                    list.Add(node.DeepClone());
        }
        return (list, next);
    }

    /// <summary>The events of a batch's chain that the page's events need: themselves, the events that correct them (their
    /// errorDeclaration names those corrections' eventIDs), and every event these correct, up the chain (a correction's
    /// eventID is the hash of an event naming the eventID of the one it corrects). In chain order, as the chain was.</summary>
    public static IReadOnlyList<SupplyChainEvent> Needed(IReadOnlyList<SupplyChainEvent> chain, IReadOnlySet<long> wanted)
    {
        var byId = chain.ToDictionary(e => e.Id);
        var needed = new HashSet<Guid>();
        foreach (var e in chain)
            if (wanted.Contains(e.Sequence) || (e.Corrects is { } c && byId.TryGetValue(c, out var corrected) && wanted.Contains(corrected.Sequence)))
                for (var x = e; x is not null && needed.Add(x.Id);)
                    x = x.Corrects is { } up ? byId.GetValueOrDefault(up) : null;
        return needed.Count == chain.Count ? chain : chain.Where(e => needed.Contains(e.Id)).ToList();
    }
}
