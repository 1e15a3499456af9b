using Dapper;
using Traceability.Domain;

namespace Traceability.Infrastructure.Repositories;

/// <summary>Reads the "one step before, one step after" links between batches, and their transitive closure.</summary>
public sealed class LineageRepository(Database db)
{
    public const int MaxDepth = 64;

    internal const string ParentColumns = "bp.parent_id, b.code, b.lot_number, p.gtin, bp.quantity, b.unit, p.name AS product_name, pr.name AS producer_name";
    internal const string ParentJoins = """
        batch_parents bp JOIN batches b ON b.id = bp.parent_id JOIN products p ON p.id = b.product_id
        JOIN producers pr ON pr.id = b.producer_id
        """;
    private const string ParentsSql = $"SELECT {ParentColumns} FROM {ParentJoins} WHERE bp.child_id = @Id ORDER BY b.seq";

    /// <summary>The direct inputs of a batch, with the quantity of each that went in.</summary>
    public async Task<IReadOnlyList<ParentLink>> ParentsAsync(Guid batchId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<ParentRow>(new CommandDefinition(db.Sql(ParentsSql), new { Id = batchId }, cancellationToken: ct));
        return rows.Select(r => r.ToLink()).ToList();
    }

    private const string NodeColumns = """
        b.id AS batch_id, b.code, b.lot_number, b.product_id, p.name AS product_name, p.gtin, b.producer_id,
        pr.name AS producer_name, MIN(l.depth) AS depth, b.recalled_at
        """;
    private const string NodeJoins = """
        JOIN batches b ON b.id = l.id JOIN products p ON p.id = b.product_id JOIN producers pr ON pr.id = b.producer_id
        GROUP BY b.id, b.code, b.lot_number, b.product_id, p.name, p.gtin, b.producer_id, pr.name, b.recalled_at, b.seq
        ORDER BY MIN(l.depth), b.seq
        """;

    private const string AncestorsSql = $"""
        WITH l (id, depth) AS (
            SELECT parent_id, 1 FROM batch_parents WHERE child_id = @Id
            UNION ALL
            SELECT bp.parent_id, l.depth + 1 FROM batch_parents bp JOIN l ON bp.child_id = l.id WHERE l.depth < @MaxDepth
        )
        SELECT {NodeColumns} FROM l {NodeJoins}
        """;

    private const string DescendantsSql = $"""
        WITH l (id, depth) AS (
            SELECT child_id, 1 FROM batch_parents WHERE parent_id = @Id
            UNION ALL
            SELECT bp.child_id, l.depth + 1 FROM batch_parents bp JOIN l ON bp.parent_id = l.id WHERE l.depth < @MaxDepth
        )
        SELECT {NodeColumns} FROM l {NodeJoins}
        """;

    /// <summary>Every batch this one was made from (depth 1 = direct inputs), nearest first.</summary>
    public Task<IReadOnlyList<LineageNode>> AncestorsAsync(Guid batchId, CancellationToken ct) => Query(AncestorsSql, batchId, ct);

    /// <summary>Every batch made from this one, directly or through others, nearest first.</summary>
    public Task<IReadOnlyList<LineageNode>> DescendantsAsync(Guid batchId, CancellationToken ct) => Query(DescendantsSql, batchId, ct);

    private async Task<IReadOnlyList<LineageNode>> Query(string sql, Guid batchId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<NodeRow>(new CommandDefinition(db.Sql(sql), new { Id = batchId, MaxDepth }, cancellationToken: ct));
        return rows.Select(r => new LineageNode(r.BatchId, r.Code, r.LotNumber, r.ProductId, r.ProductName, r.Gtin, r.ProducerId,
            r.ProducerName, (int)r.Depth, r.RecalledAt)).ToList();
    }

    internal sealed class ParentRow
    {
        public Guid ParentId { get; set; }
        public string Code { get; set; } = "";
        public string LotNumber { get; set; } = "";
        public string? Gtin { get; set; }
        public decimal? Quantity { get; set; }
        public string? Unit { get; set; }
        public string ProductName { get; set; } = "";
        public string ProducerName { get; set; } = "";

        public ParentLink ToLink() => new(ParentId, Code, LotNumber, Gtin, Quantity, Unit, ProductName, ProducerName);
    }

    private sealed class NodeRow
    {
        public Guid BatchId { get; set; }
        public string Code { get; set; } = "";
        public string LotNumber { get; set; } = "";
        public Guid ProductId { get; set; }
        public string ProductName { get; set; } = "";
        public string? Gtin { get; set; }
        public Guid ProducerId { get; set; }
        public string ProducerName { get; set; } = "";
        public long Depth { get; set; }
        public DateTimeOffset? RecalledAt { get; set; }
    }
}
