using System.Collections.Concurrent;
using Traceability.Infrastructure.PublicRecords;

namespace Traceability.Api.PublicRecords.Scans;

/// <summary>Counts page views in memory so that counting never slows the page; <see cref="ScanFlusher"/> writes the
/// tallies to the database at least once a second and at shutdown. Only a batch id and times are kept: no address,
/// no user agent.</summary>
public sealed class ScanCounter
{
    // One long-lived entry per recently scanned batch (never a new dictionary per flush, which would land on the
    // large-object heap); entries idle for IdleFlushes flushes are dropped, so memory follows the batches being scanned.
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

    private static readonly KeyValuePair<string, object?> Lot = new("kind", "lot");

    public void Record(Guid batchId, DateTimeOffset now)
    {
        Infrastructure.Metrics.Scans.Add(1, Lot);
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
