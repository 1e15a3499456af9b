using System.Text.Json;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Epcis;

/// <summary>A named query, as the EPCIS 2.0 REST binding creates it: its name and its SimpleEventQuery parameters (each a
/// value or a list of values).</summary>
public sealed record CreateQueryRequest(string? Name, Dictionary<string, JsonElement>? Query)
{
    public const int MaxName = 100;

    /// <summary>The name and the parameters as a query string; the checks of the query itself are the query's own.</summary>
    public (string Name, string Parameters) Validate()
    {
        var v = new FieldErrors();
        var name = v.Required("name", Name, MaxName);
        if (name.Length > 0 && !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            v.Add("name", "Letters, digits, '-', '_' and '.' only: it is part of the query's URL.");
        var pairs = new List<string>();
        if (Query is null || Query.Count == 0) v.Add("query", "Required: the SimpleEventQuery's parameters, e.g. {\"eventType\": [\"ObjectEvent\"], \"MATCH_anyEPCClass\": [\"…\"]}.");
        foreach (var (key, value) in Query ?? [])
        {
            if (key is "perPage" or "nextPageToken") { v.Add($"query.{key}", "Paging is the reader's, not the query's."); continue; }
            var values = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToList() : [value];
            foreach (var item in values)
                if (item.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                    pairs.Add($"{Uri.EscapeDataString(key)}={Uri.EscapeDataString(item.ValueKind == JsonValueKind.String ? item.GetString()! : item.GetRawText())}");
                else v.Add($"query.{key}", "A value or a list of values.");
        }
        var parameters = string.Join('&', pairs);
        if (parameters.Length > 4000) v.Add("query", "At most 4,000 characters of parameters.");
        v.ThrowIfInvalid();
        return (name, parameters);
    }
}

public sealed record QueryResponse(string Name, IReadOnlyDictionary<string, IReadOnlyList<string>> Query, DateTimeOffset CreatedAt, string EventsUrl)
{
    public static QueryResponse From(EpcisQueryRepository.Query q, string eventsUrl) =>
        new(q.Name, Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(q.Parameters)
            .ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value.Select(x => x ?? "").ToList()), q.CreatedAt, eventsUrl);
}

/// <summary>A subscription to a named query, as the binding makes one: where its results go (dest, an https URL checked
/// like a webhook's), stream (after each capture) or a schedule, reportIfEmpty, and from which record time
/// (initialRecordTime; now when left out).</summary>
public sealed record SubscribeRequest(string? Dest, bool? Stream, Dictionary<string, string?>? Schedule, bool? ReportIfEmpty, DateTimeOffset? InitialRecordTime);

/// <summary>A subscription; <paramref name="Secret"/> (shown once, at its creation) signs its deliveries, which are those
/// of webhook <paramref name="WebhookId"/> (GET /api/v1/webhooks/{id}/deliveries).</summary>
public sealed record SubscriptionResponse(string SubscriptionID, string QueryName, string Dest, bool Stream, QuerySchedule? Schedule, bool ReportIfEmpty,
    DateTimeOffset DeliveredUntil, Guid WebhookId, DateTimeOffset CreatedAt, string? Secret)
{
    public static SubscriptionResponse From(EpcisQueryRepository.Subscription s, string queryName, string dest, string? secret) =>
        new(s.Id.ToString(), queryName, dest, s.Stream, s.Schedule is { } json ? QuerySchedule.FromJson(json) : null, s.ReportIfEmpty, s.Cursor, s.WebhookId,
            s.CreatedAt, secret);
}

/// <summary>What a subscription delivers (webhook kind epcis.query_results): the query's name, the subscription, the
/// record times the results cover, and the EPCISQueryDocument.</summary>
public sealed record QueryResultsData(string QueryName, string SubscriptionID, DateTimeOffset From, DateTimeOffset Until, JsonElement EpcisQueryDocument);
