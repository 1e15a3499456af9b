using Dapper;
using Traceability.Domain;

namespace Traceability.Infrastructure.Repositories;

/// <summary>Producers' own resolver links (migration producer_links): added and removed by the product's producer, read
/// by the resolver by GTIN (and lot) through the readable secondary.</summary>
public sealed class ProducerLinkRepository(Database db)
{
    internal const string Columns = "id, product_id, producer_id, lot_number, link_type, href, title, language, media_type, is_default, created_at, is_default_link";

    private const string CountSql = "SELECT COUNT(*) FROM producer_links WHERE product_id = @ProductId";
    private const string ClearDefaultSql = """
        UPDATE producer_links SET is_default = 0
        WHERE product_id = @ProductId AND link_type = @LinkType AND is_default = 1
          AND ((lot_number IS NULL AND @LotNumber IS NULL) OR lot_number = @LotNumber)
        """;
    private const string ClearDefaultLinkSql = "UPDATE producer_links SET is_default_link = 0 WHERE product_id = @ProductId AND is_default_link = 1";
    private const string InsertSql = $"""
        INSERT INTO producer_links ({Columns})
        VALUES (@Id, @ProductId, @ProducerId, @LotNumber, @LinkType, @Href, @Title, @Language, @MediaType, @IsDefault, @CreatedAt, @IsDefaultLink)
        """;

    /// <summary>Adds a link, unless the product has <see cref="ProducerLinks.MaxPerProduct"/> already (false). A new
    /// default of its link type and level takes the place of the old one.</summary>
    public async Task<bool> CreateAsync(ProducerLink link, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(CountSql), link, transaction, cancellationToken: ct)) >= ProducerLinks.MaxPerProduct)
            return false;
        if (link.IsDefault) await connection.ExecuteAsync(new CommandDefinition(db.Sql(ClearDefaultSql), link, transaction, cancellationToken: ct));
        if (link.IsDefaultLink) await connection.ExecuteAsync(new CommandDefinition(db.Sql(ClearDefaultLinkSql), link, transaction, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertSql), link, transaction, cancellationToken: ct));
        await db.CommitAsync(transaction, ct);
        return true;
    }

    private const string ListSql = $"SELECT {Columns} FROM producer_links WHERE product_id = @ProductId ORDER BY seq";

    public async Task<IReadOnlyList<ProducerLink>> ListAsync(Guid productId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<Row>(new CommandDefinition(db.Sql(ListSql), new { ProductId = productId }, cancellationToken: ct)))
            .Select(r => r.ToLink()).ToList();
    }

    private const string DeleteSql = "DELETE FROM producer_links WHERE id = @Id AND product_id = @ProductId";

    public async Task<bool> DeleteAsync(Guid productId, Guid id, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(db.Sql(DeleteSql), new { Id = id, ProductId = productId }, cancellationToken: ct)) == 1;
    }

    private const string ForGtinSql = """
        SELECT l.id, l.product_id, l.producer_id, l.lot_number, l.link_type, l.href, l.title, l.language, l.media_type, l.is_default, l.created_at,
            l.is_default_link
        FROM producer_links l JOIN products p ON p.id = l.product_id
        WHERE p.gtin = @Gtin AND (l.lot_number IS NULL OR l.lot_number = @Lot)
        ORDER BY l.seq
        """;

    /// <summary>The links of the product with this GTIN: its own (no lot) and, when <paramref name="lot"/> is given, that
    /// lot's. A public read: from the readable secondary when there is one.</summary>
    public async Task<IReadOnlyList<ProducerLink>> ForGtinAsync(string gtin14, string? lot, CancellationToken ct)
    {
        await using var connection = await db.OpenSecondaryAsync(ct);
        return (await connection.QueryAsync<Row>(new CommandDefinition(db.Sql(ForGtinSql), new { Gtin = gtin14, Lot = lot }, cancellationToken: ct)))
            .Select(r => r.ToLink()).ToList();
    }

    internal sealed class Row
    {
        public Guid Id { get; set; }
        public Guid ProductId { get; set; }
        public Guid ProducerId { get; set; }
        public string? LotNumber { get; set; }
        public string LinkType { get; set; } = "";
        public string Href { get; set; } = "";
        public string Title { get; set; } = "";
        public string? Language { get; set; }
        public string? MediaType { get; set; }
        public bool IsDefault { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public bool IsDefaultLink { get; set; }

        public ProducerLink ToLink() => new(Id, ProductId, ProducerId, LotNumber, LinkType, Href, Title, Language, MediaType, IsDefault, CreatedAt, IsDefaultLink);
    }
}
