using Microsoft.Extensions.Options;
using Traceability.Api.Setup;
using Traceability.Domain;
using Traceability.Domain.Events;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Public;

/// <summary>Walks every batch now and then (Traceability:ChainAuditMinutes, 0 = never) and rewrites the stored public
/// records that no request refreshed: a record not written yet (new database, demo, bulk import), one written before
/// today (a certification may have expired overnight), one whose chain no longer verifies because a stored event was
/// changed behind the API's back (so that shoppers see the warning), and one behind its chain's head.</summary>
public sealed class ChainAuditor(
    PublicRecordStore store, EventRepository events, RecordProjector projector, TimeProvider clock,
    IOptions<TraceabilityOptions> options, Infrastructure.Database db, ILogger<ChainAuditor> logger) : BackgroundService
{
    private const int PageSize = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var minutes = options.Value.ChainAuditMinutes;
        if (minutes <= 0) return;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                try { await AuditOnceAsync(stoppingToken); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    if (db.Fault(e) is { } cause) logger.LogWarning("The chain audit pass failed ({Cause}); it runs again later", cause);
                    else logger.LogWarning(e, "The chain audit pass failed; it runs again later");
                }
                await Task.Delay(TimeSpan.FromMinutes(minutes), stoppingToken);
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>One pass over every batch; returns how many stored records it rewrote.</summary>
    public async Task<int> AuditOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var startOfToday = new DateTimeOffset(VietnamTime.Today(now).ToDateTime(TimeOnly.MinValue), VietnamTime.Offset);
        var rewritten = 0;
        long after = 0;
        while (true)
        {
            var page = await store.AuditPageAsync(after, PageSize, ct);
            if (page.Count == 0) break;
            foreach (var item in page)
            {
                var stale = item.ChainValid is null || item.RefreshedAt < startOfToday || await ChainDiffers(item, ct);
                if (!stale) continue;
                await projector.RefreshAsync(item.Code, ct);
                rewritten++;
            }
            after = page[^1].Seq;
        }
        if (rewritten > 0) logger.LogInformation("Chain audit rewrote {Count} public records", rewritten);
        return rewritten;
    }

    /// <summary>The stored record says otherwise than the chain now: it was changed, or events were recorded by a process
    /// that stopped before it could rewrite the record.</summary>
    private async Task<bool> ChainDiffers(PublicRecordStore.AuditItem item, CancellationToken ct)
    {
        var chain = await events.ChainAsync(item.BatchId, ct);
        return (HashChain.FirstInvalid(chain) is null) != item.ChainValid || (chain.Count > 0 ? chain[^1].Hash : null) != item.HeadHash;
    }
}
