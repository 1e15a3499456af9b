using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Traceability.Api.Hosting;

/// <summary>The "Shutdown" configuration section: how a stopping process (SIGTERM, Ctrl+C) leaves.</summary>
public sealed class ShutdownOptions
{
    /// <summary>Seconds the process keeps serving after it is told to stop, with readiness already answering 503, so that a
    /// load balancer stops sending it requests first (nginx's passive checks, an orchestrator's readiness probe). 0: none.</summary>
    [Range(0, 300)]
    public int DrainSeconds { get; set; }

    /// <summary>Seconds the requests in flight then have to finish, and the background work (the last scan flush, webhook
    /// leases given back) to end, before the process exits anyway.</summary>
    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 30;
}

/// <summary>The order of a graceful stop: readiness turns 503 ("shutting down") the moment the process is told to stop;
/// it serves on for Shutdown:DrainSeconds; then the server stops taking connections and lets the requests in flight
/// finish (the server is stopped before every other hosted service); then the scan flusher writes what it counted and
/// the webhook dispatcher gives back its leases.</summary>
public sealed class Shutdown(IHostApplicationLifetime lifetime, IOptions<ShutdownOptions> options, ILogger<Shutdown> logger) : IHostedLifecycleService, IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("the service is shutting down")
            : HealthCheckResult.Healthy());

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var drain = TimeSpan.FromSeconds(options.Value.DrainSeconds);
        if (drain <= TimeSpan.Zero) return;
        logger.LogInformation("Shutting down: readiness answers 503; serving on for {Seconds} s while the load balancer drains this node", drain.TotalSeconds);
        try { await Task.Delay(drain, cancellationToken); }
        catch (OperationCanceledException) { }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
