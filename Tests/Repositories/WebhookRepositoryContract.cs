using Dapper;
using NUnit.Framework;
using Traceability.Domain;
using Traceability.Domain.Webhooks;
using Traceability.Infrastructure.Repositories;
using Traceability.Infrastructure.Webhooks;

namespace Traceability.Tests.Repositories;

/// <summary>The outbox, subscriptions and delivery leases behave the same on every database.</summary>
public abstract partial class RepositoryContract
{
    private (WebhookOutbox Outbox, WebhookRepository Webhooks, WebhookDeliveryRepository Deliveries) WebhookParts()
    {
        var outbox = new WebhookOutbox(_db);
        var webhooks = new WebhookRepository(_db);
        return (outbox, webhooks, new WebhookDeliveryRepository(_db, outbox, webhooks));
    }

    private async Task<Webhook> NewWebhook(WebhookRepository webhooks, Guid ownerId, params string[] events)
    {
        var w = new Webhook(Guid.CreateVersion7(), Role.Producer, ownerId, "https://hooks.example.vn/" + Guid.NewGuid().ToString("N")[..8], events,
            "Mô tả tiếng Việt", true, null, WebhookSignature.NewSecret(), null, null, null, _now, _now);
        await webhooks.CreateAsync(w, default);
        return w;
    }

    private async Task<int> Announce(WebhookOutbox outbox, bool commit, params WebhookOutbox.Message[] messages)
    {
        await using var connection = await _db.OpenAsync(default);
        using var turn = await _db.EnterWriteAsync(default);
        await using var transaction = await connection.BeginTransactionAsync();
        var queued = await outbox.AddAsync(connection, transaction, messages, _now, default);
        if (commit) await _db.CommitAsync(transaction, default);
        else await transaction.RollbackAsync();
        return queued;
    }

    private async Task<long> Count(string sql, object? args = null)
    {
        await using var connection = await _db.OpenAsync(default);
        return await connection.ExecuteScalarAsync<long>(sql, args);
    }

    [Test]
    public async Task Outbox_QueuesOnlyWhatASubscriptionHears_AndOnlyWhenTheTransactionCommits()
    {
        var (outbox, webhooks, deliveries) = WebhookParts();
        var owner = Guid.CreateVersion7();
        var hook = await NewWebhook(webhooks, owner, WebhookKinds.EventRecorded);
        var heard = new WebhookOutbox.Message(WebhookKinds.EventRecorded, new { Note = "Thu hoạch" }, [owner]);

        Assert.That(await Announce(outbox, commit: false, heard), Is.EqualTo(1));
        Assert.That(await Count("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = @Id", new { hook.Id }), Is.EqualTo(0), "rolled back with its change");
        Assert.That(await Announce(outbox, commit: true, heard,
            new WebhookOutbox.Message(WebhookKinds.BatchCreated, new { }, [owner]),               // a kind it did not subscribe to
            new WebhookOutbox.Message(WebhookKinds.EventRecorded, new { }, [Guid.CreateVersion7()]) // someone else's data
        ), Is.EqualTo(1));
        Assert.That(await Count("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = @Id", new { hook.Id }), Is.EqualTo(1));
        var payload = (await deliveries.ClaimAsync("holder", _now, TimeSpan.FromMinutes(1), 100, default)).Single(d => d.WebhookId == hook.Id).Payload;
        Assert.That(payload, Does.Contain("\"type\":\"event.recorded\"").And.Contain("\"note\":\"Thu hoạch\""));
    }

