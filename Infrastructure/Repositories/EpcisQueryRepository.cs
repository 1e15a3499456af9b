using System.Data.Common;
using Dapper;
using Traceability.Domain;
using Traceability.Domain.Webhooks;
using Traceability.Infrastructure.Webhooks;

namespace Traceability.Infrastructure.Repositories;

/// <summary>Named EPCIS queries and their subscriptions (migration epcis_queries).</summary>
public sealed class EpcisQueryRepository(Database db, WebhookRepository webhooks, WebhookOutbox outbox)
{
    /// <summary>A named query: its owner and its SimpleEventQuery parameters as a query string.</summary>
    public sealed record Query(Guid Id, Role OwnerRole, Guid OwnerId, string Name, string Parameters, DateTimeOffset CreatedAt);

    /// <summary>A subscription: its query, the webhook it delivers through, stream or schedule (JSON of its fields),
    /// reportIfEmpty, and the record time up to which it has delivered.</summary>
    public sealed record Subscription(Guid Id, Guid QueryId, Guid WebhookId, bool Stream, string? Schedule, bool ReportIfEmpty, DateTimeOffset Cursor,
        DateTimeOffset CreatedAt);

    private const string InsertQuerySql = """
        INSERT INTO epcis_queries (id, owner_role, owner_id, name, query, created_at) VALUES (@Id, @OwnerRole, @OwnerId, @Name, @Parameters, @CreatedAt)
        """;

