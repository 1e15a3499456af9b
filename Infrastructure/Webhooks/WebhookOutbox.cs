using System.Data.Common;
using System.Text.Json;
using Dapper;
using Traceability.Domain.Webhooks;

namespace Traceability.Infrastructure.Webhooks;

/// <summary>The transactional outbox: a change that a webhook announces writes its announcement, and one delivery per
/// subscription that hears it, in the change's own transaction. So an announcement exists exactly when its change was
/// committed: none is lost when a process dies after the commit, none is sent for a change rolled back. The dispatcher
/// (Api/Webhooks) delivers from here. When no enabled subscription hears a kind, nothing is written (one small read).</summary>
public sealed class WebhookOutbox(Database db)
{
    /// <summary>One announcement: its kind, its data, and who hears it — the accounts in <paramref name="Audience"/>,
    /// every authority when <paramref name="ToAuthorities"/>, and the admin's subscriptions always.</summary>
    public sealed record Message(string Kind, object Data, IReadOnlyCollection<Guid> Audience, bool ToAuthorities = false, string? DedupeKey = null);

    private const string SubscriptionsSql = "SELECT id AS Id, owner_role AS OwnerRole, owner_id AS OwnerId, events AS Events FROM webhooks WHERE enabled = 1";

    private const string InsertMessageSql = """
        INSERT INTO webhook_messages (id, kind, payload, dedupe_key, created_at) VALUES (@Id, @Kind, @Payload, @DedupeKey, @CreatedAt)
        """;

    private const string InsertDeliverySql = """
        INSERT INTO webhook_deliveries (id, webhook_id, message_id, status, attempts, next_attempt_unix_ms, lease_until_unix_ms, created_at)
        VALUES (@Id, @WebhookId, @MessageId, 'pending', 0, @Due, 0, @CreatedAt)
        """;

    /// <summary>Writes the messages some subscription hears, and their deliveries, inside the caller's transaction.
    /// Returns how many deliveries were queued.</summary>
    public async Task<int> AddAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<Message> messages, DateTimeOffset now, CancellationToken ct)
    {
        if (messages.Count == 0) return 0;
        var subscriptions = (await connection.QueryAsync<Subscription>(new CommandDefinition(db.Sql(SubscriptionsSql), transaction: transaction, cancellationToken: ct))).ToList();
        if (subscriptions.Count == 0) return 0;
        // Made once and run for each message and delivery (a bulk sync heard by 50 subscriptions writes 20,000 rows).
        await using var insertMessage = new Repositories.RepeatedCommand(connection, transaction, db.Sql(InsertMessageSql), "Id", "Kind", "Payload", "DedupeKey", "CreatedAt");
        await using var insertDelivery = new Repositories.RepeatedCommand(connection, transaction, db.Sql(InsertDeliverySql), "Id", "WebhookId", "MessageId", "Due", "CreatedAt");
        var deliveries = 0;
        foreach (var message in messages)
        {
            var hearing = subscriptions.Where(s => s.Hears(message)).ToList();
            if (hearing.Count == 0) continue;
            var id = Guid.CreateVersion7(now);
            var payload = JsonSerializer.Serialize(new WebhookEnvelope<object>(message.Kind, WebhookKinds.PayloadVersion, now, message.Data), Json.Announced);
            await insertMessage.ExecuteAsync(ct, id, message.Kind, payload, message.DedupeKey, now);
            foreach (var subscription in hearing)
                await insertDelivery.ExecuteAsync(ct, Guid.CreateVersion7(now), subscription.Id, id, now.ToUnixTimeMilliseconds(), now);
            deliveries += hearing.Count;
        }
        return deliveries;
    }

    /// <summary>Writes one message for one subscription alone (an EPCIS query subscription's results), inside the caller's
    /// transaction; nothing when that subscription is gone or disabled. Returns whether it was queued.</summary>
    public async Task<bool> AddForAsync(DbConnection connection, DbTransaction transaction, Guid webhookId, string kind, object data, DateTimeOffset now,
        CancellationToken ct)
    {
        var enabled = await connection.ExecuteScalarAsync<int>(new CommandDefinition(db.Sql(EnabledSql), new { Id = webhookId }, transaction, cancellationToken: ct));
        if (enabled == 0) return false;
        var id = Guid.CreateVersion7(now);
        var payload = JsonSerializer.Serialize(new WebhookEnvelope<object>(kind, WebhookKinds.PayloadVersion, now, data), Json.Announced);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertMessageSql),
            new { Id = id, Kind = kind, Payload = payload, DedupeKey = (string?)null, CreatedAt = now }, transaction, cancellationToken: ct));
        await QueueAsync(connection, transaction, webhookId, id, now, ct);
        return true;
    }

    private const string EnabledSql = "SELECT COUNT(*) FROM webhooks WHERE id = @Id AND enabled = 1";

    /// <summary>Queues a stored message once more for one subscription (a redelivery its owner asked for); returns the new
    /// delivery's id.</summary>
    public async Task<Guid> QueueAsync(DbConnection connection, DbTransaction? transaction, Guid webhookId, Guid messageId, DateTimeOffset now, CancellationToken ct)
    {
        var id = Guid.CreateVersion7(now);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertDeliverySql),
            new { Id = id, WebhookId = webhookId, MessageId = messageId, Due = now.ToUnixTimeMilliseconds(), CreatedAt = now }, transaction, cancellationToken: ct));
        return id;
    }

    private sealed class Subscription
    {
        public Guid Id { get; set; }
        public string OwnerRole { get; set; } = "";
        public Guid? OwnerId { get; set; }
        public string Events { get; set; } = "";

        public bool Hears(Message m) =>
            Events.Split(' ').Contains(m.Kind, StringComparer.Ordinal)
            && (OwnerRole == "admin" || (OwnerId is { } owner && m.Audience.Contains(owner)) || (m.ToAuthorities && OwnerRole == "authority"));
    }
}