    [Test]
    public async Task Deliveries_AreLeasedToOneHolder_OneAtATimePerSubscription_InOrder()
    {
        var (outbox, webhooks, deliveries) = WebhookParts();
        var owner = Guid.CreateVersion7();
        var hook = await NewWebhook(webhooks, owner, WebhookKinds.BatchCreated);
        for (var i = 1; i <= 3; i++) await Announce(outbox, true, new WebhookOutbox.Message(WebhookKinds.BatchCreated, new { Lot = i }, [owner]));
        var at = _now.AddMinutes(1);

        var a = (await deliveries.ClaimAsync("a", at, TimeSpan.FromSeconds(60), 100, default)).Where(d => d.WebhookId == hook.Id).ToList();
        var b = (await deliveries.ClaimAsync("b", at, TimeSpan.FromSeconds(60), 100, default)).Where(d => d.WebhookId == hook.Id).ToList();
        Assert.That(a, Has.Count.EqualTo(1), "only the oldest pending delivery of a subscription");
        Assert.That(a[0].Payload, Does.Contain("\"lot\":1"));
        Assert.That(b, Is.Empty, "leased to a");

        // a's lease runs out (a died): b takes the same delivery; a's late bookkeeping is ignored.
        var later = at.AddSeconds(61);
        var taken = (await deliveries.ClaimAsync("b", later, TimeSpan.FromSeconds(60), 100, default)).Single(d => d.WebhookId == hook.Id);
        Assert.That(taken.Id, Is.EqualTo(a[0].Id));
        await deliveries.RecordAsync([new(a[0].Id, hook.Id, "a", true, null, 200, 5, null, null, later)], TimeSpan.FromDays(3), default);
        Assert.That(await Count("SELECT COUNT(*) FROM webhook_attempts WHERE delivery_id = @Id", new { a[0].Id }), Is.EqualTo(0));

        await deliveries.RecordAsync([new(taken.Id, hook.Id, "b", false, later.AddSeconds(5), 500, 7, "HTTP 500", "lỗi", later)], TimeSpan.FromDays(3), default);
        Assert.That((await deliveries.ClaimAsync("b", later.AddSeconds(1), TimeSpan.FromSeconds(60), 100, default)).Where(d => d.WebhookId == hook.Id), Is.Empty,
            "a failed delivery holds back the next until it is due again");
        var retry = (await deliveries.ClaimAsync("b", later.AddSeconds(6), TimeSpan.FromSeconds(60), 100, default)).Single(d => d.WebhookId == hook.Id);
        Assert.That((retry.Id, retry.Attempts), Is.EqualTo((taken.Id, 1)));
        await deliveries.RecordAsync([new(retry.Id, hook.Id, "b", true, null, 204, 3, null, null, later.AddSeconds(6))], TimeSpan.FromDays(3), default);
        var next = (await deliveries.ClaimAsync("b", later.AddSeconds(7), TimeSpan.FromSeconds(60), 100, default)).Single(d => d.WebhookId == hook.Id);
        Assert.That(next.Payload, Does.Contain("\"lot\":2"));

        var log = await deliveries.DeliveriesAsync(hook.Id, long.MaxValue, 10, default);
        Assert.That(log.Select(d => d.Status), Is.EqualTo(new[] { "pending", "pending", "delivered" }), "newest first");
        Assert.That(log[2].AttemptLog.Select(x => x.StatusCode), Is.EqualTo(new int?[] { 500, 204 }));
        Assert.That(log[2].AttemptLog[0].ResponseExcerpt, Is.EqualTo("lỗi"));
    }

    [Test]
    public async Task ASubscription_FailingForDays_IsDisabledWithItsReason()
    {
        var (outbox, webhooks, deliveries) = WebhookParts();
        var owner = Guid.CreateVersion7();
        var hook = await NewWebhook(webhooks, owner, WebhookKinds.BatchCreated);
        await Announce(outbox, true, new WebhookOutbox.Message(WebhookKinds.BatchCreated, new { }, [owner]));
        var first = (await deliveries.ClaimAsync("a", _now, TimeSpan.FromMinutes(1), 100, default)).Single(d => d.WebhookId == hook.Id);
        await deliveries.RecordAsync([new(first.Id, hook.Id, "a", false, _now.AddDays(4), null, 10_000, "No answer within 10 s.", null, _now)], TimeSpan.FromDays(3), default);
        Assert.That((await webhooks.GetAsync(hook.Id, default))!.Enabled, Is.True);

        var again = (await deliveries.ClaimAsync("a", _now.AddDays(4), TimeSpan.FromMinutes(1), 100, default)).Single(d => d.WebhookId == hook.Id);
        await deliveries.RecordAsync([new(again.Id, hook.Id, "a", false, null, 503, 12, "HTTP 503", null, _now.AddDays(4))], TimeSpan.FromDays(3), default);
        var read = (await webhooks.GetAsync(hook.Id, default))!;
        Assert.That(read.Enabled, Is.False);
        Assert.That(read.DisabledReason, Does.Contain("HTTP 503"));
        Assert.That(await deliveries.ClaimAsync("a", _now.AddDays(5), TimeSpan.FromMinutes(1), 100, default), Has.None.Matches<WebhookDeliveryRepository.Due>(d => d.WebhookId == hook.Id));
    }

