using Microsoft.Extensions.Options;
using Traceability.Api.Serials;
using Traceability.Infrastructure.PublicRecords;

namespace Traceability.Api.PublicRecords.Scans;

/// <summary>Writes the counted scans every second, and once more when the API stops. A busy second holds tens of
/// thousands of tallies: they are written in the order their rows are stored, in chunks with a short pause between
/// them, so that a flush never holds a core or the write lock for long, and each chunk touches its own pages.</summary>
public sealed class ScanFlusher(ScanCounter counter, ScanRepository scans, ItemScanCounter items, Infrastructure.Repositories.ItemRepository serials,
    Infrastructure.Database db, IOptions<SerialOptions> serialOptions, TimeProvider clock, ILogger<ScanFlusher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    /// <summary>Small enough that a chunk's JSON stays below the large-object heap (85,000 bytes).</summary>
    public const int ChunkSize = 250;
    private static readonly TimeSpan ChunkPause = TimeSpan.FromMilliseconds(3);
    private readonly List<ScanRepository.Tally> _drained = [];  // reused, one flush at a time
    private readonly List<Infrastructure.Repositories.ItemRepository.ScanTally> _drainedItems = [];
    private readonly Dictionary<Guid, long> _drainedUnissued = [];
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private static readonly Dictionary<Guid, long> NoUnissued = [];

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

    private async Task FlushAsync(bool pause, CancellationToken ct)
    {
        await _flushing.WaitAsync(CancellationToken.None);
        try
        {
            await FlushDrainedAsync(pause, ct);
            await FlushItemsAsync(pause, ct);
        }
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
                if (db.Fault(e) is { } cause) logger.LogWarning("Could not write {Count} scan tallies ({Cause}); they are kept for the next flush", left.Count, cause);
                else logger.LogWarning(e, "Could not write {Count} scan tallies; they are kept for the next flush", left.Count);
                return;
            }
            if (pause && start + ChunkSize < tallies.Count) await Task.Delay(ChunkPause, CancellationToken.None);
        }
    }

    /// <summary>Item scans: what is in flight stays in flight until written (a failed write is tried again next time).
    /// In the order the rows are stored, in chunks with a pause between them, as the batches' scans; the lots' scans of
    /// never-issued serials go with the first chunk (or alone).</summary>
    private async Task FlushItemsAsync(bool pause, CancellationToken ct)
    {
        var tallies = _drainedItems;
        var unissued = _drainedUnissued;
        items.Drain(tallies, unissued);
        tallies.Sort(static (a, b) => string.CompareOrdinal(a.Serial, b.Serial));
        var copyThreshold = serialOptions.Value.CopyWarningClients;
        try
        {
            for (var start = 0; start < Math.Max(tallies.Count, unissued.Count > 0 ? 1 : 0); start += ChunkSize)
            {
                var chunk = tallies.GetRange(start, Math.Min(ChunkSize, tallies.Count - start));
                await serials.AddScansAsync(chunk, start == 0 ? unissued : NoUnissued, copyThreshold, clock.GetUtcNow(), ct);
                if (start == 0) items.UnissuedWritten();
                items.Written(chunk);
                if (pause && start + ChunkSize < tallies.Count) await Task.Delay(ChunkPause, CancellationToken.None);
            }
        }
        catch (Exception e)
        {
            if (db.Fault(e) is { } cause) logger.LogWarning("Could not write {Count} item scan tallies ({Cause}); they are kept for the next flush", tallies.Count, cause);
            else logger.LogWarning(e, "Could not write {Count} item scan tallies; they are kept for the next flush", tallies.Count);
        }
    }
}
