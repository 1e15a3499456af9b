using System.Collections.Concurrent;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Public;

/// <summary>Counts page views in memory so that counting never slows the page; <see cref="ScanFlusher"/> writes the
/// tallies to the database at least once a second and at shutdown. Only a batch id and times are kept: no address,
/// no user agent.</summary>
public sealed class ScanCounter
{
    private ConcurrentDictionary<Guid, Tally> _pending = new();
    // Drained tallies until their chunk is written: still shown, so a count never dips while a flush runs.
    private readonly ConcurrentDictionary<Guid, ScanRepository.Tally> _inFlight = new();

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
    public (long Count, DateTimeOffset? First) Pending(Guid batchId)
    {
        var (count, first) = _inFlight.TryGetValue(batchId, out var f) ? (f.Count, (DateTimeOffset?)f.First) : (0, null);
        return _pending.TryGetValue(batchId, out var t) ? (count + Interlocked.Read(ref t.Count), first ?? t.First) : (count, first);
    }

    /// <summary>Takes everything counted so far; <see cref="Written"/> or <see cref="Restore"/> settles each tally.</summary>
    public List<ScanRepository.Tally> Drain()
    {
        // Sized like the last second's: growing a ConcurrentDictionary locks every bucket, and a busy second's
        // dictionary grew through a dozen sizes while views waited to count.
        var taken = Interlocked.Exchange(ref _pending, new ConcurrentDictionary<Guid, Tally>(Environment.ProcessorCount, Math.Max(31, _pending.Count)));
        var tallies = taken.Select(p => new ScanRepository.Tally(p.Key, Interlocked.Read(ref p.Value.Count), p.Value.First, p.Value.Last)).ToList();
        foreach (var t in tallies) _inFlight[t.BatchId] = t;
        return tallies;
    }

    /// <summary>These tallies are in the database now.</summary>
    public void Written(IEnumerable<ScanRepository.Tally> tallies)
    {
        foreach (var t in tallies) _inFlight.TryRemove(t.BatchId, out _);
    }

    /// <summary>These tallies could not be written: they are counted again with the next ones.</summary>
    public void Restore(IEnumerable<ScanRepository.Tally> tallies)
    {
        foreach (var t in tallies)
        {
            _inFlight.TryRemove(t.BatchId, out _);
            var tally = _pending.GetOrAdd(t.BatchId, static (_, first) => new Tally(first), t.First);
            Interlocked.Add(ref tally.Count, t.Count);
            lock (tally) if (t.Last > tally.Last) tally.Last = t.Last;
        }
    }
}

/// <summary>Writes the counted scans every second, and once more when the API stops. A busy second holds tens of
/// thousands of tallies: they are written in the order their rows are stored, in chunks with a pause between them, so
/// that a flush never holds a core or the write lock for long (one ~100 ms statement a second showed in the page
/// views' slowest percentile), and the chunks touch separate pages (no more pages written than by one statement).</summary>
public sealed class ScanFlusher(ScanCounter counter, ScanRepository scans, ILogger<ScanFlusher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    public const int ChunkSize = 1000;
    private static readonly TimeSpan ChunkPause = TimeSpan.FromMilliseconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await FlushAsync(pause: true, CancellationToken.None);
        }
        catch (OperationCanceledException) { }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(pause: false, CancellationToken.None);
    }

    public Task FlushAsync(CancellationToken ct) => FlushAsync(pause: false, ct);

    private async Task FlushAsync(bool pause, CancellationToken ct)
    {
        var tallies = ScanRepository.InStorageOrder(counter.Drain());
        for (var start = 0; start < tallies.Count; start += ChunkSize)
        {
            var chunk = tallies.GetRange(start, Math.Min(ChunkSize, tallies.Count - start));
            try
            {
                await scans.AddAsync(chunk, ct);
                counter.Written(chunk);
            }
            catch (Exception e)
            {
                var left = tallies.GetRange(start, tallies.Count - start);
                counter.Restore(left);
                logger.LogWarning(e, "Could not write {Count} scan tallies; they are kept for the next flush", left.Count);
                return;
            }
            if (pause && start + ChunkSize < tallies.Count) await Task.Delay(ChunkPause, CancellationToken.None);
        }
    }
}
