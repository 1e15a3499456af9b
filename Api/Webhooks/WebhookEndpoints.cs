using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Traceability.Api.Auth;
using Traceability.Api.Wire;
using Traceability.Domain;
using Traceability.Domain.Webhooks;
using Traceability.Infrastructure.Repositories;
using Traceability.Infrastructure.Webhooks;

namespace Traceability.Api.Webhooks;

/// <summary>An account's webhook subscriptions and their deliveries. Another account's subscription does not exist to
/// the caller (404).</summary>
public static class WebhookEndpoints
{
    public static RouteGroupBuilder MapWebhookEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/webhooks").WithTags("Webhooks").RequireAuthorization(Policies.Any).RequireScope(KeyScopes.WebhooksManage);
        group.MapPost("/", CreateWebhook).WithName("CreateWebhook")
            .WithSummary("Subscribe a URL to announcements about the caller's own data; the signing secret is shown once. At most Quotas:WebhooksPerAccount subscriptions an account, Quotas:WebhooksPerHost to one host (422).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/", ListWebhooks).WithName("ListWebhooks").WithSummary("The caller's subscriptions.");
        group.MapGet("/{id:guid}", GetWebhook).WithName("GetWebhook").WithSummary("One of the caller's subscriptions, with why it was disabled if it was.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPatch("/{id:guid}", UpdateWebhook).WithName("UpdateWebhook")
            .WithSummary("Change a subscription's url, events, description or enabled (a new host counts against Quotas:WebhooksPerHost).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapDelete("/{id:guid}", DeleteWebhook).WithName("DeleteWebhook").WithSummary("Delete a subscription and its deliveries.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/rotate-secret", RotateSecret).WithName("RotateWebhookSecret")
            .WithSummary("A new signing secret, shown once; the old one also signs for 24 hours, so the receiver can switch without missing a message.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id:guid}/deliveries", ListDeliveries).WithName("ListWebhookDeliveries")
            .WithSummary("The subscription's deliveries, newest first: status, attempts (time, status code, latency, error, up to 1 KB of the answer) and the next try.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/deliveries/{deliveryId:guid}/redeliver", Redeliver).WithName("RedeliverWebhook")
            .WithSummary("Send a delivery's message again (same webhook-id), after the subscription's pending ones.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    public static async Task<Created<WebhookSecretResponse>> CreateWebhook(CreateWebhookRequest request, ClaimsPrincipal user, WebhookRepository webhooks,
        IOptions<WebhookOptions> options, IOptions<Hosting.QuotaOptions> quotas, TimeProvider clock, CancellationToken ct)
    {
        var caller = user.ToCaller();
        var (url, events, description) = request.Validate(caller.Role, options.Value.AllowPrivateTargets);
        var existing = await webhooks.ListAsync(caller.Role, caller.Id, ct);
        CheckQuota(existing, url, quotas.Value);
        var now = clock.GetUtcNow();
        var webhook = new Webhook(Guid.CreateVersion7(now), caller.Role, caller.Id, url, events, description, true, null, WebhookSignature.NewSecret(),
            null, null, null, now, now);
        await webhooks.CreateAsync(webhook, ct);
        return TypedResults.Created(ApiPaths.Webhook(webhook.Id), new WebhookSecretResponse(webhook.Id, webhook.Secret, WebhookResponse.From(webhook, now)));
    }

    /// <summary>At most Quotas:WebhooksPerAccount subscriptions, and Quotas:WebhooksPerHost to one host (422).</summary>
    public static void CheckQuota(IReadOnlyList<Webhook> existing, string url, Hosting.QuotaOptions quotas)
    {
        if (existing.Count >= quotas.WebhooksPerAccount)
            throw new UnprocessableException($"This account has {existing.Count} webhook subscriptions, the most it may (Quotas:WebhooksPerAccount); delete one first.");
        var host = new Uri(url).Host;
        if (existing.Count(w => string.Equals(new Uri(w.Url).Host, host, StringComparison.OrdinalIgnoreCase)) >= quotas.WebhooksPerHost)
            throw new UnprocessableException($"This account has {quotas.WebhooksPerHost} subscriptions to {host}, the most it may to one host "
                                             + "(Quotas:WebhooksPerHost): one subscription hears several kinds.");
    }

    public static async Task<Ok<IReadOnlyList<WebhookResponse>>> ListWebhooks(ClaimsPrincipal user, WebhookRepository webhooks, TimeProvider clock, CancellationToken ct)
    {
        var caller = user.ToCaller();
        var now = clock.GetUtcNow();
        return TypedResults.Ok<IReadOnlyList<WebhookResponse>>((await webhooks.ListAsync(caller.Role, caller.Id, ct)).Select(w => WebhookResponse.From(w, now)).ToList());
    }

    private static async Task<Webhook> LoadAsync(this WebhookRepository webhooks, Guid id, ClaimsPrincipal user, CancellationToken ct) =>
        await webhooks.GetAsync(id, ct) is { } w && w.IsOwnedBy(user.ToCaller()) ? w : throw new NotFoundException("Webhook", id);

    public static async Task<Ok<WebhookResponse>> GetWebhook(Guid id, ClaimsPrincipal user, WebhookRepository webhooks, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(WebhookResponse.From(await webhooks.LoadAsync(id, user, ct), clock.GetUtcNow()));

    public static async Task<Ok<WebhookResponse>> UpdateWebhook(Guid id, UpdateWebhookRequest request, ClaimsPrincipal user, WebhookRepository webhooks,
        IOptions<WebhookOptions> options, IOptions<Hosting.QuotaOptions> quotas, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var current = await webhooks.LoadAsync(id, user, ct);
        var updated = request.Apply(current, options.Value.AllowPrivateTargets, now);
        if (!string.Equals(new Uri(updated.Url).Host, new Uri(current.Url).Host, StringComparison.OrdinalIgnoreCase))
        {
            var caller = user.ToCaller();
            CheckQuota((await webhooks.ListAsync(caller.Role, caller.Id, ct)).Where(w => w.Id != id).ToList(), updated.Url, quotas.Value);
        }
        await webhooks.UpdateAsync(updated, ct);
        return TypedResults.Ok(WebhookResponse.From(updated, now));
    }

    public static async Task<NoContent> DeleteWebhook(Guid id, ClaimsPrincipal user, WebhookRepository webhooks, CancellationToken ct)
    {
        _ = await webhooks.LoadAsync(id, user, ct);
        await webhooks.DeleteAsync(id, ct);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<WebhookSecretResponse>> RotateSecret(Guid id, ClaimsPrincipal user, WebhookRepository webhooks, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var w = await webhooks.LoadAsync(id, user, ct);
        // A secret sealed under an earlier Webhooks:SecretKey cannot sign any more: it is not kept as the previous one.
        var previous = w.Secret == Infrastructure.Webhooks.WebhookSecrets.Unopenable ? null : w.Secret;
        var rotated = w with
        {
            Secret = WebhookSignature.NewSecret(), PreviousSecret = previous, PreviousSecretUntil = previous is null ? null : now + Webhook.RotationOverlap, UpdatedAt = now,
        };
        await webhooks.UpdateAsync(rotated, ct);
        return TypedResults.Ok(new WebhookSecretResponse(rotated.Id, rotated.Secret, WebhookResponse.From(rotated, now)));
    }

    public static async Task<Ok<PageResponse<WebhookDeliveryResponse>>> ListDeliveries(Guid id, string? cursor, int? limit, ClaimsPrincipal user,
        WebhookRepository webhooks, WebhookDeliveryRepository deliveries, CancellationToken ct)
    {
        var (after, size) = Cursor.Read(cursor, limit);
        _ = await webhooks.LoadAsync(id, user, ct);
        var page = await deliveries.DeliveriesAsync(id, after == 0 ? long.MaxValue : after, size, ct);
        return TypedResults.Ok(new PageResponse<WebhookDeliveryResponse>(page.Select(WebhookDeliveryResponse.From).ToList(),
            page.Count == size ? Cursor.Encode(page[^1].Seq) : null));
    }

    public static async Task<Accepted<RedeliveryResponse>> Redeliver(Guid id, Guid deliveryId, ClaimsPrincipal user, WebhookRepository webhooks,
        WebhookDeliveryRepository deliveries, TimeProvider clock, CancellationToken ct)
    {
        _ = await webhooks.LoadAsync(id, user, ct);
        var queued = await deliveries.RedeliverAsync(id, deliveryId, clock.GetUtcNow(), ct) ?? throw new NotFoundException("Delivery", deliveryId);
        return TypedResults.Accepted(ApiPaths.WebhookDeliveries(id), new RedeliveryResponse(queued));
    }
}
