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