    /// <summary>Stores a named query; false when its owner has one of that name.</summary>
    public async Task<bool> CreateAsync(Query q, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertQuerySql),
                new { q.Id, OwnerRole = WireEnum<Role>.Name(q.OwnerRole), q.OwnerId, q.Name, q.Parameters, q.CreatedAt }, cancellationToken: ct));
            return true;
        }
        catch (Exception e) when (db.Dialect.IsUniqueViolation(e))
        {
            return false;
        }
    }

    private const string QueryColumns = "id, owner_role, owner_id, name, query AS parameters, created_at";
    private const string GetQuerySql = $"SELECT {QueryColumns} FROM epcis_queries WHERE owner_role = @OwnerRole AND owner_id = @OwnerId AND name = @Name";
    private const string ListQueriesSql = $"SELECT {QueryColumns} FROM epcis_queries WHERE owner_role = @OwnerRole AND owner_id = @OwnerId ORDER BY seq";

    public async Task<Query?> GetAsync(Role ownerRole, Guid ownerId, string name, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<QueryRow>(new CommandDefinition(db.Sql(GetQuerySql),
            new { OwnerRole = WireEnum<Role>.Name(ownerRole), OwnerId = ownerId, Name = name }, cancellationToken: ct)))?.ToQuery();
    }

    public async Task<IReadOnlyList<Query>> ListAsync(Role ownerRole, Guid ownerId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<QueryRow>(new CommandDefinition(db.Sql(ListQueriesSql),
            new { OwnerRole = WireEnum<Role>.Name(ownerRole), OwnerId = ownerId }, cancellationToken: ct))).Select(r => r.ToQuery()).ToList();
    }

    private const string DeleteSubscriptionsOfQuerySql = "DELETE FROM epcis_subscriptions WHERE query_id = @Id";
    private const string DeleteWebhooksOfQuerySql = "DELETE FROM webhooks WHERE id IN (SELECT webhook_id FROM epcis_subscriptions WHERE query_id = @Id)";
    private const string DeleteDeliveriesOfQuerySql = """
        DELETE FROM webhook_deliveries WHERE webhook_id IN (SELECT webhook_id FROM epcis_subscriptions WHERE query_id = @Id)
        """;
    private const string DeleteAttemptsOfQuerySql = """
        DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT d.id FROM webhook_deliveries d JOIN epcis_subscriptions s ON s.webhook_id = d.webhook_id
            WHERE s.query_id = @Id)
        """;
    private const string DeleteQuerySql = "DELETE FROM epcis_queries WHERE id = @Id";

    /// <summary>Deletes a query with its subscriptions and their webhooks (and those webhooks' deliveries).</summary>
    public async Task DeleteAsync(Guid queryId, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        foreach (var sql in new[] { DeleteAttemptsOfQuerySql, DeleteDeliveriesOfQuerySql, DeleteWebhooksOfQuerySql, DeleteSubscriptionsOfQuerySql, DeleteQuerySql })
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(sql), new { Id = queryId }, transaction, cancellationToken: ct));
        await db.CommitAsync(transaction, ct);
    }

    private const string InsertSubscriptionSql = """
        INSERT INTO epcis_subscriptions (id, query_id, webhook_id, stream, schedule, report_if_empty, cursor_time, next_run_unix_ms, lease_until_unix_ms, created_at)
        VALUES (@Id, @QueryId, @WebhookId, @Stream, @Schedule, @ReportIfEmpty, @Cursor, @NextRun, 0, @CreatedAt)
        """;

    /// <summary>Stores a subscription and the webhook it delivers through, in one transaction.</summary>
    public async Task SubscribeAsync(Subscription s, Webhook webhook, DateTimeOffset firstRun, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await webhooks.CreateAsync(connection, transaction, webhook, ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertSubscriptionSql), new
        {
            s.Id, s.QueryId, s.WebhookId, s.Stream, s.Schedule, s.ReportIfEmpty, s.Cursor, NextRun = firstRun.ToUnixTimeMilliseconds(), s.CreatedAt,
        }, transaction, cancellationToken: ct));
        await db.CommitAsync(transaction, ct);
    }

    private const string SubscriptionColumns = "s.id, s.query_id, s.webhook_id, s.stream, s.schedule, s.report_if_empty, s.cursor_time AS cursor_at, s.created_at";
    private const string SubscriptionsOfSql = $"SELECT {SubscriptionColumns} FROM epcis_subscriptions s WHERE s.query_id = @QueryId ORDER BY s.seq";

    public async Task<IReadOnlyList<Subscription>> SubscriptionsAsync(Guid queryId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<SubscriptionRow>(new CommandDefinition(db.Sql(SubscriptionsOfSql), new { QueryId = queryId }, cancellationToken: ct)))
            .Select(r => r.ToSubscription()).ToList();
    }

    private const string DeleteSubscriptionSql = "DELETE FROM epcis_subscriptions WHERE id = @Id AND query_id = @QueryId";
    private const string DeleteAttemptsSql = "DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE webhook_id = @WebhookId)";
    private const string DeleteDeliveriesSql = "DELETE FROM webhook_deliveries WHERE webhook_id = @WebhookId";
    private const string DeleteWebhookSql = "DELETE FROM webhooks WHERE id = @WebhookId";

    /// <summary>Ends a subscription and its webhook; false when the query has no such subscription.</summary>
    public async Task<bool> UnsubscribeAsync(Guid queryId, Guid subscriptionId, CancellationToken ct)
    {
        var subscription = (await SubscriptionsAsync(queryId, ct)).FirstOrDefault(s => s.Id == subscriptionId);
        if (subscription is null) return false;
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(DeleteSubscriptionSql), new { Id = subscriptionId, QueryId = queryId }, transaction, cancellationToken: ct));
        foreach (var sql in new[] { DeleteAttemptsSql, DeleteDeliveriesSql, DeleteWebhookSql })
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(sql), new { subscription.WebhookId }, transaction, cancellationToken: ct));
        await db.CommitAsync(transaction, ct);
        return true;
    }

    /// <summary>A subscription due to run, with its query.</summary>
    public sealed record Due(Subscription Subscription, Query Query);

    private const string DueSql = $"""
        SELECT {SubscriptionColumns}, q.owner_role, q.owner_id, q.name, q.query AS parameters, q.created_at AS query_created_at
        FROM epcis_subscriptions s JOIN epcis_queries q ON q.id = s.query_id
        WHERE (s.stream = 1 OR s.next_run_unix_ms <= @Now) AND s.lease_until_unix_ms < @Now
        ORDER BY s.seq
        """;

    private const string LeaseSql = "UPDATE epcis_subscriptions SET lease_until_unix_ms = @Until WHERE id = @Id AND lease_until_unix_ms < @Now";

    /// <summary>The subscriptions due at <paramref name="now"/> that this process could lease for <paramref name="lease"/>
    /// (so that, with several processes on one database, each runs once).</summary>
    public async Task<IReadOnlyList<Due>> ClaimAsync(DateTimeOffset now, TimeSpan lease, CancellationToken ct)
    {
        List<DueRow> rows;
        await using (var read = await db.OpenAsync(ct))
            rows = (await read.QueryAsync<DueRow>(new CommandDefinition(db.Sql(DueSql), new { Now = now.ToUnixTimeMilliseconds() }, cancellationToken: ct))).AsList();
        if (rows.Count == 0) return [];
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        var claimed = new List<Due>();
        foreach (var r in rows)
            if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(LeaseSql),
                    new { r.Id, Until = (now + lease).ToUnixTimeMilliseconds(), Now = now.ToUnixTimeMilliseconds() }, cancellationToken: ct)) == 1)
                claimed.Add(new Due(r.ToSubscription(), new Query(r.QueryId, WireEnum<Role>.Parse(r.OwnerRole), r.OwnerId, r.Name, r.Parameters, r.QueryCreatedAt)));
        return claimed;
    }

    private const string AdvanceSql = """
        UPDATE epcis_subscriptions SET cursor_time = @Cursor, next_run_unix_ms = @NextRun, lease_until_unix_ms = 0 WHERE id = @Id
        """;

    /// <summary>Queues a run's results for the subscription's webhook and moves its cursor past them, in one transaction:
    /// a run whose process dies before the commit queues nothing and runs again.</summary>
    public async Task AdvanceAsync(Subscription s, IReadOnlyList<object> results, DateTimeOffset cursor, DateTimeOffset nextRun, DateTimeOffset now, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        foreach (var data in results) await outbox.AddForAsync(connection, transaction, s.WebhookId, WebhookKinds.EpcisQueryResults, data, now, ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(AdvanceSql),
            new { s.Id, Cursor = cursor, NextRun = nextRun.ToUnixTimeMilliseconds() }, transaction, cancellationToken: ct));
        await db.CommitAsync(transaction, ct);
    }

    private sealed class QueryRow
    {
        public Guid Id { get; set; }
        public string OwnerRole { get; set; } = "";
        public Guid OwnerId { get; set; }
        public string Name { get; set; } = "";
        public string Parameters { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }

        public Query ToQuery() => new(Id, WireEnum<Role>.Parse(OwnerRole), OwnerId, Name, Parameters, CreatedAt);
    }

    private class SubscriptionRow
    {
        public Guid Id { get; set; }
        public Guid QueryId { get; set; }
        public Guid WebhookId { get; set; }
        public bool Stream { get; set; }
        public string? Schedule { get; set; }
        public bool ReportIfEmpty { get; set; }
        public DateTimeOffset CursorAt { get; set; }
        public DateTimeOffset CreatedAt { get; set; }

        public Subscription ToSubscription() => new(Id, QueryId, WebhookId, Stream, Schedule, ReportIfEmpty, CursorAt, CreatedAt);
    }

    private sealed class DueRow : SubscriptionRow
    {
        public string OwnerRole { get; set; } = "";
        public Guid OwnerId { get; set; }
        public string Name { get; set; } = "";
        public string Parameters { get; set; } = "";
        public DateTimeOffset QueryCreatedAt { get; set; }
    }
}
