namespace Traceability.Api.Webhooks;

/// <summary>Webhooks:* — how the dispatcher delivers (README, "Webhooks").</summary>
public sealed class WebhookOptions
{
    /// <summary>Deliver at all in this process (several processes may; each delivery is leased to one).</summary>
    public bool Dispatch { get; set; } = true;

    /// <summary>Allow http and targets on loopback, private, link-local or metadata addresses. Off in production: a
    /// webhook is then https to a public address, checked when connecting (so DNS cannot rebind it inward).</summary>
    public bool AllowPrivateTargets { get; set; }

    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>How long a dispatcher holds a delivery; a process that dies mid-delivery lets it go after this.</summary>
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>How often an idle dispatcher looks for due deliveries.</summary>
    public int PollMilliseconds { get; set; } = 1000;

    /// <summary>Deliveries taken at once, and sent in parallel.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>How long a message is retried (exponential back-off with jitter, capped at an hour) before it fails.</summary>
    public int RetryHours { get; set; } = 24;

    /// <summary>A subscription whose deliveries all failed for this long is disabled, with the reason shown to its owner.</summary>
    public int DisableAfterDays { get; set; } = 3;

    /// <summary>How long finished deliveries (delivered or failed) and their attempts are kept for their owners to see.</summary>
    public int KeepDays { get; set; } = 30;

    /// <summary>How often certifications are checked for their 30- and 7-day expiry notices (and old deliveries swept).</summary>
    public int ExpiryCheckMinutes { get; set; } = 60;

    /// <summary>Base64 of ≥ 32 random bytes that seals the signing secrets in the database (never stored there). Unset:
    /// secrets are stored as they are, and the API says so at start.</summary>
    public string? SecretKey { get; set; }
}
