using System.Data.Common;
using Dapper;
using Traceability.Domain;

namespace Traceability.Infrastructure.Repositories;

/// <summary>Reads the "one step before, one step after" links between batches, and their transitive closure.</summary>
public sealed class LineageRepository(Database db)
{
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

    private const string ParentsOfManySql = $"SELECT bp.child_id, {ParentColumns} FROM {ParentJoins} WHERE bp.child_id IN @Ids ORDER BY b.seq";

    /// <summary>The direct inputs of each of the batches named (a page's worth), by batch.</summary>
    public async Task<ILookup<Guid, ParentLink>> ParentsOfManyAsync(IReadOnlyCollection<Guid> batchIds, CancellationToken ct)
    {
        if (batchIds.Count == 0) return Array.Empty<ParentRow>().ToLookup(r => r.ChildId, r => r.ToLink());
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<ParentRow>(new CommandDefinition(db.Sql(ParentsOfManySql), new { Ids = batchIds }, cancellationToken: ct));
        return rows.ToLookup(r => r.ChildId, r => r.ToLink());
    }

    // One step of the walk: the frontier's neighbours, with their registration order. The frontier is sent in chunks
    // (SQL Server takes ~2,100 parameters).
    private const string ParentsOfSql = "SELECT b.id AS Id, b.seq AS Value FROM batch_parents bp JOIN batches b ON b.id = bp.parent_id WHERE bp.child_id IN @Ids";
    private const string ChildrenOfSql = "SELECT b.id AS Id, b.seq AS Value FROM batch_parents bp JOIN batches b ON b.id = bp.child_id WHERE bp.parent_id IN @Ids";
    private const int Chunk = 500;

    private const string NodesSql = """
        SELECT b.id AS batch_id, b.code, b.lot_number, b.product_id, p.name AS product_name, p.gtin, b.producer_id,
               pr.name AS producer_name, b.recalled_at, b.seq
        FROM batches b JOIN products p ON p.id = b.product_id JOIN producers pr ON pr.id = b.producer_id
        WHERE b.id IN @Ids
        """;

    private const string LinkedSql = "SELECT COUNT(*) FROM batch_parents WHERE child_id = @Child AND parent_id = @Parent";
    private const string InputSql = "SELECT producer_id AS ProducerId, code AS Code, recalled_at AS RecalledAt FROM batches WHERE id = @Id";
    private const string ChildrenOfForeignSql = """
        SELECT COUNT(*) FROM batch_parents bp JOIN batches c ON c.id = bp.child_id WHERE bp.parent_id = @Parent AND c.producer_id = @Producer
        """;
    private const string LinkSql = "INSERT INTO batch_parents (child_id, parent_id, quantity) VALUES (@Child, @Parent, @Quantity)";

    private sealed class Input
    {
        public Guid ProducerId { get; set; }
        public string Code { get; set; } = "";
        public DateTimeOffset? RecalledAt { get; set; }
    }

    /// <summary>Records, in the caller's transaction, that an existing lot was made from these inputs (a captured
    /// TransformationEvent's): a link already there is kept as it is; a recalled input, the lot itself, or an input
    /// made from the lot (a cycle) is refused (409), and so is a link past the producer's quota of lots made from one
    /// lot of another producer (422), as when a batch is registered with its inputs.</summary>
    public async Task LinkAsync(DbConnection connection, DbTransaction transaction, Guid childId, Guid childProducerId, IReadOnlyList<BatchParent> inputs,
        int childrenPerForeignBatch, CancellationToken ct)
    {
        CommandDefinition Command(string sql, object args) => new(db.Sql(sql), args, transaction, cancellationToken: ct);
        HashSet<Guid>? descendants = null;
        foreach (var input in inputs)
        {
            if (input.ParentId == childId) throw new ConflictException("A lot cannot be made from itself.");
            if (await connection.ExecuteScalarAsync<long>(Command(LinkedSql, new { Child = childId, Parent = input.ParentId })) > 0) continue;
            var found = await connection.QuerySingleAsync<Input>(Command(InputSql, new { Id = input.ParentId }));
            if (found.RecalledAt is not null) throw new ConflictException($"Batch {found.Code} is recalled and cannot be used.");
            descendants ??= await DescendantsAsync(connection, transaction, childId, ct);
            if (descendants.Contains(input.ParentId))
                throw new ConflictException($"Batch {found.Code} is made from this lot, so it cannot also be one of its inputs.");
            if (found.ProducerId != childProducerId && childrenPerForeignBatch > 0
                && await connection.ExecuteScalarAsync<long>(Command(ChildrenOfForeignSql, new { Parent = input.ParentId, Producer = childProducerId })) >= childrenPerForeignBatch)
                throw new UnprocessableException($"You have made {childrenPerForeignBatch} batches from another producer's batch {found.Code}, the most you may "
                                                 + "(Quotas:ChildrenPerForeignBatch).");
            await connection.ExecuteAsync(Command(LinkSql, new { Child = childId, Parent = input.ParentId, input.Quantity }));
        }
    }

