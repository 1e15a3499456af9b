using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Recalls;

/// <summary>Finishes recalls and withdrawals that reach more batches than a request marks itself: one bounded step at a
/// time (<see cref="RecallRepository.StepAsync"/>, each its own short transaction), oldest recall first, paced to half
/// the write lock, so other writers wait a moment at most. The work is in the database, so a process that dies leaves it for the next to resume; one
/// process at a time works it, under a lease. Woken at once when a request leaves work, and every few seconds anyway.</summary>
public sealed class RecallPropagator(RecallRepository recalls, LeaseRepository leases, TimeProvider clock, Infrastructure.Database db,
    ILogger<RecallPropagator> logger) : BackgroundService
{
    public const string LeaseName = "recalls";
    private static readonly TimeSpan LeaseFor = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(2);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly string _holder = $"{Environment.ProcessId}/{Guid.NewGuid():N}/{Environment.MachineName}" is var h && h.Length > 100 ? h[..100] : h;

    /// <summary>A request left a recall with work to do.</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0) try { _wake.Release(); } catch (SemaphoreFullException) { }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try { await RunOnceAsync(stoppingToken); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    if (db.Fault(e) is { } cause) logger.LogWarning("Recall propagation paused ({Cause}); it resumes where it stopped", cause);
                    else logger.LogWarning(e, "Recall propagation failed; it resumes where it stopped");
                }
                await _wake.WaitAsync(Idle, stoppingToken);
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Works every pending recall to its end, if this process holds (or can take) the lease; returns the steps taken.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        if ((await recalls.PendingAsync(1, ct)).Count == 0) return 0;
        if (!await leases.TryAcquireAsync(LeaseName, _holder, clock.GetUtcNow(), LeaseFor, ct)) return 0;
        var steps = 0;
        try
        {
            while (await recalls.PendingAsync(10, ct) is { Count: > 0 } pending)
            {
                foreach (var seq in pending)
                    while (true)
                    {
                        var started = System.Diagnostics.Stopwatch.GetTimestamp();
                        if (await recalls.StepAsync(seq, clock.GetUtcNow(), ct) == 0) break;
                        // Paced to half the write lock: other writers (a phone's sync, an append) get in between steps.
                        await Task.Delay(System.Diagnostics.Stopwatch.GetElapsedTime(started), ct);
                        if (++steps % 50 == 0 && !await leases.TryAcquireAsync(LeaseName, _holder, clock.GetUtcNow(), LeaseFor, ct)) return steps;
                    }
                if (!await leases.TryAcquireAsync(LeaseName, _holder, clock.GetUtcNow(), LeaseFor, ct)) return steps;
            }
        }
        finally { await leases.ReleaseAsync(LeaseName, _holder, CancellationToken.None); }
        return steps;
    }
}
