using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Traceability.Infrastructure;

/// <summary>The service's own instruments (meter "Traceability"), read by OpenTelemetry (Api/Telemetry) for Prometheus and
/// OTLP: public scans, PIN checks, webhook deliveries, writes waiting for their turn, and database faults. Static, like
/// the runtime's own meters: counting costs an interlocked add when nothing listens.</summary>
public static class Metrics
{
    public const string MeterName = "Traceability";
    private static readonly Meter Meter = new(MeterName);

    /// <summary>Public views counted as scans, by kind: lot (a lot's page, record or Digital Link), item.</summary>
    public static readonly Counter<long> Scans = Meter.CreateCounter<long>("traceability.public.scans", "{scan}", "Public scans counted, by kind (lot, item).");

    /// <summary>PIN checks, by outcome (first_verification, verified_before, wrong, client_paused, item_busy).</summary>
    public static readonly Counter<long> PinChecks = Meter.CreateCounter<long>("traceability.pin.checks", "{check}", "PIN checks, by outcome.");

    /// <summary>Webhook delivery attempts, by outcome (delivered, failed).</summary>
    public static readonly Counter<long> WebhookDeliveries = Meter.CreateCounter<long>("traceability.webhook.deliveries", "{attempt}",
        "Webhook delivery attempts, by outcome.");

    /// <summary>Failures of the database (disk full, read-only, missing, busy…) that became 503s or paused background work.</summary>
    public static readonly Counter<long> DatabaseFaults = Meter.CreateCounter<long>("traceability.db.faults", "{fault}", "Database faults.");

    private static long _waiting;

    private static Repositories.BacklogRepository.Backlog? _backlog;
    private static DateTimeOffset _sampledAt;

    /// <summary>The latest sample of what is waiting (Api/Telemetry/BacklogSampler), read by the gauges below.</summary>
    public static void Sampled(Repositories.BacklogRepository.Backlog backlog, DateTimeOffset at)
    {
        _sampledAt = at;
        _backlog = backlog;
    }

    private static IEnumerable<Measurement<T>> From<T>(Func<Repositories.BacklogRepository.Backlog, T> read) where T : struct =>
        _backlog is { } b ? [new Measurement<T>(read(b))] : [];

    /// <summary>Webhook deliveries not yet made (due, waiting for a retry, or leased).</summary>
    public static readonly ObservableGauge<long> WebhookBacklog = Meter.CreateObservableGauge("traceability.webhook.backlog",
        () => From(b => b.PendingDeliveries), "{delivery}", "Webhook deliveries not yet made.");

    /// <summary>How long the oldest delivery not yet made has waited (0 when none).</summary>
    public static readonly ObservableGauge<double> WebhookOldest = Meter.CreateObservableGauge("traceability.webhook.oldest.age",
        () => From(b => b.OldestPendingDelivery is { } at ? Math.Max(0, (_sampledAt - at).TotalSeconds) : 0), "s", "Age of the oldest webhook delivery not yet made.");

    /// <summary>Public records whose sources changed and that wait to be rebuilt (a view rebuilds its own at once).</summary>
    public static readonly ObservableGauge<long> StaleRecords = Meter.CreateObservableGauge("traceability.records.stale",
        () => From(b => b.StaleRecords), "{record}", "Public records waiting to be rebuilt.");

    /// <summary>Events appended that the chain audit has not checked yet.</summary>
    public static readonly ObservableGauge<long> UnauditedEvents = Meter.CreateObservableGauge("traceability.chain.unaudited",
        () => From(b => b.UnauditedEvents), "{event}", "Events the hash-chain audit has not checked yet.");

    /// <summary>Batches whose stored hash chain the audit found broken: each one a matter for the operator at once.</summary>
    public static readonly ObservableGauge<long> BrokenChains = Meter.CreateObservableGauge("traceability.chain.broken",
        () => From(b => b.BrokenChains), "{batch}", "Batches whose hash chain the audit found broken.");

    /// <summary>Writes waiting for their turn now (SQLite has one writer).</summary>
    public static readonly ObservableGauge<long> WritesWaiting = Meter.CreateObservableGauge("traceability.db.writes.waiting", () => Interlocked.Read(ref _waiting),
        "{write}", "Writes waiting for their turn to write.");

    /// <summary>How long writes waited for their turn.</summary>
    public static readonly Histogram<double> WriteWait = Meter.CreateHistogram<double>("traceability.db.write.wait", "s", "Time a write waited for its turn.");

    /// <summary>Around a wait for the write turn: counts it as waiting, and records how long it took.</summary>
    public static async ValueTask<IDisposable> TimeWriteWaitAsync(ValueTask<IDisposable> wait)
    {
        if (wait.IsCompletedSuccessfully) { WriteWait.Record(0); return wait.Result; }
        Interlocked.Increment(ref _waiting);
        var started = Stopwatch.GetTimestamp();
        try { return await wait; }
        finally
        {
            Interlocked.Decrement(ref _waiting);
            WriteWait.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }
}
