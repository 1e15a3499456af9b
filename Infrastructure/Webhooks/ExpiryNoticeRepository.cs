using Dapper;
using Traceability.Domain.Webhooks;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Infrastructure.Webhooks;

/// <summary>Announcements the calendar makes: a product's latest certification nearing its end.</summary>
public sealed class ExpiryNoticeRepository(Database db, IAnnouncements announce)
{
    private const string ExpiringSql = $"""
        SELECT {CertificationRepository.Columns}, (SELECT p.producer_id FROM products p WHERE p.id = c.product_id) AS producer_id
        FROM ocop_certifications c
        WHERE c.valid_until >= @Today AND c.valid_until <= @Horizon
          AND NOT EXISTS (SELECT 1 FROM ocop_certifications n WHERE n.product_id = c.product_id AND n.valid_until > c.valid_until)
        """;

    private const string AnnouncedSql = "SELECT COUNT(*) FROM webhook_messages WHERE dedupe_key = @Key";

    /// <summary>Announces certification.expiring for each product's latest certification 30 days before its validUntil
    /// (from 30 down to 8 days left) and 7 days before (7 down to 0), once each (a dedupe key), counted in Vietnam time.
    /// Returns how many deliveries were queued.</summary>
    public async Task<int> QueueExpiringAsync(DateOnly today, DateTimeOffset now, CancellationToken ct)
    {
        var horizon = today.AddDays(WebhookKinds.ExpiryNoticeDays.Max());
        await using var connection = await db.OpenAsync(ct);
        var rows = (await connection.QueryAsync<ExpiringRow>(new CommandDefinition(db.Sql(ExpiringSql), new { Today = today, Horizon = horizon }, cancellationToken: ct))).ToList();
        var queued = 0;
        foreach (var r in rows)
        {
            var daysLeft = r.ValidUntil.DayNumber - today.DayNumber;
            var notice = WebhookKinds.ExpiryNoticeDays.Where(d => daysLeft <= d).Min();
            var expiry = new ExpiryNotice(r.ToCertification(), r.ProducerId, daysLeft, notice);
            if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(AnnouncedSql), new { Key = expiry.DedupeKey }, cancellationToken: ct)) > 0) continue;
            using var turn = await db.EnterWriteAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            try
            {
                queued += await announce.CertificationExpiringAsync(connection, transaction, expiry, now, ct);
                await db.CommitAsync(transaction, ct);
            }
            catch (Exception e) when (db.Dialect.IsUniqueViolation(e))
            {
                await transaction.RollbackAsync(ct);  // another process announced it first
            }
        }
        return queued;
    }

    private sealed class ExpiringRow : CertificationRepository.Row
    {
        public Guid ProducerId { get; set; }
    }
}
