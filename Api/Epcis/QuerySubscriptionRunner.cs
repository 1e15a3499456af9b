using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Traceability.Infrastructure;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Epcis;

/// <summary>Settings of the EPCIS query subscriptions (section Epcis).</summary>
public sealed class EpcisOptions
{
    /// <summary>Whether this process runs subscriptions (every process may: each subscription is leased to one).</summary>
    public bool RunSubscriptions { get; set; } = true;

    /// <summary>How often due subscriptions are looked for: a stream's results go out within about this, plus the settle time.</summary>
    public int SubscriptionPollMilliseconds { get; set; } = 1000;

    /// <summary>A run covers record times up to this long ago, so that a write still committing is not passed over.</summary>
    public int SettleSeconds { get; set; } = 2;
}

/// <summary>Runs the query subscriptions: each due one (a stream at every look, a scheduled one at its times) runs its
/// query as its owner over the record times since it last delivered, and its results (a message of up to 500 events a
/// page; an empty one only when reportIfEmpty asks, for a scheduled subscription) are queued for its webhook in the same
/// transaction that moves its cursor, so each result is queued once. Delivery is the webhooks' (signing, retries, SSRF
/// rules, deliveries log).</summary>
public sealed class QuerySubscriptionRunner(EpcisQueryRepository queries, EpcisAnswers answers, Database db, TimeProvider clock,
    IOptions<EpcisOptions> options, ILogger<QuerySubscriptionRunner> logger) : BackgroundService
{
    public const int PageSize = 500;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private string? _lastFault;

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        if (!options.Value.RunSubscriptions) return;
        await Task.Yield();
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stopping);
                if (_lastFault is not null) logger.LogInformation("EPCIS subscriptions resumed: the database is back.");
                _lastFault = null;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                var fault = db.Fault(e);
                if (fault is not null && fault != _lastFault) logger.LogWarning("EPCIS subscriptions paused: the database is unavailable ({Cause}).", fault);
                else if (fault is null) logger.LogError(e, "EPCIS subscription runner failed; retrying.");
                _lastFault = fault;
            }
            try { await Task.Delay(options.Value.SubscriptionPollMilliseconds, stopping); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>One look: every due subscription this process could lease, run.</summary>
    public async Task RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        foreach (var due in await queries.ClaimAsync(now, Lease, ct))
        {
            try
            {
                await RunAsync(due, now, ct);
            }
            catch (Exception e) when (db.Fault(e) is null && e is not OperationCanceledException)
            {
                // Its lease runs out and it is tried again; the query is the owner's to fix (or delete).
                logger.LogWarning("EPCIS subscription {Id} to query '{Name}' failed: {Message}", due.Subscription.Id, due.Query.Name, e.Message);
            }
        }
    }

    private async Task RunAsync(EpcisQueryRepository.Due due, DateTimeOffset now, CancellationToken ct)
    {
        var (s, q) = (due.Subscription, due.Query);
        var schedule = s.Schedule is { } json ? QuerySchedule.FromJson(json) : null;
        var nextRun = s.Stream ? now : schedule?.Next(now) ?? DateTimeOffset.MaxValue.AddYears(-1);
        var until = now - TimeSpan.FromSeconds(options.Value.SettleSeconds);
        if (until <= s.Cursor)
        {
            await queries.AdvanceAsync(s, [], s.Cursor, nextRun, now, ct);
            return;
        }
        var results = new List<object>();
        string? token = null;
        do
        {
            var parameters = EpcisQueryEndpoints.Parse(q.Parameters, "GE_recordTime", Iso(s.Cursor), "LT_recordTime", Iso(until), "perPage",
                PageSize.ToString(CultureInfo.InvariantCulture));
            if (token is not null) parameters["nextPageToken"] = token;
            var (document, next) = await answers.AnswerAsync(q.OwnerRole, q.OwnerId, new QueryCollection(parameters), ct);
            if (Events(document).Count > 0 || (results.Count == 0 && next is null && s.ReportIfEmpty && !s.Stream))
                results.Add(new QueryResultsData(q.Name, s.Id.ToString(), s.Cursor, until, JsonSerializer.SerializeToElement(document)));
            token = next;
        } while (token is not null);
        await queries.AdvanceAsync(s, results, until, nextRun, now, ct);
    }

    private static JsonArray Events(JsonObject document) => document["epcisBody"]!["queryResults"]!["resultsBody"]!["eventList"]!.AsArray();

    private static string Iso(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
