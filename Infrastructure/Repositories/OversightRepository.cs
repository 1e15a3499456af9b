using Dapper;
using Traceability.Domain;

namespace Traceability.Infrastructure.Repositories;

/// <summary>What the OCOP office reads about its province (or, for the national level, every province or one): products
/// and their certifications, idle products, recalls, scans, counterfeit signals and shoppers' reports. A province's report starts from its producers
/// (migration oversight's index), so it reads only that province's rows.</summary>
public sealed class OversightRepository(Database db)
{
    /// <summary>A product with its producer's place and its certification history (the current one is decided in Domain).</summary>
    public sealed record ProductCertifications(Guid ProductId, string Name, string? Gtin, ProductCategory Category, string ProducerName, string Commune,
        string Province, string? ProvinceCode, IReadOnlyList<OcopCertification> Certifications, DateOnly? LastProducedOn);

    private const string ProductsSql = """
        SELECT p.id AS ProductId, p.name AS Name, p.gtin AS Gtin, p.category AS Category, pr.name AS ProducerName, pr.commune AS Commune,
               pr.province AS Province, pr.province_code AS ProvinceCode,
               (SELECT MAX(b.produced_on) FROM batches b WHERE b.product_id = p.id) AS LastProducedOn
        FROM producers pr JOIN products p ON p.producer_id = pr.id
        WHERE (@ProvinceCode IS NULL OR pr.province_code = @ProvinceCode)
          AND EXISTS (SELECT 1 FROM ocop_certifications c WHERE c.product_id = p.id)
        """;

    private const string CertificationsSql = $"""
        SELECT {CertificationRepository.Columns} FROM ocop_certifications
        WHERE product_id IN (SELECT p.id FROM producers pr JOIN products p ON p.producer_id = pr.id WHERE (@ProvinceCode IS NULL OR pr.province_code = @ProvinceCode))
        """;

    /// <summary>Every product that has ever been certified, of a province or all (<paramref name="provinceCode"/> null), with its
    /// certifications and the day its latest batch was produced.</summary>
    public async Task<IReadOnlyList<ProductCertifications>> CertifiedProductsAsync(string? provinceCode, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var args = new { ProvinceCode = provinceCode };
        var products = (await connection.QueryAsync<ProductRow>(new CommandDefinition(db.Sql(ProductsSql), args, cancellationToken: ct))).AsList();
        var certifications = (await connection.QueryAsync<CertificationRepository.Row>(new CommandDefinition(db.Sql(CertificationsSql), args, cancellationToken: ct)))
            .Select(r => r.ToCertification()).ToLookup(c => c.ProductId);
        return products.Select(p => new ProductCertifications(p.ProductId, p.Name, p.Gtin, WireEnum<ProductCategory>.Parse(p.Category), p.ProducerName, p.Commune,
            p.Province, p.ProvinceCode, certifications[p.ProductId].ToList(), p.LastProducedOn)).ToList();
    }

    public sealed record RecallLine(Guid RecallId, string Code, string LotNumber, string ProductName, string ProducerName, string Reason, DateTimeOffset RecalledAt,
        string IssuerName, long AffectedCount, DateTimeOffset? CompletedAt, DateTimeOffset? WithdrawnAt, string? WithdrawalReason);

    private const string RecallsSql = """
        SELECT r.id AS RecallId, b.code AS Code, b.lot_number AS LotNumber, p.name AS ProductName, pr.name AS ProducerName, r.reason AS Reason,
               r.recalled_at AS RecalledAt, r.issuer_name AS IssuerName, r.affected_count AS AffectedCount, r.completed_at AS CompletedAt,
               r.withdrawn_at AS WithdrawnAt, r.withdrawal_reason AS WithdrawalReason
        FROM producers pr JOIN batches b ON b.producer_id = pr.id JOIN recalls r ON r.batch_id = b.id JOIN products p ON p.id = b.product_id
        WHERE (@ProvinceCode IS NULL OR pr.province_code = @ProvinceCode)
        ORDER BY r.seq DESC
        """;

