using Traceability.Infrastructure;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Idempotency;

/// <summary>Deletes idempotency keys older than their 24-hour lifetime, hourly, so the table holds about a day of writes.
/// (A key is also forgotten when it is reused after expiry; this catches the ones never reused.)</summary>
public sealed class IdempotencySweeper(IdempotencyRepository keys, Database db, TimeProvider clock, ILogger<IdempotencySweeper> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var swept = await keys.SweepAsync(clock.GetUtcNow(), IdempotencyFilter.Lifetime, stoppingToken);
                    if (swept > 0) logger.LogInformation("Swept {Count} expired idempotency keys", swept);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    if (db.Fault(e) is { } cause) logger.LogWarning("Could not sweep idempotency keys ({Cause}); next hour", cause);
                    else logger.LogWarning(e, "Could not sweep idempotency keys; next hour");
                }
            }
        }
        catch (OperationCanceledException) { }
    }
}
