using Dapper;
using Traceability.Domain;
using Traceability.Domain.Webhooks;

namespace Traceability.Infrastructure.Webhooks;

/// <summary>Webhook subscriptions (migration webhooks): what an owner creates, reads, changes and deletes. Secrets
/// are sealed at rest (<see cref="WebhookSecrets"/>).</summary>
public sealed class WebhookRepository(Database db, WebhookSecrets? secrets = null)
{
    private const string Columns = """
        id, owner_role, owner_id, url, events, description, enabled, disabled_reason, secret, previous_secret, previous_secret_until,
        failing_since, created_at, updated_at
        """;

    private const string InsertSql = $"""
        INSERT INTO webhooks ({Columns})
        VALUES (@Id, @OwnerRole, @OwnerId, @Url, @Events, @Description, @Enabled, @DisabledReason, @Secret, @PreviousSecret, @PreviousSecretUntil,
            @FailingSince, @CreatedAt, @UpdatedAt)
        """;

    public async Task CreateAsync(Webhook w, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertSql), Parameters(w), cancellationToken: ct));
    }

    /// <summary>Creates the webhook in the caller's transaction (with what it is created for).</summary>
    public Task CreateAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, Webhook w, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertSql), Parameters(w), transaction, cancellationToken: ct));

    private const string GetSql = $"SELECT {Columns} FROM webhooks WHERE id = @Id";

    public async Task<Webhook?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(db.Sql(GetSql), new { Id = id }, cancellationToken: ct)))?.ToWebhook(Open);
    }

    private const string ListSql = $"SELECT {Columns} FROM webhooks WHERE owner_role = @OwnerRole AND (owner_id = @OwnerId OR (owner_id IS NULL AND @OwnerId IS NULL)) ORDER BY seq";

    /// <summary>An account's subscriptions, oldest first.</summary>
    public async Task<IReadOnlyList<Webhook>> ListAsync(Role ownerRole, Guid? ownerId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(db.Sql(ListSql), new { OwnerRole = WireEnum<Role>.Name(ownerRole), OwnerId = ownerId }, cancellationToken: ct));
        return rows.Select(r => r.ToWebhook(Open)).ToList();
    }

    private const string UpdateSql = """
        UPDATE webhooks SET url = @Url, events = @Events, description = @Description, enabled = @Enabled, disabled_reason = @DisabledReason,
            secret = @Secret, previous_secret = @PreviousSecret, previous_secret_until = @PreviousSecretUntil, failing_since = @FailingSince,
            updated_at = @UpdatedAt
        WHERE id = @Id
        """;

    /// <summary>Stores what an owner changed (url, kinds, description, enabled, a rotated secret).</summary>
    public async Task UpdateAsync(Webhook w, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(UpdateSql), Parameters(w), cancellationToken: ct));
    }

    private const string DeleteAttemptsSql = "DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE webhook_id = @Id)";
    private const string DeleteDeliveriesSql = "DELETE FROM webhook_deliveries WHERE webhook_id = @Id";
    private const string DeleteSql = "DELETE FROM webhooks WHERE id = @Id";

    /// <summary>Deletes a subscription with its deliveries and their attempts; nothing more is sent to it.</summary>
    public async Task DeleteAsync(Guid id, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        foreach (var sql in new[] { DeleteAttemptsSql, DeleteDeliveriesSql, DeleteSql })
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(sql), new { Id = id }, transaction, cancellationToken: ct));
        await db.CommitAsync(transaction, ct);
    }

    internal string Open(string stored, Guid webhookId) => secrets?.Open(stored, webhookId) ?? stored;

    private string Seal(string secret, Guid webhookId) => secrets?.Seal(secret, webhookId) ?? secret;

    private object Parameters(Webhook w) => new
    {
        w.Id, OwnerRole = WireEnum<Role>.Name(w.OwnerRole), w.OwnerId, w.Url, Events = string.Join(' ', w.Events), w.Description, w.Enabled, w.DisabledReason,
        Secret = Seal(w.Secret, w.Id), PreviousSecret = w.PreviousSecret is { } previous ? Seal(previous, w.Id) : null, w.PreviousSecretUntil, w.FailingSince,
        w.CreatedAt, w.UpdatedAt,
    };

    private sealed class Row
    {
        public Guid Id { get; set; }
        public string OwnerRole { get; set; } = "";
        public Guid? OwnerId { get; set; }
        public string Url { get; set; } = "";
        public string Events { get; set; } = "";
        public string? Description { get; set; }
        public bool Enabled { get; set; }
        public string? DisabledReason { get; set; }
        public string Secret { get; set; } = "";
        public string? PreviousSecret { get; set; }
        public DateTimeOffset? PreviousSecretUntil { get; set; }
        public DateTimeOffset? FailingSince { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset UpdatedAt { get; set; }

        public Webhook ToWebhook(Func<string, Guid, string> open) => new(Id, WireEnum<Role>.Parse(OwnerRole), OwnerId, Url,
            Events.Split(' ', StringSplitOptions.RemoveEmptyEntries), Description, Enabled, DisabledReason, open(Secret, Id),
            PreviousSecret is { } previous ? open(previous, Id) : null, PreviousSecretUntil, FailingSince, CreatedAt, UpdatedAt);
    }
}
