using Traceability.Infrastructure;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Telemetry;

/// <summary>Samples what is waiting (BacklogRepository) every <see cref="TelemetryOptions.SampleSeconds"/> for the
/// gauges, so that a scrape (by any number of Prometheus servers) reads memory, never the database. Runs only when
/// metrics are exported.</summary>
public sealed class BacklogSampler(BacklogRepository backlog, TelemetryOptions options, TimeProvider clock, ILogger<BacklogSampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.SampleSeconds));
        do
        {
            try
            {
                Metrics.Sampled(await backlog.SampleAsync(stoppingToken), clock.GetUtcNow());
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database is failing: the gauges keep their last sample; readiness and the fault counter say why.
                logger.LogDebug(e, "Could not sample the backlog");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
