using Dapper;
using Traceability.Domain;

namespace Traceability.Infrastructure.Repositories;

public sealed class CertificationRepository(Database db)
{
    private const string InsertSql = """
        INSERT INTO ocop_certifications (id, product_id, authority_id, stars, decision_number, issued_by, issued_on, valid_until, created_at)
        VALUES (@Id, @ProductId, @AuthorityId, @Stars, @DecisionNumber, @IssuedBy, @IssuedOn, @ValidUntil, @CreatedAt)
        """;

    public async Task CreateAsync(OcopCertification c, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertSql), c, cancellationToken: ct));
    }

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

    internal sealed class Row
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
