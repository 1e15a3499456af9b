using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Idempotency;

/// <summary>This process's liveness lease ("process:…" in leases), renewed every <see cref="Renew"/> for
/// <see cref="For"/>: the idempotency keys its requests hold name it, so that when the process dies (a kill, a crash, a
/// lost machine) a client's retry through another process takes the key over within seconds, instead of meeting
/// "still being processed" for two minutes. A key is completed only by the request holding it, so a process that only
/// seemed dead (a long pause) cannot complete a key a retry took over (IdempotencyRepository). Not released at a stop:
/// the requests still finishing keep their keys until the lease runs out.</summary>
public sealed class ProcessLiveness(LeaseRepository leases, TimeProvider clock, ILogger<ProcessLiveness> logger) : BackgroundService
{
    public static readonly TimeSpan Renew = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan For = TimeSpan.FromSeconds(6);

    private readonly string _name = $"process:{Guid.NewGuid():N}";
    private volatile string? _holder;

    /// <summary>The lease's name once taken; null before (a key reserved then falls back to the two-minute rule).</summary>
    public string? Holder => _holder;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Renewed on the machine's own time: the lease's times come from the clock, which a test may have frozen or moved.
        using var timer = new PeriodicTimer(Renew);
        do
        {
            try
            {
                if (await leases.TryAcquireAsync(_name, _name, clock.GetUtcNow(), For, stoppingToken) && _holder is null)
                {
                    _holder = _name;
                    // Once a start: the leases of processes gone for a day (any of their keys was taken over long since).
                    await leases.SweepProcessesAsync(clock.GetUtcNow() - TimeSpan.FromDays(1), stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database is failing: requests fail with it; the lease is renewed when it is back.
                logger.LogDebug(e, "Could not renew the process's liveness lease");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
