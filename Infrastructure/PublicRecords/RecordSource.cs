using Dapper;
using Traceability.Domain;
using Traceability.Domain.Events;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Infrastructure.PublicRecords;

/// <summary>Everything a batch's public record shows, read from the source tables in one round trip (several result
/// sets in one command), each a seek by the batch's tracing code. Only builds read this; views read the stored parts.</summary>
public sealed class RecordSource(Database db)
{
    /// <param name="SourceVersion">The record's version (batches.record_version), read before anything else: data read
    /// after it is at least that new, so a build stored under it can only be too old, never too new.</param>
    public sealed record Data(
        long SourceVersion, Batch Batch, Product Product, Producer Producer, IReadOnlyList<OcopCertification> Certifications,
        IReadOnlyList<ParentLink> Parents, IReadOnlyList<SupplyChainEvent> Events)
    {
        /// <summary>The producer's own resolver links for the product and this lot (migration producer_links).</summary>
        public IReadOnlyList<ProducerLink> ProducerLinks { get; init; } = [];

        /// <summary>The accounts the events name besides the producer: traders that recorded them, receivers (migration lot_holders).</summary>
        public IReadOnlyList<Party> Parties { get; init; } = [];
    }

    public sealed record Party(Guid Id, string Name, ProducerKind Kind);

    private sealed class PartyRow
    {
        public Guid Id { get; set; }
        public string Name { get; set; } = "";
        public string Kind { get; set; } = "";
    }

    // Six statements, each a seek by the tracing code: the version, the batch with its product and producer in one
    // row, then the certifications, the inputs, the events and the producer's links.
    private const string RecordSql = $"""
        SELECT record_version FROM batches WHERE code = @Code;
        SELECT {BatchColumns}, {ProductColumns}, {ProducerColumns}
        FROM batches b JOIN products p ON p.id = b.product_id JOIN producers pr ON pr.id = b.producer_id
        WHERE b.code = @Code;
        SELECT {CertificationRepository.Columns} FROM ocop_certifications
            WHERE product_id = (SELECT product_id FROM batches WHERE code = @Code) {CertificationRepository.NewestFirst};
        SELECT {LineageRepository.ParentColumns} FROM {LineageRepository.ParentJoins}
            WHERE bp.child_id = (SELECT id FROM batches WHERE code = @Code) ORDER BY b.seq;
        SELECT {EventRepository.EventRow.Columns} FROM events e JOIN batches b ON b.id = e.batch_id WHERE b.code = @Code ORDER BY e.sequence;
        SELECT {ProducerLinkRepository.Columns} FROM producer_links
            WHERE product_id = (SELECT product_id FROM batches WHERE code = @Code)
              AND (lot_number IS NULL OR lot_number = (SELECT lot_number FROM batches WHERE code = @Code)) ORDER BY seq;
        SELECT pr.id, pr.name, pr.kind FROM producers pr
            WHERE pr.id IN (SELECT e.recorded_by FROM events e WHERE e.batch_id = (SELECT id FROM batches WHERE code = @Code))
               OR pr.id IN (SELECT e.receiver_id FROM events e WHERE e.batch_id = (SELECT id FROM batches WHERE code = @Code))
            ORDER BY pr.name;
        """;

    // Each part starts with its own "id" column: that is where Dapper splits the row.
    private const string BatchColumns = """
        b.seq, b.id, b.product_id, b.producer_id, b.lot_number, b.code, b.produced_on, b.expires_on, b.quantity, b.unit,
        b.origin_name, b.origin_commune, b.origin_province, b.origin_latitude, b.origin_longitude, b.created_at, b.recalled_at, b.recall_reason
        """;
    private const string ProductColumns = """
        p.id, p.producer_id, p.name, p.name_en, p.gtin, p.category, p.description, p.standards, p.shelf_life_days, p.image_url,
        p.created_at, p.updated_at
        """;
    private const string ProducerColumns = """
        pr.id, pr.name, pr.kind, pr.tax_code, pr.address_line, pr.commune, pr.province, pr.commune_code, pr.province_code,
        pr.phone, pr.email, pr.created_at, pr.deactivated_at, pr.deactivation_reason
        """;

