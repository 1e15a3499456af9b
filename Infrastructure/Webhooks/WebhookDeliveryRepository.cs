using Dapper;
using Traceability.Domain.Webhooks;

namespace Traceability.Infrastructure.Webhooks;

/// <summary>Deliveries of the outbox's messages: as their owner sees and redelivers them, as the dispatcher takes them by
/// lease and records each attempt, and their retention. Times that decide who may take a delivery are Unix milliseconds.</summary>
public sealed class WebhookDeliveryRepository(Database db, WebhookOutbox outbox, WebhookRepository webhooks)
{
    public sealed record Attempt(DateTimeOffset AttemptedAt, int? StatusCode, int LatencyMs, string? Error, string? ResponseExcerpt);

    public sealed record Delivery(Guid Id, long Seq, Guid MessageId, string Kind, string Status, int Attempts, DateTimeOffset? NextAttemptAt,
        DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, IReadOnlyList<Attempt> AttemptLog);

    private const string DeliveriesSql = """
        SELECT {top} d.id, d.seq, d.message_id, m.kind, d.status, d.attempts, d.next_attempt_unix_ms, d.created_at, d.finished_at
        FROM webhook_deliveries d JOIN webhook_messages m ON m.id = d.message_id
        WHERE d.webhook_id = @WebhookId AND d.seq < @Before
        ORDER BY d.seq DESC {limit}
        """;

    private const string AttemptsSql = """
        SELECT delivery_id, attempted_at, status_code, latency_ms, error, response_excerpt
        FROM webhook_attempts WHERE delivery_id IN @Ids ORDER BY seq
        """;

    /// <summary>A subscription's deliveries, newest first, a page at a time (before: a seq from the previous page), each
    /// with its attempts.</summary>
    public async Task<IReadOnlyList<Delivery>> DeliveriesAsync(Guid webhookId, long before, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = (await connection.QueryAsync<DeliveryRow>(new CommandDefinition(db.Sql(DeliveriesSql),
            new { WebhookId = webhookId, Before = before, Limit = limit }, cancellationToken: ct))).ToList();
        if (rows.Count == 0) return [];
        var attempts = (await connection.QueryAsync<AttemptRow>(new CommandDefinition(db.Sql(AttemptsSql), new { Ids = rows.Select(r => r.Id).ToList() }, cancellationToken: ct)))
            .ToLookup(a => a.DeliveryId);
        return rows.Select(r => new Delivery(r.Id, r.Seq, r.MessageId, r.Kind, r.Status, r.Attempts,
            r.Status == "pending" ? DateTimeOffset.FromUnixTimeMilliseconds(r.NextAttemptUnixMs) : null, r.CreatedAt, r.FinishedAt,
            attempts[r.Id].Select(a => new Attempt(a.AttemptedAt, a.StatusCode, a.LatencyMs, a.Error, a.ResponseExcerpt)).ToList())).ToList();
    }

    private const string MessageOfSql = "SELECT message_id FROM webhook_deliveries WHERE id = @Id AND webhook_id = @WebhookId";

