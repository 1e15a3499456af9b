using System.Collections.Concurrent;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Public;

/// <summary>Counts page views in memory so that counting never slows the page; <see cref="ScanFlusher"/> writes the
/// tallies to the database at least once a second and at shutdown. Only a batch id and times are kept: no address,
/// no user agent.</summary>
public sealed class ScanCounter
{
    private ConcurrentDictionary<Guid, Tally> _pending = new();

    private sealed class Tally(DateTimeOffset first)
    {
        public long Count;
        public DateTimeOffset First { get; } = first;
        public DateTimeOffset Last = first;
    }

    public void Record(Guid batchId, DateTimeOffset now)
    {
        var tally = _pending.GetOrAdd(batchId, static (_, t) => new Tally(t), now);
        Interlocked.Increment(ref tally.Count);
        lock (tally) if (now > tally.Last) tally.Last = now;
    }

    /// <summary>Scans of a batch not yet written, to add to what the database holds.</summary>
    public (long Count, DateTimeOffset? First) Pending(Guid batchId) =>
        _pending.TryGetValue(batchId, out var t) ? (Interlocked.Read(ref t.Count), t.First) : (0, null);

    /// <summary>Takes everything counted so far; what a failed write returns goes back with <see cref="Restore"/>.</summary>
    public List<ScanRepository.Tally> Drain()
    {
        var taken = Interlocked.Exchange(ref _pending, new ConcurrentDictionary<Guid, Tally>());
        return taken.Select(p => new ScanRepository.Tally(p.Key, Interlocked.Read(ref p.Value.Count), p.Value.First, p.Value.Last)).ToList();
    }

    public void Restore(IEnumerable<ScanRepository.Tally> tallies)
    {
        foreach (var t in tallies)
        {
            var tally = _pending.GetOrAdd(t.BatchId, static (_, first) => new Tally(first), t.First);
            Interlocked.Add(ref tally.Count, t.Count);
            lock (tally) if (t.Last > tally.Last) tally.Last = t.Last;
        }
    }
}

/// <summary>Writes the counted scans every second, and once more when the API stops.</summary>
public sealed class ScanFlusher(ScanCounter counter, ScanRepository scans, ILogger<ScanFlusher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await FlushAsync(CancellationToken.None);
        }
        catch (OperationCanceledException) { }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(CancellationToken.None);
    }

    public async Task FlushAsync(CancellationToken ct)
    {
        var tallies = counter.Drain();
        if (tallies.Count == 0) return;
        try
        {
            await scans.AddAsync(tallies, ct);
        }
        catch (Exception e)
        {
            counter.Restore(tallies);
            logger.LogWarning(e, "Could not write {Count} scan tallies; they are kept for the next flush", tallies.Count);
        }
    }
}
