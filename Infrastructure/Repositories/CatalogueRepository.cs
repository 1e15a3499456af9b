using Dapper;
using Traceability.Domain;

namespace Traceability.Infrastructure.Repositories;

/// <summary>The public OCOP catalogue: products with a certification valid on the day, of active producers, a keyset page
/// at a time (by registration order), optionally of one province, one category, or whose folded name contains the
/// folded search (migration catalogue).</summary>
public sealed class CatalogueRepository(Database db)
{
    public sealed record Entry(long Seq, Guid ProductId, string Name, string? NameEn, string? Gtin, ProductCategory Category, string? ImageUrl,
        string ProducerName, string Commune, string Province, string? ProvinceCode, int Stars);

    private const string PageSql = """
        SELECT {top} p.seq AS Seq, p.id AS ProductId, p.name AS Name, p.name_en AS NameEn, p.gtin AS Gtin, p.category AS Category, p.image_url AS ImageUrl,
               pr.name AS ProducerName, pr.commune AS Commune, pr.province AS Province, pr.province_code AS ProvinceCode
        FROM products p JOIN producers pr ON pr.id = p.producer_id
        WHERE p.seq > @After AND pr.deactivated_at IS NULL
          AND (@ProvinceCode IS NULL OR pr.province_code = @ProvinceCode)
          AND (@Category IS NULL OR p.category = @Category)
          AND (@Search IS NULL OR p.search_name LIKE @Search)
          AND EXISTS (SELECT 1 FROM ocop_certifications c
                      WHERE c.product_id = p.id AND c.withdrawn_at IS NULL AND c.issued_on <= @Today AND c.valid_until >= @Today)
        ORDER BY p.seq {limit}
        """;

    private const string CertificationsSql = $"SELECT {CertificationRepository.Columns} FROM ocop_certifications WHERE product_id IN @Ids";

    /// <param name="search">Folded (<see cref="Text.Fold"/>): letters, digits and single spaces only, so it holds no LIKE wildcard.</param>
    public async Task<Page<Entry>> PageAsync(string? provinceCode, ProductCategory? category, string? search, DateOnly today, long after, int limit,
        CancellationToken ct)
    {
        // A public read: the readable secondary's, when one is configured.
        await using var connection = await db.OpenSecondaryAsync(ct);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(db.Sql(PageSql), new
        {
            After = after, ProvinceCode = provinceCode, Category = category is { } c ? WireEnum<ProductCategory>.Name(c) : null,
            Search = string.IsNullOrEmpty(search) ? null : $"%{search}%", Today = today, Limit = limit + 1,
        }, cancellationToken: ct))).AsList();
        var ids = rows.Select(r => r.ProductId).ToList();
        var certifications = ids.Count == 0 ? Array.Empty<OcopCertification>().ToLookup(c => c.ProductId)
            : (await connection.QueryAsync<CertificationRepository.Row>(new CommandDefinition(db.Sql(CertificationsSql), new { Ids = ids }, cancellationToken: ct)))
                .Select(r => r.ToCertification()).ToLookup(c => c.ProductId);
        return Paging.ToPage(rows, limit, r => r.Seq, r => new Entry(r.Seq, r.ProductId, r.Name, r.NameEn, r.Gtin, WireEnum<ProductCategory>.Parse(r.Category),
            r.ImageUrl, r.ProducerName, r.Commune, r.Province, r.ProvinceCode, OcopCertification.Current(certifications[r.ProductId], today)?.Stars ?? 0));
    }

    private sealed class Row
    {
        public long Seq { get; set; }
        public Guid ProductId { get; set; }
        public string Name { get; set; } = "";
        public string? NameEn { get; set; }
        public string? Gtin { get; set; }
        public string Category { get; set; } = "";
        public string? ImageUrl { get; set; }
        public string ProducerName { get; set; } = "";
        public string Commune { get; set; } = "";
        public string Province { get; set; } = "";
        public string? ProvinceCode { get; set; }
    }
}
