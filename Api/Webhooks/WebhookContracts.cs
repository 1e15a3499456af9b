using Traceability.Domain;
using Traceability.Domain.Webhooks;
using Traceability.Infrastructure.Webhooks;

namespace Traceability.Api.Webhooks;

/// <summary>Subscribe an https URL to kinds of announcements about the caller's own data: batch.created,
/// event.recorded, batch.recalled, certification.recorded, certification.expiring, serials.issued.</summary>
public sealed record CreateWebhookRequest(string? Url, List<string?>? Events, string? Description)
{
    public const int MaxDescription = 500;

    public (string Url, IReadOnlyList<string> Events, string? Description) Validate(Role role, bool allowPrivateTargets)
    {
        var v = new FieldErrors();
        var url = Text.Normalize(Url);
        if (string.IsNullOrEmpty(url)) v.Add("url", "Required.");
        else if (WebhookTargets.Problem(url, allowPrivateTargets) is { } problem) v.Add("url", problem);
        var events = WebhookContracts.ReadEvents(Events, role, v, required: true);
        var description = Text.EmptyToNull(Text.Normalize(Description));
        if (description is { Length: > MaxDescription }) v.Add("description", $"At most {MaxDescription} characters.");
        v.ThrowIfInvalid();
        return (url!, events!, description);
    }
}

/// <summary>Change a subscription: any of url, events, description, enabled (enabling a disabled one clears why it was
/// disabled and sends what waited).</summary>
public sealed record UpdateWebhookRequest(string? Url, List<string?>? Events, string? Description, bool? Enabled)
{
    public Webhook Apply(Webhook w, bool allowPrivateTargets, DateTimeOffset now)
    {
        var v = new FieldErrors();
        var url = Url is null ? w.Url : Text.Normalize(Url)!;
        if (Url is not null && WebhookTargets.Problem(url, allowPrivateTargets) is { } problem) v.Add("url", problem);
        var events = Events is null ? w.Events : WebhookContracts.ReadEvents(Events, w.OwnerRole, v, required: true);
        var description = Description is null ? w.Description : Text.EmptyToNull(Text.Normalize(Description));
        if (description is { Length: > CreateWebhookRequest.MaxDescription }) v.Add("description", $"At most {CreateWebhookRequest.MaxDescription} characters.");
        v.ThrowIfInvalid();
        var enabled = Enabled ?? w.Enabled;
        var reenabled = enabled && !w.Enabled;
        return w with
        {
            Url = url, Events = events!, Description = description, Enabled = enabled, UpdatedAt = now,
            DisabledReason = reenabled ? null : w.DisabledReason, FailingSince = reenabled ? null : w.FailingSince,
        };
    }
}

public static class WebhookContracts
{
    public static IReadOnlyList<string>? ReadEvents(List<string?>? events, Role role, FieldErrors v, bool required)
    {
        if (events is null || events.Count == 0)
        {
            if (required) v.Add("events", $"Name at least one of: {string.Join(", ", WebhookKinds.For(role))}.");
            return null;
        }
        var allowed = WebhookKinds.For(role);
        for (var i = 0; i < events.Count; i++)
            if (events[i] is not { } e || !allowed.Contains(e))
                v.Add($"events[{i}]", $"One of: {string.Join(", ", allowed)}.");
        return WebhookKinds.All.Where(k => events.Contains(k)).ToList();
    }
}

/// <summary>A subscription as its owner sees it; the secret is shown only when made or rotated.</summary>
public sealed record WebhookResponse(Guid Id, string Url, IReadOnlyList<string> Events, string? Description, bool Enabled, string? DisabledReason,
    DateTimeOffset? FailingSince, DateTimeOffset? PreviousSecretValidUntil, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static WebhookResponse From(Webhook w, DateTimeOffset now) => new(w.Id, w.Url, w.Events, w.Description, w.Enabled, w.DisabledReason, w.FailingSince,
        w.PreviousSecret is not null && w.PreviousSecretUntil > now ? w.PreviousSecretUntil : null, w.CreatedAt, w.UpdatedAt);
}

/// <summary>A subscription with its signing secret (whsec_…), shown this once; verify each delivery's webhook-signature
/// with it (Standard Webhooks).</summary>
public sealed record WebhookSecretResponse(Guid Id, string Secret, WebhookResponse Webhook);

public sealed record WebhookAttemptResponse(DateTimeOffset AttemptedAt, int? StatusCode, int LatencyMs, string? Error, string? ResponseExcerpt);

/// <summary>One message's delivery to a subscription: pending (with when it is tried next), delivered or failed.</summary>
public sealed record WebhookDeliveryResponse(Guid Id, string MessageId, string Kind, string Status, int Attempts, DateTimeOffset? NextAttemptAt,
    DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, IReadOnlyList<WebhookAttemptResponse> AttemptLog)
{
    public static WebhookDeliveryResponse From(WebhookDeliveryRepository.Delivery d) => new(d.Id, WebhookSignature.MessageId(d.MessageId), d.Kind, d.Status, d.Attempts,
        d.NextAttemptAt, d.CreatedAt, d.FinishedAt,
        d.AttemptLog.Select(a => new WebhookAttemptResponse(a.AttemptedAt, a.StatusCode, a.LatencyMs, a.Error, a.ResponseExcerpt)).ToList());
}

/// <summary>A redelivery queued.</summary>
public sealed record RedeliveryResponse(Guid DeliveryId);
