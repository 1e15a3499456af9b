using Dapper;
using Traceability.Domain;

namespace Traceability.Infrastructure.Repositories;

public sealed class CertificationRepository(Database db, Webhooks.IAnnouncements announce)
{
    private const string InsertSql = """
        INSERT INTO ocop_certifications (id, product_id, authority_id, stars, decision_number, issued_by, issued_on, valid_until, created_at,
            issuer_level, product_name, product_category, product_gtin)
        VALUES (@Id, @ProductId, @AuthorityId, @Stars, @DecisionNumber, @IssuedBy, @IssuedOn, @ValidUntil, @CreatedAt,
            @IssuerLevel, @ProductName, @ProductCategory, @ProductGtin)
        """;

    private const string ProducerOfSql = "SELECT producer_id FROM products WHERE id = @ProductId";

    /// <summary>Stores a certification and announces it (certification.recorded, to the product's producer and the
    /// certifying authority) in one transaction.</summary>
    public async Task CreateAsync(OcopCertification c, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertSql), new
        {
            c.Id, c.ProductId, c.AuthorityId, c.Stars, c.DecisionNumber, c.IssuedBy, c.IssuedOn, c.ValidUntil, c.CreatedAt,
            IssuerLevel = c.IssuerLevel is { } level ? WireEnum<AuthorityLevel>.Name(level) : null,
            ProductName = c.Product?.Name, ProductCategory = c.Product is { } p ? WireEnum<ProductCategory>.Name(p.Category) : null, ProductGtin = c.Product?.Gtin,
        }, transaction, cancellationToken: ct));
        var producerId = await connection.ExecuteScalarAsync<Guid>(new CommandDefinition(db.Sql(ProducerOfSql), new { c.ProductId }, transaction, cancellationToken: ct));
        await announce.CertificationRecordedAsync(connection, transaction, c, producerId, ct);
        await db.CommitAsync(transaction, ct);
    }

    internal const string Columns = """
        id, product_id, authority_id, stars, decision_number, issued_by, issued_on, valid_until, created_at, issuer_level,
        product_name, product_category, product_gtin, withdrawn_at, withdrawn_by, withdrawn_by_name, withdrawal_reason
        """;
    internal const string NewestFirst = "ORDER BY issued_on DESC, seq DESC";
    private const string ListSql = $"SELECT {Columns} FROM ocop_certifications WHERE product_id = @ProductId {NewestFirst}";

    /// <summary>The product's certification history, newest decision first.</summary>
    public async Task<IReadOnlyList<OcopCertification>> ListForProductAsync(Guid productId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(db.Sql(ListSql), new { ProductId = productId }, cancellationToken: ct));
        return rows.Select(r => r.ToCertification()).ToList();
    }

    private const string WithdrawSql = """
        UPDATE ocop_certifications SET withdrawn_at = @At, withdrawn_by = @By, withdrawn_by_name = @ByName, withdrawal_reason = @Reason
        WHERE id = @Id AND product_id = @ProductId AND withdrawn_at IS NULL
        """;

    /// <summary>Withdraws a certification (it stays in the history, marked); false when it was withdrawn already. The
    /// product's records change with it (the trigger of migration record_versions).</summary>
    public async Task<bool> WithdrawAsync(Guid productId, Guid id, CertificationWithdrawal w, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var changed = await connection.ExecuteAsync(new CommandDefinition(db.Sql(WithdrawSql),
            new { Id = id, ProductId = productId, w.At, By = w.ByAuthorityId, w.ByName, w.Reason }, transaction, cancellationToken: ct));
        await db.CommitAsync(transaction, ct);
        return changed == 1;
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
        public string? IssuerLevel { get; set; }
        public string? ProductName { get; set; }
        public string? ProductCategory { get; set; }
        public string? ProductGtin { get; set; }
        public DateTimeOffset? WithdrawnAt { get; set; }
        public Guid? WithdrawnBy { get; set; }
        public string? WithdrawnByName { get; set; }
        public string? WithdrawalReason { get; set; }

        public OcopCertification ToCertification() =>
            new(Id, ProductId, AuthorityId, Stars, DecisionNumber, IssuedBy, IssuedOn, ValidUntil, CreatedAt)
            {
                IssuerLevel = IssuerLevel is null ? null : WireEnum<AuthorityLevel>.Parse(IssuerLevel),
                Product = ProductName is null ? null
                    : new CertifiedProduct(ProductName, WireEnum<Domain.ProductCategory>.Parse(ProductCategory!), ProductGtin),
                Withdrawal = WithdrawnAt is { } at ? new CertificationWithdrawal(at, WithdrawnBy ?? Guid.Empty, WithdrawnByName ?? "", WithdrawalReason ?? "") : null,
            };
    }
}
