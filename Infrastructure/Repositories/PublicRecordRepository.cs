using Dapper;
using Traceability.Domain;
using Traceability.Domain.Events;

namespace Traceability.Infrastructure.Repositories;

/// <summary>Everything a batch's public record shows, read in one round trip (several result sets in one command),
/// each part a seek by the batch's tracing code.</summary>
public sealed class PublicRecordRepository(Database db)
{
    public sealed record Data(
        Batch Batch, Product Product, Producer Producer, IReadOnlyList<OcopCertification> Certifications,
        IReadOnlyList<ParentLink> Parents, IReadOnlyList<SupplyChainEvent> Events, long ScanCount, DateTimeOffset? FirstScannedAt);

    private const string RecordSql = $"""
        SELECT {BatchRepository.Columns} FROM batches WHERE code = @Code;
        SELECT {ProductRepository.Columns} FROM products WHERE id = (SELECT product_id FROM batches WHERE code = @Code);
        SELECT {ProducerRepository.Columns} FROM producers WHERE id = (SELECT producer_id FROM batches WHERE code = @Code);
        SELECT {CertificationRepository.Columns} FROM ocop_certifications
            WHERE product_id = (SELECT product_id FROM batches WHERE code = @Code) {CertificationRepository.NewestFirst};
        SELECT {LineageRepository.ParentColumns} FROM {LineageRepository.ParentJoins}
            WHERE bp.child_id = (SELECT id FROM batches WHERE code = @Code) ORDER BY b.seq;
        SELECT {EventRepository.EventRow.Columns} FROM events e JOIN batches b ON b.id = e.batch_id WHERE b.code = @Code ORDER BY e.sequence;
        SELECT scan_count AS count, first_scanned_at AS first FROM scan_counts WHERE batch_id = (SELECT id FROM batches WHERE code = @Code);
        """;

    public async Task<Data?> GetAsync(string code, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(db.Sql(RecordSql), new { Code = code }, cancellationToken: ct));
        var batch = (await results.ReadSingleOrDefaultAsync<BatchRepository.Row>())?.ToBatch();
        if (batch is null) return null;
        var product = (await results.ReadSingleAsync<ProductRepository.Row>()).ToProduct();
        var producer = (await results.ReadSingleAsync<ProducerRepository.Row>()).ToProducer();
        var certifications = (await results.ReadAsync<CertificationRepository.Row>()).Select(r => r.ToCertification()).ToList();
        var parents = (await results.ReadAsync<LineageRepository.ParentRow>()).Select(r => r.ToLink()).ToList();
        var events = (await results.ReadAsync<EventRepository.EventRow>()).Select(r => r.ToEvent()).ToList();
        var scans = await results.ReadSingleOrDefaultAsync<ScanRow>();
        return new Data(batch, product, producer, certifications, parents, events, scans?.Count ?? 0, scans?.First);
    }

    private const string CodeByLotSql = """
        SELECT b.code FROM batches b JOIN products p ON p.id = b.product_id
        WHERE p.gtin = @Gtin AND b.lot_number = @Lot
        """;

    /// <summary>The tracing code behind a GS1 Digital Link (GTIN-14 and lot), if any.</summary>
    public async Task<string?> CodeByLotAsync(string gtin14, string lot, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(db.Sql(CodeByLotSql), new { Gtin = gtin14, Lot = lot }, cancellationToken: ct));
    }

    public sealed record Link(string Code, string LotNumber, string? Gtin);

    private const string LinkSql = """
        SELECT b.code, b.lot_number, p.gtin FROM batches b JOIN products p ON p.id = b.product_id WHERE b.code = @Code
        """;

    /// <summary>What a batch's QR code encodes: its code, lot and GTIN, in one seek.</summary>
    public async Task<Link?> LinkAsync(string code, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<LinkRow>(new CommandDefinition(db.Sql(LinkSql), new { Code = code }, cancellationToken: ct));
        return row is null ? null : new Link(row.Code, row.LotNumber, row.Gtin);
    }

    private sealed class LinkRow
    {
        public string Code { get; set; } = "";
        public string LotNumber { get; set; } = "";
        public string? Gtin { get; set; }
    }

    private sealed class ScanRow
    {
        public long Count { get; set; }
        public DateTimeOffset First { get; set; }
    }
}
