using System.Collections.Concurrent;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Public;

/// <summary>Counts page views in memory so that counting never slows the page; <see cref="ScanFlusher"/> writes the
/// tallies to the database at least once a second and at shutdown. Only a batch id and times are kept: no address,
/// no user agent.</summary>
public sealed class ScanCounter
{
    // One long-lived entry a recently scanned batch, never a new dictionary a second: a busy second's dictionary grew
    // onto the large-object heap, whose arrays only full collections free, and a few of those a second made the page
    // views' slowest percentile. Entries idle for IdleFlushes flushes are dropped.
    private const int IdleFlushes = 60;
    private readonly ConcurrentDictionary<Guid, Tally> _tallies = new();

    private sealed class Tally
    {
        public long Pending;            // counted, not taken by a flush yet
        public long InFlight;           // taken by a flush, not written yet: still shown, so a count never dips
        public DateTimeOffset? First;   // the first scan not written yet
        public DateTimeOffset Last;
        public int Idle;
        public bool Dropped;
    }

    /// <summary>Batches with an entry: scanned within the last minute or so of flushes (memory stays bounded).</summary>
    public int TrackedBatches => _tallies.Count;

    public void Record(Guid batchId, DateTimeOffset now)
    {
        while (true)
        {
            var tally = _tallies.GetOrAdd(batchId, static _ => new Tally());
            lock (tally)
            {
                if (tally.Dropped) continue;
                tally.Pending++;
                tally.First ??= now;
                if (now > tally.Last) tally.Last = now;
                return;
            }
        }
    }

    /// <summary>Scans of a batch not yet written, to add to what the database holds.</summary>
    public (long Count, DateTimeOffset? First) Pending(Guid batchId)
    {
        if (!_tallies.TryGetValue(batchId, out var tally)) return (0, null);
        lock (tally) return (tally.Pending + tally.InFlight, tally.First);
    }

    /// <summary>Adds everything counted since the last drain to <paramref name="into"/>; <see cref="Written"/> or
    /// <see cref="Restore"/> settles each tally.</summary>
    public void Drain(List<ScanRepository.Tally> into)
    {
        foreach (var (batchId, tally) in _tallies)
            lock (tally)
            {
                if (tally.Pending > 0)
                {
                    into.Add(new ScanRepository.Tally(batchId, tally.Pending, tally.First!.Value, tally.Last));
                    tally.InFlight += tally.Pending;
                    tally.Pending = 0;
                    tally.Idle = 0;
                }
                else if (tally.InFlight == 0 && ++tally.Idle > IdleFlushes)
                {
                    tally.Dropped = true;
                    _tallies.TryRemove(batchId, out _);
                }
            }
    }

    /// <summary>These tallies are in the database now.</summary>
    public void Written(IEnumerable<ScanRepository.Tally> tallies)
    {
        foreach (var t in tallies)
            if (_tallies.TryGetValue(t.BatchId, out var tally))
                lock (tally)
                {
                    tally.InFlight -= t.Count;
                    if (tally.InFlight == 0 && tally.Pending == 0) tally.First = null;
                }
    }

    /// <summary>These tallies could not be written: they are counted again with the next ones.</summary>
    public void Restore(IEnumerable<ScanRepository.Tally> tallies)
    {
        foreach (var t in tallies)
            if (_tallies.TryGetValue(t.BatchId, out var tally))
                lock (tally)
                {
                    tally.InFlight -= t.Count;
                    tally.Pending += t.Count;
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
    /// <summary>Small enough that a chunk's JSON stays below the large-object heap (85,000 bytes).</summary>
    public const int ChunkSize = 250;
    private static readonly TimeSpan ChunkPause = TimeSpan.FromMilliseconds(3);
    private readonly List<ScanRepository.Tally> _drained = [];  // reused, one flush at a time
    private readonly SemaphoreSlim _flushing = new(1, 1);

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
        await _flushing.WaitAsync(CancellationToken.None);
        try { await FlushDrainedAsync(pause, ct); }
        finally { _flushing.Release(); }
    }

    private async Task FlushDrainedAsync(bool pause, CancellationToken ct)
    {
        var tallies = _drained;
        tallies.Clear();
        counter.Drain(tallies);
        ScanRepository.SortInStorageOrder(tallies);
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