    public async Task<Data?> GetAsync(string code, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(db.Sql(RecordSql), new { Code = code }, cancellationToken: ct));
        var version = (await results.ReadAsync<long?>()).SingleOrDefault() ?? 0;
        // Dapper multi-maps only synchronously; the rows of this grid are already on the reader.
        var head = results.Read<BatchRepository.Row, ProductRepository.Row, ProducerRepository.Row, Head>(
            (b, p, pr) => new Head(b.ToBatch(), p.ToProduct(), pr.ToProducer()), splitOn: "id,id").SingleOrDefault();
        if (head is null) return null;
        var certifications = (await results.ReadAsync<CertificationRepository.Row>()).Select(r => r.ToCertification()).ToList();
        var parents = (await results.ReadAsync<LineageRepository.ParentRow>()).Select(r => r.ToLink()).ToList();
        var events = (await results.ReadAsync<EventRepository.EventRow>()).Select(r => r.ToEvent()).ToList();
        var producerLinks = (await results.ReadAsync<ProducerLinkRepository.Row>()).Select(r => r.ToLink()).ToList();
        var parties = (await results.ReadAsync<PartyRow>()).Select(r => new Party(r.Id, r.Name, WireEnum<ProducerKind>.Parse(r.Kind))).ToList();
        return new Data(version, head.Batch, head.Product, head.Producer, certifications, parents, events) { ProducerLinks = producerLinks, Parties = parties };
    }

    private sealed record Head(Batch Batch, Product Product, Producer Producer);

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

    /// <summary>What a GS1 Digital Link names: a product by its GTIN, and the batch of the lot when there is one.</summary>
    public sealed record DigitalLinkTarget(string ProductName, string? Code);

    private const string TargetSql = """
        SELECT p.name, b.code FROM products p LEFT JOIN batches b ON b.product_id = p.id AND b.lot_number = @p1
        WHERE p.gtin = @p0
        """;

    /// <summary>One seek for the resolver: the product with that GTIN (null if none) and its lot's tracing code (null if
    /// the lot is unknown or not asked for). Read from the source tables, so it is never stale. Every Digital Link scan
    /// asks this, so it goes through the hot path's prepared reads (a pooled connection and a statement prepared per
    /// call cost a third of a redirect).</summary>
    public Task<DigitalLinkTarget?> TargetAsync(string gtin14, string? lot, CancellationToken ct) =>
        db.ReadRowAsync(db.Sql(TargetSql), [gtin14, (object?)lot ?? DBNull.Value],
            r => new DigitalLinkTarget(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1)), secondary: true, ct);

    /// <summary>A product's public record: the product, its producer, its OCOP decisions and its latest batches.</summary>
    public sealed record ProductData(Product Product, Producer Producer, IReadOnlyList<OcopCertification> Certifications, IReadOnlyList<Batch> Batches);

    public const int ProductBatchLimit = 20;

    private const string ProductSql = $$"""
        SELECT {{ProductColumns}}, {{ProducerColumns}} FROM products p JOIN producers pr ON pr.id = p.producer_id WHERE p.gtin = @Gtin;
        SELECT {{CertificationRepository.Columns}} FROM ocop_certifications
            WHERE product_id = (SELECT id FROM products WHERE gtin = @Gtin) {{CertificationRepository.NewestFirst}};
        SELECT {top} {{BatchColumns}} FROM batches b WHERE b.product_id = (SELECT id FROM products WHERE gtin = @Gtin)
            ORDER BY b.produced_on DESC, b.seq DESC {limit};
        """;

    public async Task<ProductData?> ProductAsync(string gtin14, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(db.Sql(ProductSql),
            new { Gtin = gtin14, Limit = ProductBatchLimit }, cancellationToken: ct));
        var head = results.Read<ProductRepository.Row, ProducerRepository.Row, (Product, Producer)>(
            (p, pr) => (p.ToProduct(), pr.ToProducer()), splitOn: "id").SingleOrDefault();
        if (head.Item1 is null) return null;
        var certifications = (await results.ReadAsync<CertificationRepository.Row>()).Select(r => r.ToCertification()).ToList();
        var batches = (await results.ReadAsync<BatchRepository.Row>()).Select(r => r.ToBatch()).ToList();
        return new ProductData(head.Item1, head.Item2, certifications, batches);
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
}
