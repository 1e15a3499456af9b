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

    /// <summary>The walk's limit: more batches than this in one lineage is refused (422) rather than walked.</summary>
    public const int MaxNodes = 10_000;

    // One step of the walk: the frontier's neighbours. The frontier is sent in chunks (SQL Server takes ~2,100 parameters).
    private const string ParentsOfSql = "SELECT child_id AS id, parent_id AS value FROM batch_parents WHERE child_id IN @Ids";
    private const string ChildrenOfSql = "SELECT parent_id AS id, child_id AS value FROM batch_parents WHERE parent_id IN @Ids";
    private const int Chunk = 500;

    private const string NodesSql = """
        SELECT b.id AS batch_id, b.code, b.lot_number, b.product_id, p.name AS product_name, p.gtin, b.producer_id,
               pr.name AS producer_name, b.recalled_at, b.seq
        FROM batches b JOIN products p ON p.id = b.product_id JOIN producers pr ON pr.id = b.producer_id
        WHERE b.id IN @Ids
        """;

    public enum Direction { Ancestors, Descendants }

    /// <summary>Every batch this one was made from (depth 1 = direct inputs), nearest first.</summary>
    public Task<IReadOnlyList<LineageNode>> AncestorsAsync(Guid batchId, CancellationToken ct) => NodesAsync(batchId, Direction.Ancestors, ct);

    /// <summary>Every batch made from this one, directly or through others, nearest first.</summary>
    public Task<IReadOnlyList<LineageNode>> DescendantsAsync(Guid batchId, CancellationToken ct) => NodesAsync(batchId, Direction.Descendants, ct);

    private async Task<IReadOnlyList<LineageNode>> NodesAsync(Guid batchId, Direction direction, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var depths = await WalkAsync(connection, null, batchId, direction, MaxNodes, ct);
        var rows = new List<NodeRow>(depths.Count);
        foreach (var chunk in depths.Keys.Chunk(Chunk))
            rows.AddRange(await connection.QueryAsync<NodeRow>(new CommandDefinition(db.Sql(NodesSql), new { Ids = chunk }, cancellationToken: ct)));
        return rows.OrderBy(r => depths[r.BatchId]).ThenBy(r => r.Seq).Select(r => new LineageNode(r.BatchId, r.Code, r.LotNumber, r.ProductId,
            r.ProductName, r.Gtin, r.ProducerId, r.ProducerName, depths[r.BatchId], r.RecalledAt)).ToList();
    }

    /// <summary>Breadth first from <paramref name="root"/> (excluded), each batch visited once at its smallest depth, up to
    /// <see cref="MaxDepth"/> steps: a shape where every batch is made from the two before it has a number of paths that
    /// grows exponentially with its length but only as many batches as it has, so walking batches (not paths) stays
    /// linear. More than <paramref name="maxNodes"/> batches → <see cref="UnprocessableException"/>.</summary>
    public async Task<IReadOnlyDictionary<Guid, int>> WalkAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction,
        Guid root, Direction direction, int maxNodes, CancellationToken ct)
    {
        var sql = db.Sql(direction == Direction.Ancestors ? ParentsOfSql : ChildrenOfSql);
        var depths = new Dictionary<Guid, int>();
        var frontier = new List<Guid> { root };
        for (var depth = 1; depth <= MaxDepth && frontier.Count > 0; depth++)
        {
            var next = new List<Guid>();
            foreach (var chunk in frontier.Chunk(Chunk))
            foreach (var link in await connection.QueryAsync<Pair<Guid>>(new CommandDefinition(sql, new { Ids = chunk }, transaction, cancellationToken: ct)))
            {
                if (link.Value == root || !depths.TryAdd(link.Value, depth)) continue;
                if (depths.Count > maxNodes)
                    throw new UnprocessableException($"This batch's {(direction == Direction.Ancestors ? "inputs" : "products")} reach more than {maxNodes} batches; "
                                                     + "that is more than this API walks in one request.");
                next.Add(link.Value);
            }
            frontier = next;
        }
        return depths;
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
        public DateTimeOffset? RecalledAt { get; set; }
        public long Seq { get; set; }
    }
}