    [Test]
    public async Task FinishedDeliveries_AreSweptAfterTheirTime_PendingOnesAndNoticesStay()
    {
        var (outbox, webhooks, deliveries) = WebhookParts();
        var owner = Guid.CreateVersion7();
        var hook = await NewWebhook(webhooks, owner, WebhookKinds.BatchCreated);
        await Announce(outbox, true, new WebhookOutbox.Message(WebhookKinds.BatchCreated, new { Lot = 1 }, [owner]),
            new WebhookOutbox.Message(WebhookKinds.BatchCreated, new { Lot = 2 }, [owner]));
        var first = (await deliveries.ClaimAsync("a", _now, TimeSpan.FromMinutes(1), 100, default)).Single(d => d.WebhookId == hook.Id);
        await deliveries.RecordAsync([new(first.Id, hook.Id, "a", true, null, 200, 3, null, null, _now)], TimeSpan.FromDays(3), default);

        Assert.That(await deliveries.SweepAsync(_now.AddSeconds(-1), default), Is.EqualTo(0), "not yet old enough");
        Assert.That(await deliveries.SweepAsync(_now.AddDays(31), default), Is.GreaterThanOrEqualTo(1));
        var left = await deliveries.DeliveriesAsync(hook.Id, long.MaxValue, 10, default);
        Assert.That(left.Select(d => d.Status), Is.EqualTo(new[] { "pending" }), "the pending delivery stays");
        Assert.That(await Count("SELECT COUNT(*) FROM webhook_attempts WHERE delivery_id = @Id", new { first.Id }), Is.EqualTo(0));
        Assert.That(await Count("SELECT COUNT(*) FROM webhook_messages WHERE id = @Id", new { Id = first.MessageId }), Is.EqualTo(0), "its message went with it");
    }

    [Test]
    public async Task Subscriptions_RoundTrip_AndAreListedPerOwner_AndDeletedWithTheirDeliveries()
    {
        var (outbox, webhooks, deliveries) = WebhookParts();
        var owner = Guid.CreateVersion7();
        var hook = await NewWebhook(webhooks, owner, WebhookKinds.SerialsIssued, WebhookKinds.BatchRecalled);
        Assert.That((await webhooks.GetAsync(hook.Id, default))! with { Events = hook.Events }, Is.EqualTo(hook));
        Assert.That((await webhooks.GetAsync(hook.Id, default))!.Events, Is.EqualTo(hook.Events));
        Assert.That((await webhooks.ListAsync(Role.Producer, owner, default)).Select(w => w.Id), Is.EqualTo(new[] { hook.Id }));
        Assert.That(await webhooks.ListAsync(Role.Producer, Guid.CreateVersion7(), default), Is.Empty);

        var rotated = hook with { Secret = WebhookSignature.NewSecret(), PreviousSecret = hook.Secret, PreviousSecretUntil = _now.AddHours(24), UpdatedAt = _now.AddMinutes(1) };
        await webhooks.UpdateAsync(rotated, default);
        Assert.That((await webhooks.GetAsync(hook.Id, default))!.SigningSecrets(_now), Is.EqualTo(new[] { rotated.Secret, hook.Secret }));

        await Announce(outbox, true, new WebhookOutbox.Message(WebhookKinds.BatchRecalled, new { }, [], ToAuthorities: true),
            new WebhookOutbox.Message(WebhookKinds.BatchRecalled, new { }, [owner]));
        Assert.That(await Count("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = @Id", new { hook.Id }), Is.EqualTo(1), "a producer is not an authority");
        var delivery = (await deliveries.DeliveriesAsync(hook.Id, long.MaxValue, 10, default)).Single();
        Assert.That(await deliveries.RedeliverAsync(hook.Id, delivery.Id, _now, default), Is.Not.Null);
        Assert.That(await deliveries.RedeliverAsync(Guid.CreateVersion7(), delivery.Id, _now, default), Is.Null, "another subscription's delivery");
        await webhooks.DeleteAsync(hook.Id, default);
        Assert.That(await webhooks.GetAsync(hook.Id, default), Is.Null);
        Assert.That(await Count("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = @Id", new { hook.Id }), Is.EqualTo(0));
    }
}