    /// <summary>Queues a message again for a subscription (the same webhook-id, so a receiver that has it can tell); null
    /// when the subscription has no such delivery.</summary>
    public async Task<Guid?> RedeliverAsync(Guid webhookId, Guid deliveryId, DateTimeOffset now, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        var messageId = await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(db.Sql(MessageOfSql), new { Id = deliveryId, WebhookId = webhookId }, cancellationToken: ct));
        if (messageId is null) return null;
        return await outbox.QueueAsync(connection, null, webhookId, messageId.Value, now, ct);
    }

    /// <summary>A delivery taken by a dispatcher: what to send, where, signed with which secrets.</summary>
    public sealed record Due(Guid Id, Guid WebhookId, string Url, IReadOnlyList<string> Secrets, Guid MessageId, string Payload, int Attempts,
        DateTimeOffset CreatedAt);

    // The oldest pending delivery of each subscription that is due and not leased: one at a time per subscription keeps
    // its messages in order.
    private const string DueSql = """
        SELECT {top} d.seq FROM webhook_deliveries d
        WHERE d.status = 'pending' AND d.next_attempt_unix_ms <= @Now AND d.lease_until_unix_ms < @Now
          AND d.seq = (SELECT MIN(e.seq) FROM webhook_deliveries e WHERE e.webhook_id = d.webhook_id AND e.status = 'pending')
          AND EXISTS (SELECT 1 FROM webhooks w WHERE w.id = d.webhook_id AND w.enabled = 1)
        ORDER BY d.next_attempt_unix_ms {limit}
        """;

    private const string LeaseSql = """
        UPDATE webhook_deliveries SET lease_holder = @Holder, lease_until_unix_ms = @Until
        WHERE seq IN @Seqs AND status = 'pending' AND lease_until_unix_ms < @Now
        """;

    private const string LeasedSql = """
        SELECT d.id, d.webhook_id, w.url, w.secret, w.previous_secret, w.previous_secret_until, d.message_id, m.payload, d.attempts, d.created_at
        FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN webhook_messages m ON m.id = d.message_id
        WHERE d.seq IN @Seqs AND d.lease_holder = @Holder AND d.lease_until_unix_ms = @Until AND w.enabled = 1
        ORDER BY d.seq
        """;

    private const string ReleaseSql = "UPDATE webhook_deliveries SET lease_holder = NULL, lease_until_unix_ms = 0 WHERE lease_holder = @Holder AND status = 'pending'";

    /// <summary>Gives back every lease <paramref name="holder"/> holds (a process stopping): its deliveries are due again at
    /// once for another process, instead of when their leases would have run out.</summary>
    public async Task<int> ReleaseAsync(string holder, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        using (await db.EnterWriteAsync(ct))
            return await connection.ExecuteAsync(new CommandDefinition(db.Sql(ReleaseSql), new { Holder = holder }, cancellationToken: ct));
    }

    /// <summary>Takes up to <paramref name="limit"/> due deliveries for <paramref name="holder"/> until now +
    /// <paramref name="lease"/>. A lease is taken by one holder only (the UPDATE re-checks it row by row), so several
    /// processes deliver each message once per attempt; a holder that dies lets its leases run out.</summary>
    public async Task<IReadOnlyList<Due>> ClaimAsync(string holder, DateTimeOffset now, TimeSpan lease, int limit, CancellationToken ct)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        await using var connection = await db.OpenAsync(ct);
        var seqs = (await connection.QueryAsync<long>(new CommandDefinition(db.Sql(DueSql), new { Now = nowMs, Limit = limit }, cancellationToken: ct))).ToList();
        if (seqs.Count == 0) return [];
        var args = new { Holder = holder, Until = (now + lease).ToUnixTimeMilliseconds(), Now = nowMs, Seqs = seqs };
        using (await db.EnterWriteAsync(ct))
            if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(LeaseSql), args, cancellationToken: ct)) == 0) return [];
        var rows = await connection.QueryAsync<DueRow>(new CommandDefinition(db.Sql(LeasedSql), args, cancellationToken: ct));
        return rows.Select(r => new Due(r.Id, r.WebhookId, r.Url,
            Webhook.SigningSecrets(webhooks.Open(r.Secret, r.WebhookId), r.PreviousSecret is { } p ? webhooks.Open(p, r.WebhookId) : null, r.PreviousSecretUntil, now),
            r.MessageId, r.Payload, r.Attempts, r.CreatedAt)).ToList();
    }

    /// <summary>What one attempt came to. <paramref name="RetryAt"/>: when to try again (null: delivered, or given up);
    /// <paramref name="DisableReason"/>: the subscription is disabled (a receiver answered 410 Gone, or it failed for days).</summary>
    public sealed record Outcome(Guid DeliveryId, Guid WebhookId, string Holder, bool Delivered, DateTimeOffset? RetryAt, int? StatusCode, int LatencyMs,
        string? Error, string? ResponseExcerpt, DateTimeOffset AttemptedAt, bool GoneForGood = false);

    private const string RecordAttemptSql = """
        INSERT INTO webhook_attempts (delivery_id, attempted_at, status_code, latency_ms, error, response_excerpt)
        VALUES (@DeliveryId, @AttemptedAt, @StatusCode, @LatencyMs, @Error, @ResponseExcerpt)
        """;

    // Only the lease's holder records: a holder whose lease ran out (and was taken over) leaves the books to the new one.
    private const string FinishSql = """
        UPDATE webhook_deliveries SET status = @Status, attempts = attempts + 1, next_attempt_unix_ms = @NextMs, lease_holder = NULL,
            lease_until_unix_ms = 0, finished_at = @FinishedAt
        WHERE id = @DeliveryId AND lease_holder = @Holder
        """;

    private const string SucceededSql = "UPDATE webhooks SET failing_since = NULL WHERE id = @WebhookId AND failing_since IS NOT NULL";
    private const string FailedSql = "UPDATE webhooks SET failing_since = @AttemptedAt WHERE id = @WebhookId AND failing_since IS NULL";
    private const string FailingSinceSql = "SELECT failing_since FROM webhooks WHERE id = @WebhookId";
    private const string DisableSql = "UPDATE webhooks SET enabled = 0, disabled_reason = @Reason, updated_at = @Now WHERE id = @WebhookId AND enabled = 1";

    /// <summary>Records attempts and their consequences in one transaction. A subscription that has been failing for
    /// <paramref name="disableAfter"/> is disabled, and its owner sees why.</summary>
    public async Task RecordAsync(IReadOnlyList<Outcome> outcomes, TimeSpan disableAfter, CancellationToken ct)
    {
        if (outcomes.Count == 0) return;
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        foreach (var o in outcomes)
        {
            var status = o.Delivered ? "delivered" : o.RetryAt is null ? "failed" : "pending";
            var updated = await connection.ExecuteAsync(new CommandDefinition(db.Sql(FinishSql), new
            {
                Status = status, NextMs = (o.RetryAt ?? o.AttemptedAt).ToUnixTimeMilliseconds(), FinishedAt = status == "pending" ? (DateTimeOffset?)null : o.AttemptedAt,
                o.DeliveryId, o.Holder,
            }, transaction, cancellationToken: ct));
            if (updated == 0) continue;
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(RecordAttemptSql), o, transaction, cancellationToken: ct));
            if (o.Delivered)
            {
                await connection.ExecuteAsync(new CommandDefinition(db.Sql(SucceededSql), o, transaction, cancellationToken: ct));
                continue;
            }
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(FailedSql), o, transaction, cancellationToken: ct));
            var since = await connection.ExecuteScalarAsync<DateTimeOffset?>(new CommandDefinition(db.Sql(FailingSinceSql), o, transaction, cancellationToken: ct));
            if (Webhook.DisableReason(o.GoneForGood, since, o.AttemptedAt, disableAfter, o.Error ?? $"HTTP {o.StatusCode}") is { } reason)
                await connection.ExecuteAsync(new CommandDefinition(db.Sql(DisableSql), new { o.WebhookId, Reason = reason, Now = o.AttemptedAt }, transaction, cancellationToken: ct));
        }
        await db.CommitAsync(transaction, ct);
    }

    private const string SweepAttemptsSql = """
        DELETE FROM webhook_attempts WHERE delivery_id IN
            (SELECT id FROM webhook_deliveries WHERE status <> 'pending' AND {instant}(finished_at) < {instant}(@Before))
        """;
    private const string SweepDeliveriesSql = "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND {instant}(finished_at) < {instant}(@Before)";
    // Announcements made by the calendar keep their dedupe key, so that an expiry is never announced twice.
    private const string SweepMessagesSql = """
        DELETE FROM webhook_messages WHERE dedupe_key IS NULL AND {instant}(created_at) < {instant}(@Before)
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.message_id = webhook_messages.id)
        """;

    /// <summary>Forgets deliveries finished (delivered or failed) before <paramref name="before"/>, their attempts, and
    /// the messages no delivery needs any more: the outbox does not grow forever. Returns the deliveries removed.</summary>
    public async Task<int> SweepAsync(DateTimeOffset before, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(SweepAttemptsSql), new { Before = before }, transaction, cancellationToken: ct));
        var removed = await connection.ExecuteAsync(new CommandDefinition(db.Sql(SweepDeliveriesSql), new { Before = before }, transaction, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(SweepMessagesSql), new { Before = before }, transaction, cancellationToken: ct));
        await db.CommitAsync(transaction, ct);
        return removed;
    }

    private sealed class DeliveryRow
    {
        public Guid Id { get; set; }
        public long Seq { get; set; }
        public Guid MessageId { get; set; }
        public string Kind { get; set; } = "";
        public string Status { get; set; } = "";
        public int Attempts { get; set; }
        public long NextAttemptUnixMs { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? FinishedAt { get; set; }
    }

    private sealed class AttemptRow
    {
        public Guid DeliveryId { get; set; }
        public DateTimeOffset AttemptedAt { get; set; }
        public int? StatusCode { get; set; }
        public int LatencyMs { get; set; }
        public string? Error { get; set; }
        public string? ResponseExcerpt { get; set; }
    }

    private sealed class DueRow
    {
        public Guid Id { get; set; }
        public Guid WebhookId { get; set; }
        public string Url { get; set; } = "";
        public string Secret { get; set; } = "";
        public string? PreviousSecret { get; set; }
        public DateTimeOffset? PreviousSecretUntil { get; set; }
        public Guid MessageId { get; set; }
        public string Payload { get; set; } = "";
        public int Attempts { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
    }
}
