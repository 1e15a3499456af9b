using Microsoft.Extensions.Options;
using Traceability.Api.Hosting;
using Traceability.Domain.Events;
using Traceability.Infrastructure.PublicRecords;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.PublicRecords.Freshness;

/// <summary>Verifies each batch's hash chain incrementally (Traceability:ChainAuditMinutes, 0 = never): every pass
/// reads only the events appended since the last event it verified for that batch, checks that they continue the
/// chain from that event's hash, and records the new head. A break is logged once and remembered (the batch's page
/// shows it: its build verifies the whole chain). One process at a time runs it, under a lease in the database.
/// It is separate from keeping records current: a change to a stored event marks the record stale by itself.</summary>
public sealed class ChainAudit(
    ChainAuditRepository audits, EventRepository events, LeaseRepository leases, TimeProvider clock,
    IOptions<TraceabilityOptions> options, Infrastructure.Database db, ILogger<ChainAudit> logger) : BackgroundService
{
    public const string LeaseName = "chain-audit";
    private const int PageSize = 500;
    private const int EventPage = 1000;
    private readonly string _holder = $"{Environment.ProcessId}/{Guid.NewGuid():N}/{Environment.MachineName}" is var h && h.Length > 100 ? h[..100] : h;

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

    /// <summary>What one pass did: events verified, and batches whose chain was found broken.</summary>
    public sealed record Pass(bool Ran, long EventsVerified, int Broken);

    /// <summary>One pass, if this process holds (or can take) the lease; otherwise another process is auditing.</summary>
    public async Task<Pass> AuditOnceAsync(CancellationToken ct)
    {
        var leaseFor = TimeSpan.FromMinutes(Math.Max(5, options.Value.ChainAuditMinutes));
        if (!await leases.TryAcquireAsync(LeaseName, _holder, clock.GetUtcNow(), leaseFor, ct)) return new Pass(false, 0, 0);
        long verified = 0;
        var broken = 0;
        try
        {
            long after = 0;
            while (await audits.PendingAsync(after, PageSize, ct) is { Count: > 0 } page)
            {
                foreach (var batch in page)
                {
                    var (count, brokenAt) = await VerifyAsync(batch, ct);
                    verified += count;
                    if (brokenAt is not null) broken++;
                }
                after = page[^1].Seq;
                // Renew as we go: a long first pass over millions of events must not lose the lease half-way.
                if (!await leases.TryAcquireAsync(LeaseName, _holder, clock.GetUtcNow(), leaseFor, ct)) break;
            }
        }
        finally { await leases.ReleaseAsync(LeaseName, _holder, CancellationToken.None); }
        if (broken > 0) logger.LogWarning("Chain audit: {Count} batches have a broken hash chain", broken);
        return new Pass(true, verified, broken);
    }

    private async Task<(long Verified, long? BrokenAt)> VerifyAsync(ChainAuditRepository.Pending batch, CancellationToken ct)
    {
        var (sequence, hash) = (batch.Sequence, batch.Hash);
        long verified = 0;
        while (true)
        {
            var page = await events.ListAsync(batch.BatchId, sequence, EventPage, ct);
            if (page.Items.Count == 0) break;
            if (HashChain.FirstInvalid(page.Items, sequence, hash) is { } brokenAt)
            {
                logger.LogWarning("Chain audit: the hash chain of batch {Code} breaks at event {Sequence}", batch.Code, brokenAt);
                await audits.RecordAsync(batch.BatchId, sequence, hash, brokenAt, ct);
                return (verified, brokenAt);
            }
            (sequence, hash) = (page.Items[^1].Sequence, page.Items[^1].Hash);
            verified += page.Items.Count;
            if (page.After is null) break;
        }
        await audits.RecordAsync(batch.BatchId, sequence, hash, null, ct);
        return (verified, null);
    }
}
