using Dapper;
using Traceability.Domain;

namespace Traceability.Infrastructure.Repositories;

public sealed class CertificationRepository(Database db, Webhooks.WebhookOutbox? outbox = null)
{
    private const string InsertSql = """
        INSERT INTO ocop_certifications (id, product_id, authority_id, stars, decision_number, issued_by, issued_on, valid_until, created_at)
        VALUES (@Id, @ProductId, @AuthorityId, @Stars, @DecisionNumber, @IssuedBy, @IssuedOn, @ValidUntil, @CreatedAt)
        """;

    private const string ProducerOfSql = "SELECT producer_id FROM products WHERE id = @ProductId";

    /// <summary>Stores a certification and announces it (certification.recorded, to the product's producer and the
    /// certifying authority) in one transaction.</summary>
    public async Task CreateAsync(OcopCertification c, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertSql), c, transaction, cancellationToken: ct));
        if (outbox is not null)
        {
            var producerId = await connection.ExecuteScalarAsync<Guid>(new CommandDefinition(db.Sql(ProducerOfSql), new { c.ProductId }, transaction, cancellationToken: ct));
            await outbox.AddAsync(connection, transaction, [Announcement(outbox, Domain.Webhooks.WebhookKinds.CertificationRecorded, c, producerId, null)], c.CreatedAt, ct);
        }
        await db.CommitAsync(transaction, ct);
    }

    /// <summary>certification.recorded, or certification.expiring with the days left and the notice it is (30 or 7 days,
    /// announced once each), to the product's producer and the certifying authority.</summary>
    public static Webhooks.WebhookOutbox.Message Announcement(Webhooks.WebhookOutbox outbox, string kind, OcopCertification c, Guid producerId,
        (int DaysLeft, int Notice)? expiry) =>
        new(kind, new Domain.Webhooks.CertificationData(c.Id, c.ProductId, producerId, c.AuthorityId, c.Stars, c.DecisionNumber, c.IssuedOn, c.ValidUntil,
                expiry?.DaysLeft, new($"{outbox.BaseUrl}/api/v1/products/{c.ProductId}/ocop-certifications", $"{outbox.BaseUrl}/api/v1/products/{c.ProductId}")),
            [producerId, c.AuthorityId], DedupeKey: expiry is { } e ? $"certification.expiring:{c.Id}:{e.Notice}" : null);

    internal const string Columns = "id, product_id, authority_id, stars, decision_number, issued_by, issued_on, valid_until, created_at";
    internal const string NewestFirst = "ORDER BY issued_on DESC, seq DESC";
    private const string ListSql = $"SELECT {Columns} FROM ocop_certifications WHERE product_id = @ProductId {NewestFirst}";

    /// <summary>The product's certification history, newest decision first.</summary>
    public async Task<IReadOnlyList<OcopCertification>> ListForProductAsync(Guid productId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(db.Sql(ListSql), new { ProductId = productId }, cancellationToken: ct));
        return rows.Select(r => r.ToCertification()).ToList();
    }

    internal class Row
    {
        public Guid Id { get; set; }
        public Guid ProductId { get; set; }
        public Guid AuthorityId { get; set; }
        public int Stars { get; set; }
        public string DecisionNumber { get; set; } = "";
        public string IssuedBy { get; set; } = "";
        public DateOnly IssuedOn { get; set; }
        public DateOnly ValidUntil { get; set; }
        public DateTimeOffset CreatedAt { get; set; }

        public OcopCertification ToCertification() =>
            new(Id, ProductId, AuthorityId, Stars, DecisionNumber, IssuedBy, IssuedOn, ValidUntil, CreatedAt);
    }
}
