using Microsoft.Extensions.Options;
using Traceability.Domain;
using Traceability.Infrastructure;
using Traceability.Infrastructure.Webhooks;

namespace Traceability.Api.Webhooks;

/// <summary>Delivers the outbox: takes due deliveries by lease, sends them in parallel, records each attempt. At least
/// once: a process that dies between a send and its bookkeeping leaves the lease to run out, and the message is sent
/// again (receivers deduplicate on webhook-id). In order per subscription: only its oldest pending delivery is taken, so
/// a failing delivery holds back the next until it succeeds or is given up. Retries back off exponentially (5 s, 10 s,
/// 20 s … capped at an hour, each with jitter) for <see cref="WebhookOptions.RetryHours"/>; then the delivery fails.
/// Also announces certifications' coming expiry, once a day's worth of checks.</summary>
public sealed class WebhookDispatcher(
    WebhookDeliveryRepository deliveries, ExpiryNoticeRepository expiries, WebhookSender sender, WebhookSecrets secrets, Database db, TimeProvider clock,
    IOptions<WebhookOptions> options, ILogger<WebhookDispatcher> logger)
    : BackgroundService
{
    private readonly string _holder = $"{Environment.ProcessId}:{Guid.NewGuid():N}";
    private DateTimeOffset _nextExpiryCheck = DateTimeOffset.MinValue;
    private string? _lastFault;

    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan LongestWait = TimeSpan.FromHours(1);

    /// <summary>When to try again after <paramref name="attempts"/> failed attempts: 5 s × 2^(attempts−1), at most an
    /// hour, times a random factor between 0.5 and 1 so that many subscriptions failing together do not retry together.</summary>
    public static TimeSpan Backoff(int attempts, double random)
    {
        var exponent = Math.Min(attempts - 1, 20);
        var wait = Math.Min(FirstRetry.TotalSeconds * Math.Pow(2, exponent), LongestWait.TotalSeconds);
        return TimeSpan.FromSeconds(wait * (0.5 + random / 2));
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var o = options.Value;
        if (!secrets.Seals)
            logger.LogWarning("Webhooks:SecretKey is not set: webhook signing secrets are stored unsealed in the database (openssl rand -base64 32).");
        if (!o.Dispatch) return;
        await Task.Yield();
        while (!stopping.IsCancellationRequested)
        {
            var busy = false;
            try
            {
                await CheckExpiriesAsync(stopping);
                busy = await DeliverOnceAsync(stopping);
                if (_lastFault is not null) logger.LogInformation("Webhook delivery resumed: the database is back.");
                _lastFault = null;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // One line when the database goes away, not one a second while it stays away.
                var fault = db.Fault(e);
                if (fault is not null && fault != _lastFault) logger.LogWarning("Webhook delivery paused: the database is unavailable ({Cause}).", fault);
                else if (fault is null) logger.LogError(e, "Webhook dispatcher failed; retrying.");
                _lastFault = fault;
            }
            if (!busy)
                try { await Task.Delay(o.PollMilliseconds, stopping); }
                catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Stopping (SIGTERM): the round in flight is cancelled and records nothing, as documented above; then this
    /// process's leases are given back, so that its deliveries go out from another node (or after the restart) at once.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            var released = await deliveries.ReleaseAsync(_holder, CancellationToken.None);
            if (released > 0) logger.LogInformation("Webhooks: {Count} leased deliveries released on shutdown.", released);
        }
        catch (Exception e) when (db.Fault(e) is { } cause)
        {
            logger.LogWarning("Webhooks: leases not released on shutdown ({Cause}); they run out by themselves.", cause);
        }
    }

    /// <summary>One round: take, send, record. True when it delivered anything: a subscription's next message is due as
    /// soon as its previous one is done, so the next round starts at once.</summary>
    public async Task<bool> DeliverOnceAsync(CancellationToken stopping)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var due = await deliveries.ClaimAsync(_holder, now, TimeSpan.FromSeconds(o.LeaseSeconds), o.BatchSize, stopping);
        if (due.Count == 0) return false;
        var results = await Task.WhenAll(due.Select(d => sender.SendAsync(d, clock.GetUtcNow(), stopping)));
        // Stopped between the sends and the books: record nothing, as a process killed here would; the leases run out and
        // the messages are sent again.
        stopping.ThrowIfCancellationRequested();
        var at = clock.GetUtcNow();
        var outcomes = due.Zip(results, (d, r) =>
        {
            var attempts = d.Attempts + 1;
            var retryAt = at + Backoff(attempts, Random.Shared.NextDouble());
            var giveUp = r.Delivered || r.StatusCode == 410 || retryAt - d.CreatedAt > TimeSpan.FromHours(o.RetryHours);
            return new WebhookDeliveryRepository.Outcome(d.Id, d.WebhookId, _holder, r.Delivered, giveUp ? null : retryAt, r.StatusCode, r.LatencyMs, r.Error,
                r.Excerpt, at, GoneForGood: r.StatusCode == 410);
        }).ToList();
        await deliveries.RecordAsync(outcomes, TimeSpan.FromDays(o.DisableAfterDays), CancellationToken.None);
        var failed = outcomes.Count(x => !x.Delivered);
        Metrics.WebhookDeliveries.Add(outcomes.Count - failed, new KeyValuePair<string, object?>("outcome", "delivered"));
        if (failed > 0) Metrics.WebhookDeliveries.Add(failed, new KeyValuePair<string, object?>("outcome", "failed"));
        if (failed > 0) logger.LogInformation("Webhooks: {Delivered} delivered, {Failed} attempts failed.", outcomes.Count - failed, failed);
        return true;
    }

    /// <summary>The calendar's work, once every ExpiryCheckMinutes: expiry notices, and sweeping old deliveries.</summary>
    private async Task CheckExpiriesAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (now < _nextExpiryCheck) return;
        _nextExpiryCheck = now + TimeSpan.FromMinutes(options.Value.ExpiryCheckMinutes);
        var queued = await expiries.QueueExpiringAsync(VietnamTime.Today(now), now, ct);
        if (queued > 0) logger.LogInformation("Webhooks: {Count} certification expiry notices queued.", queued);
        var swept = await deliveries.SweepAsync(now - TimeSpan.FromDays(options.Value.KeepDays), ct);
        if (swept > 0) logger.LogInformation("Webhooks: {Count} finished deliveries older than {Days} days removed.", swept, options.Value.KeepDays);
    }
}
