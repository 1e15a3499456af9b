using System.Collections.Concurrent;
using System.Threading.Channels;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Public;

/// <summary>Rewrites stored public records after writes, off the request path: a write marks its batches' codes dirty
/// and returns; a background worker rewrites each dirty record once, however many writes touched it meanwhile.
/// A read of a dirty code in this process rewrites it first (read-your-writes); another API process sees the new
/// record as soon as the worker has written it, and the chain audit catches anything a stopped process left behind.</summary>
public sealed class RecordRefresher(RecordProjector projector, PublicRecordStore store, Infrastructure.Database db, ILogger<RecordRefresher> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, long> _dirty = new(StringComparer.Ordinal);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly SemaphoreSlim _draining = new(1, 1);
    private long _generation;

    public void Enqueue(IEnumerable<string> codes)
    {
        foreach (var code in codes) _dirty[code] = Interlocked.Increment(ref _generation);
        _wake.Writer.TryWrite(true);
    }

    /// <summary>After a product or certification change: every batch of the product shows it.</summary>
    public async Task EnqueueProductAsync(Guid productId, CancellationToken ct) => Enqueue(await store.CodesOfProductAsync(productId, ct));

    /// <summary>Whether a write in this process changed the record of <paramref name="code"/> and it is not rewritten yet.</summary>
    public bool IsDirty(string code) => _dirty.ContainsKey(code);

    /// <summary>Rewrites one code now if it is dirty (a read that must see the latest writes).</summary>
    public async Task RefreshIfDirtyAsync(string code, CancellationToken ct)
    {
        if (_dirty.TryGetValue(code, out var generation)) await RefreshAsync(code, generation, ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _wake.Reader.WaitToReadAsync(stoppingToken))
            {
                _wake.Reader.TryRead(out _);
                await DrainAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) { }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await DrainAsync(CancellationToken.None);
    }

    /// <summary>Rewrites every dirty record; one drain at a time, so that when it returns nothing is left in flight.</summary>
    public async Task DrainAsync(CancellationToken ct)
    {
        await _draining.WaitAsync(ct);
        try
        {
            foreach (var (code, generation) in _dirty.ToArray())
            {
                try { await RefreshAsync(code, generation, ct); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    if (db.Fault(e) is { } cause) logger.LogWarning("Could not rewrite the public record of {Code} ({Cause}); the chain audit will", code, cause);
                    else logger.LogWarning(e, "Could not rewrite the public record of {Code}; the chain audit will", code);
                    _dirty.TryRemove(KeyValuePair.Create(code, generation));
                }
            }
        }
        finally { _draining.Release(); }
    }

    private async Task RefreshAsync(string code, long generation, CancellationToken ct)
    {
        await projector.RefreshAsync(code, ct);
        // Only if no write marked it again while it was being rewritten.
        _dirty.TryRemove(KeyValuePair.Create(code, generation));
    }
}