    /// <summary>Every recall of a batch of the province's producers (or all), newest first, open and withdrawn.</summary>
    public async Task<IReadOnlyList<RecallLine>> RecallsAsync(string? provinceCode, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<RecallRow>(new CommandDefinition(db.Sql(RecallsSql), new { ProvinceCode = provinceCode }, cancellationToken: ct)))
            .Select(r => new RecallLine(r.RecallId, r.Code, r.LotNumber, r.ProductName, r.ProducerName, r.Reason, r.RecalledAt, r.IssuerName, r.AffectedCount,
                r.CompletedAt, r.WithdrawnAt, r.WithdrawalReason)).ToList();
    }

    public sealed record ScanMonth(string Product, string? Gtin, string Commune, int Month, long Scans);

    private const string ScansSql = """
        SELECT p.name AS Product, p.gtin AS Gtin, pr.commune AS Commune, m.month AS Month, m.scans AS Scans
        FROM producers pr JOIN products p ON p.producer_id = pr.id JOIN product_scan_months m ON m.product_id = p.id
        WHERE (@ProvinceCode IS NULL OR pr.province_code = @ProvinceCode) AND m.month >= @FromMonth
        ORDER BY m.month, p.name
        """;

    /// <summary>Scans of the province's lots (or all) per product, its producer's commune and month, from <paramref name="fromMonth"/> (yyyymm),
    /// read as they are written out: at a province's scale (10,000 products × 12 months) the lines are never all in memory.</summary>
    public async IAsyncEnumerable<ScanMonth> ScansAsync(string? provinceCode, int fromMonth, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await foreach (var r in connection.QueryUnbufferedAsync<ScanRow>(db.Sql(ScansSql), new { ProvinceCode = provinceCode, FromMonth = fromMonth }).WithCancellation(ct))
            yield return new ScanMonth(r.Product, r.Gtin, r.Commune, (int)r.Month, r.Scans);
    }

    private const string ScanTotalsSql = """
        SELECT m.month AS Month, SUM(m.scans) AS Scans
        FROM producers pr JOIN products p ON p.producer_id = pr.id JOIN product_scan_months m ON m.product_id = p.id
        WHERE (@ProvinceCode IS NULL OR pr.province_code = @ProvinceCode) AND m.month >= @FromMonth
        GROUP BY m.month
        """;

    /// <summary>Scans of the province's lots (or all) per month from <paramref name="fromMonth"/>: the dashboard's line, without the lines behind it.</summary>
    public async Task<IReadOnlyList<ScanMonth>> ScanTotalsAsync(string? provinceCode, int fromMonth, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<ScanRow>(new CommandDefinition(db.Sql(ScanTotalsSql), new { ProvinceCode = provinceCode, FromMonth = fromMonth }, cancellationToken: ct)))
            .Select(r => new ScanMonth("", null, "", (int)r.Month, r.Scans)).ToList();
    }

    private sealed class ScanRow
    {
        public string Product { get; set; } = "";
        public string? Gtin { get; set; }
        public string Commune { get; set; } = "";
        public long Month { get; set; }
        public long Scans { get; set; }
    }

    /// <summary>A product's counterfeit signals, over all its lots: items past the copied-label warning, wrong PINs, lock-outs,
    /// scans of serials never issued for its lots, scans of voided serials; and its items' first scans.</summary>
    public sealed record ProductSignals(Guid ProductId, string Product, string? Gtin, string ProducerName, string Commune, long CopiedItems, long PinFailures,
        long Lockouts, long UnissuedScans, long VoidedScans, long FirstItemScans);

    private const string SignalsSql = """
        SELECT p.id AS ProductId, p.name AS Product, p.gtin AS Gtin, pr.name AS ProducerName, pr.commune AS Commune,
               SUM(s.copied_items) AS CopiedItems, SUM(s.pin_failures) AS PinFailures, SUM(s.lockouts) AS Lockouts,
               SUM(s.unissued_scans) AS UnissuedScans, SUM(s.voided_scans) AS VoidedScans, SUM(s.first_item_scans) AS FirstItemScans
        FROM producers pr JOIN batches b ON b.producer_id = pr.id JOIN lot_signals s ON s.batch_id = b.id JOIN products p ON p.id = b.product_id
        WHERE (@ProvinceCode IS NULL OR pr.province_code = @ProvinceCode)
        GROUP BY p.id, p.name, p.gtin, pr.name, pr.commune
        ORDER BY SUM(s.copied_items + s.unissued_scans + s.voided_scans + s.lockouts) DESC, SUM(s.pin_failures) DESC, p.name
        """;

    /// <summary>The counterfeit signals of the province's products (or all), the most suspicious first; products with none are left out.</summary>
    public async Task<IReadOnlyList<ProductSignals>> SignalsAsync(string? provinceCode, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<SignalRow>(new CommandDefinition(db.Sql(SignalsSql), new { ProvinceCode = provinceCode }, cancellationToken: ct)))
            .Select(r => new ProductSignals(r.ProductId, r.Product, r.Gtin, r.ProducerName, r.Commune, r.CopiedItems, r.PinFailures, r.Lockouts, r.UnissuedScans,
                r.VoidedScans, r.FirstItemScans)).ToList();
    }

    private sealed class SignalRow
    {
        public Guid ProductId { get; set; }
        public string Product { get; set; } = "";
        public string? Gtin { get; set; }
        public string ProducerName { get; set; } = "";
        public string Commune { get; set; } = "";
        public long CopiedItems { get; set; }
        public long PinFailures { get; set; }
        public long Lockouts { get; set; }
        public long UnissuedScans { get; set; }
        public long VoidedScans { get; set; }
        public long FirstItemScans { get; set; }
    }

    public sealed record ReportCount(string ProductName, string Code, string Reason, string Status, long Count);

    private const string ShopperReportsSql = """
        SELECT p.name AS ProductName, b.code AS Code, s.reason AS Reason, s.status AS Status, COUNT(*) AS Count
        FROM shopper_reports s JOIN batches b ON b.id = s.batch_id JOIN products p ON p.id = b.product_id
        WHERE (@ProvinceCode IS NULL OR s.province_code = @ProvinceCode)
        GROUP BY p.name, b.code, s.reason, s.status
        ORDER BY p.name, b.code, s.reason, s.status
        """;

    /// <summary>Shoppers' reports counted by lot, reason and status.</summary>
    public async Task<IReadOnlyList<ReportCount>> ShopperReportsAsync(string? provinceCode, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<CountRow>(new CommandDefinition(db.Sql(ShopperReportsSql), new { ProvinceCode = provinceCode }, cancellationToken: ct)))
            .Select(r => new ReportCount(r.ProductName, r.Code, r.Reason, r.Status, r.Count)).ToList();
    }

    private sealed class ProductRow
    {
        public Guid ProductId { get; set; }
        public string Name { get; set; } = "";
        public string? Gtin { get; set; }
        public string Category { get; set; } = "";
        public string ProducerName { get; set; } = "";
        public string Commune { get; set; } = "";
        public string Province { get; set; } = "";
        public string? ProvinceCode { get; set; }
        public DateOnly? LastProducedOn { get; set; }
    }

    private sealed class RecallRow
    {
        public Guid RecallId { get; set; }
        public string Code { get; set; } = "";
        public string LotNumber { get; set; } = "";
        public string ProductName { get; set; } = "";
        public string ProducerName { get; set; } = "";
        public string Reason { get; set; } = "";
        public DateTimeOffset RecalledAt { get; set; }
        public string IssuerName { get; set; } = "";
        public long AffectedCount { get; set; }
        public DateTimeOffset? CompletedAt { get; set; }
        public DateTimeOffset? WithdrawnAt { get; set; }
        public string? WithdrawalReason { get; set; }
    }

    private sealed class CountRow
    {
        public string ProductName { get; set; } = "";
        public string Code { get; set; } = "";
        public string Reason { get; set; } = "";
        public string Status { get; set; } = "";
        public long Count { get; set; }
    }
}
