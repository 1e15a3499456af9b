using Microsoft.Extensions.Options;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Backups;

/// <summary>Takes a backup every Backup:IntervalHours (0: never) when Backup:Folder is set. Of several processes on one
/// database, the one holding the lease does; a failed backup is logged and tried again at the next interval.</summary>
public sealed class ScheduledBackups(Backups backups, LeaseRepository leases, IOptions<BackupOptions> options, TimeProvider clock,
    ILogger<ScheduledBackups> logger) : BackgroundService
{
    public const string LeaseName = "backup";
    private readonly string _holder = $"{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromHours(options.Value.IntervalHours);
        if (interval <= TimeSpan.Zero || string.IsNullOrEmpty(options.Value.Folder)) return;
        try
        {
            while (true)
            {
                await Task.Delay(interval, clock, stoppingToken);
                try
                {
                    if (!await leases.TryAcquireAsync(LeaseName, _holder, clock.GetUtcNow(), interval / 2, stoppingToken)) continue;
                    await backups.RunAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "The scheduled backup failed; the next one is in {Hours} hours", options.Value.IntervalHours);
                }
            }
        }
        catch (OperationCanceledException) { }
    }
}
