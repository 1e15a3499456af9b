using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.PublicRecords.Scans;

/// <summary>Scans of item codes, counted in memory and written by <see cref="ScanFlusher"/> with the batches' scans
/// (no personal data: the serial, a count, the first and last time). Counts taken by a flush stay visible until
/// written, so a shown count never dips; a failed write puts them back. Its two dictionaries live as long as the
/// process and are emptied, never replaced: a busy second holds ~13,000 serials, and a new dictionary of that size
/// each second landed on the large-object heap, whose full collections showed as 30–50 ms in the item scans' p99.</summary>
public sealed class ItemScanCounter
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ItemRepository.ScanTally> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ItemRepository.ScanTally> _inFlight = new(StringComparer.Ordinal);
    // Scans of serials never issued for the lot whose address they were read from, per lot: a counterfeit signal for the
    // OCOP office (lot_signals). Keyed by real lots only (the page resolved the lot first), so bounded by the registry.
    private readonly Dictionary<Guid, long> _unissuedPending = [];
    private readonly Dictionary<Guid, long> _unissuedInFlight = [];

    /// <summary>Clients remembered per item and flush: more than a warning needs would only be dropped by the database.</summary>
    private const int ClientsPerFlush = 16;

    /// <param name="client">The scanning client's keyed address prefix (<see cref="ClientIdentity"/>).</param>
    private static readonly KeyValuePair<string, object?> Item = new("kind", "item");

    public void Record(string serial, DateTimeOffset at, string client)
    {
        Infrastructure.Metrics.Scans.Add(1, Item);
        lock (_lock)
            _pending[serial] = _pending.TryGetValue(serial, out var t)
                ? t with { Count = t.Count + 1, Last = at, Clients = WithClient(t.Clients, client) }
                : new(serial, 1, at, at) { Clients = [client] };
    }

    /// <summary>A scan of a serial the lot's producer never issued for it (a made-up or copied-from-elsewhere code).</summary>
    public void RecordUnissued(Guid batchId)
    {
        Infrastructure.Metrics.Scans.Add(1, Item);
        lock (_lock) _unissuedPending[batchId] = _unissuedPending.GetValueOrDefault(batchId) + 1;
    }

    private static string[] WithClient(string[] clients, string client) =>
        clients.Length >= ClientsPerFlush || Array.IndexOf(clients, client) >= 0 ? clients : [.. clients, client];

    /// <summary>This process's scans of the item not yet written, and the first of them.</summary>
    public (long Count, DateTimeOffset? First) Pending(string serial)
    {
        lock (_lock)
        {
            _inFlight.TryGetValue(serial, out var flying);
            _pending.TryGetValue(serial, out var waiting);
            return ((flying?.Count ?? 0) + (waiting?.Count ?? 0), flying?.First ?? waiting?.First);
        }
    }

    /// <summary>Everything counted and not yet written, into <paramref name="into"/> (emptied first; the flusher reuses it),
    /// and the lots' scans of never-issued serials into <paramref name="unissued"/> (the same).</summary>
    public void Drain(List<ItemRepository.ScanTally> into, Dictionary<Guid, long> unissued)
    {
        into.Clear();
        unissued.Clear();
        lock (_lock)
        {
            foreach (var (batch, n) in _unissuedPending) _unissuedInFlight[batch] = _unissuedInFlight.GetValueOrDefault(batch) + n;
            _unissuedPending.Clear();
            foreach (var (batch, n) in _unissuedInFlight) unissued[batch] = n;
            foreach (var (serial, t) in _pending)
                _inFlight[serial] = _inFlight.TryGetValue(serial, out var f)
                    ? f with { Count = f.Count + t.Count, Last = t.Last, Clients = t.Clients.Aggregate(f.Clients, WithClient) }
                    : t;
            _pending.Clear();
            into.AddRange(_inFlight.Values);
        }
    }

    /// <summary>The scans of never-issued serials drained last are in the database now.</summary>
    public void UnissuedWritten()
    {
        lock (_lock) _unissuedInFlight.Clear();
    }

    /// <summary>These tallies are in the database now.</summary>
    public void Written(IEnumerable<ItemRepository.ScanTally> tallies)
    {
        lock (_lock)
            foreach (var t in tallies) _inFlight.Remove(t.Serial);
    }
}
