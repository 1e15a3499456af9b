using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Traceability.Api.Hosting;
using Traceability.Api.PublicRecords.Building;
using Traceability.Domain;
using Traceability.Infrastructure.PublicRecords;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.PublicRecords.Freshness;

/// <summary>Rebuilds the stale public records that nobody reads, every few seconds (Traceability:RecordRebuildSeconds):
/// those whose version moved past the one they were built from (the database's triggers move it, whichever process
/// wrote) and those whose day came (an OCOP certification starting or ending). Views do not wait for it: a view of a stale record builds it first. Several
/// API processes may run this at once; the stored version makes their builds agree.</summary>
public sealed class RecordRefresher(
    RecordStore store, RecordBuilder builder, SettingsRepository settings, PublicLinks links, TimeProvider clock,
    IOptions<TraceabilityOptions> options, Infrastructure.Database db, ILogger<RecordRefresher> logger) : BackgroundService
{
    private const int Chunk = 200;
    private const int RangeSize = 5000;

    /// <summary>While catching up, the worker works a quarter of the time at most and rests the rest: a burst of writes
    /// can leave tens of thousands of records stale (a phone's bulk sync touches hundreds of batches), and building
    /// them all at once would take the cores from the requests. Nothing waits for the worker — a view of a stale record
    /// builds it first — so it only needs to finish eventually.</summary>
    public const double BusyShare = 0.25;

    /// <summary>Raise when the stored parts' format changes (the page's template, the JSON's shape), so that the next
    /// start rebuilds every record; the public base URL is part of the same key.</summary>
    public const int Format = 13;
    public const string BuildKeySetting = "public-records.build-key";

    /// <summary>What the stored parts depend on besides the tables: their format and the public base URL.</summary>
    public static string BuildKey(string publicBase) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{Format}|{publicBase}")))[..16];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunGuardedAsync(() => EnsureBuildKeyAsync(stoppingToken));
            var interval = TimeSpan.FromSeconds(options.Value.RecordRebuildSeconds);
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(interval, stoppingToken);
                await RunGuardedAsync(() => RebuildOnceAsync(stoppingToken, throttled: true));
            }
        }
        catch (OperationCanceledException) { }
    }

    private async Task RunGuardedAsync(Func<Task> work)
    {
        try { await work(); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (db.Fault(e) is { } cause) logger.LogWarning("Rebuilding stale public records failed ({Cause}); it runs again shortly", cause);
            else logger.LogWarning(e, "Rebuilding stale public records failed; it runs again shortly");
        }
    }

    /// <summary>Rebuilds the stale records (each once per pass, however often it changed) and those whose day came;
    /// returns how many it built.</summary>
    public async Task<int> RebuildOnceAsync(CancellationToken ct, bool throttled = false)
    {
        var busy = System.Diagnostics.Stopwatch.StartNew();
        var built = 0;
        async Task Build(IEnumerable<string> codes)
        {
            foreach (var code in codes)
            {
                try
                {
                    // Skipped when current: a view may have built it since.
                    if (await builder.BuildIfStaleAsync(code, RecordStore.Part.Json, ct)) built++;
                }
                catch (Exception e) when (e is not OperationCanceledException && db.Fault(e) is null)
                {
                    // One record that cannot be built must not stop the others; its views will answer the error.
                    logger.LogWarning(e, "Could not build the public record of {Code}", code);
                }
                if (throttled && busy.Elapsed > TimeSpan.FromMilliseconds(50))
                {
                    await Task.Delay(busy.Elapsed * ((1 - BusyShare) / BusyShare), ct);
                    busy.Restart();
                }
            }
        }

        // A pass over every batch, a range at a time, comparing the record's version with the one its parts were built
        // from (a change made behind a range already passed is found by the next pass, or by its first view).
        var last = await store.LastBatchSeqAsync(ct);
        for (long after = 0; after < last; after += RangeSize)
        {
            await Build(await store.StaleInRangeAsync(after, after + RangeSize, ct));
            if (throttled && busy.Elapsed > TimeSpan.FromMilliseconds(50))
            {
                await Task.Delay(busy.Elapsed * ((1 - BusyShare) / BusyShare), ct);
                busy.Restart();
            }
        }
        var today = VietnamTime.Today(clock.GetUtcNow());
        var lastDue = "";
        while (await store.DueAsync(today, lastDue, Chunk, ct) is { Count: > 0 } due)
        {
            await Build(due);
            lastDue = due[^1];
        }
        return built;
    }

    /// <summary>Marks every record stale when the stored ones were built with another public base URL or format.</summary>
    public async Task EnsureBuildKeyAsync(CancellationToken ct)
    {
        var key = BuildKey(links.Base);
        if (await settings.GetAsync(BuildKeySetting, ct) == key) return;
        var marked = await store.MarkAllStaleAsync(ct);
        await settings.SetAsync(BuildKeySetting, key, ct);
        if (marked > 0) logger.LogInformation("The public base URL or the record format changed: {Count} public records will be rebuilt", marked);
    }
}