    /// <summary>Every lot made, at any depth, from <paramref name="batchId"/>, read in the transaction.</summary>
    private async Task<HashSet<Guid>> DescendantsAsync(DbConnection connection, DbTransaction transaction, Guid batchId, CancellationToken ct)
    {
        var seen = new HashSet<Guid>();
        var frontier = new List<Guid> { batchId };
        while (frontier.Count > 0)
        {
            var next = new List<Guid>();
            foreach (var chunk in frontier.Chunk(Chunk))
                foreach (var link in await connection.QueryAsync<Pair<long>>(new CommandDefinition(db.Sql(ChildrenOfSql), new { Ids = chunk }, transaction, cancellationToken: ct)))
                    if (seen.Add(link.Id)) next.Add(link.Id);
            frontier = next;
        }
        return seen;
    }

    public enum Direction { Ancestors, Descendants }

    /// <summary>Where a lineage page ends: the last batch's depth and registration order.</summary>
    public readonly record struct Position(int Depth, long Seq);

    /// <summary>A page of the batches this one was made from (<see cref="Direction.Ancestors"/>, depth 1 = direct inputs)
    /// or made from it (<see cref="Direction.Descendants"/>), nearest first, each batch once at its nearest depth, in
    /// registration order within a depth; after <paramref name="after"/>, at most <paramref name="limit"/>, and where the
    /// next page starts (null: none). No depth or size limit: the walk goes breadth first a depth at a time (batches, not
    /// paths, so a lineage where each batch is made from the two before it stays linear) and stops at the depth where the
    /// page fills, so a page costs the batches up to it.</summary>
    public async Task<(IReadOnlyList<LineageNode> Nodes, Position? Next)> PageAsync(Guid batchId, Direction direction, Position? after, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var sql = db.Sql(direction == Direction.Ancestors ? ParentsOfSql : ChildrenOfSql);
        var seen = new HashSet<Guid> { batchId };
        var frontier = new List<Guid> { batchId };
        var picked = new List<(Guid Id, int Depth, long Seq)>();
        for (var depth = 1; frontier.Count > 0 && picked.Count <= limit; depth++)
        {
            var level = new List<(Guid Id, long Seq)>();
            foreach (var chunk in frontier.Chunk(Chunk))
            foreach (var link in await connection.QueryAsync<Pair<long>>(new CommandDefinition(sql, new { Ids = chunk }, cancellationToken: ct)))
                if (seen.Add(link.Id)) level.Add((link.Id, link.Value));
            level.Sort((a, b) => a.Seq.CompareTo(b.Seq));
            foreach (var (id, seq) in level)
                if (picked.Count <= limit && (after is not { } a || depth > a.Depth || (depth == a.Depth && seq > a.Seq))) picked.Add((id, depth, seq));
            frontier = level.Select(l => l.Id).ToList();
        }
        var more = picked.Count > limit;
        if (more) picked.RemoveAt(picked.Count - 1);
        var rows = new Dictionary<Guid, NodeRow>();
        foreach (var chunk in picked.Select(p => p.Id).Chunk(Chunk))
            foreach (var row in await connection.QueryAsync<NodeRow>(new CommandDefinition(db.Sql(NodesSql), new { Ids = chunk }, cancellationToken: ct)))
                rows[row.BatchId] = row;
        var nodes = picked.Select(p => rows[p.Id]).Select((r, i) => new LineageNode(r.BatchId, r.Code, r.LotNumber, r.ProductId, r.ProductName, r.Gtin,
            r.ProducerId, r.ProducerName, picked[i].Depth, r.RecalledAt)).ToList();
        return (nodes, more ? new Position(picked[^1].Depth, picked[^1].Seq) : null);
    }

    internal sealed class ParentRow
    {
        public Guid ChildId { get; set; }
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
