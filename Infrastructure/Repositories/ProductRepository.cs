using System.Text.Json;
using Dapper;
using Traceability.Domain;

namespace Traceability.Infrastructure.Repositories;

public sealed class ProductRepository(Database db)
{
    internal const string Columns = "seq, id, producer_id, name, name_en, gtin, category, description, standards, shelf_life_days, image_url, created_at, updated_at";

    private const string InsertSql = """
        INSERT INTO products (id, producer_id, name, name_en, gtin, category, description, standards, shelf_life_days, image_url, created_at, updated_at,
            search_name)
        VALUES (@Id, @ProducerId, @Name, @NameEn, @Gtin, @Category, @Description, @Standards, @ShelfLifeDays, @ImageUrl, @CreatedAt, @UpdatedAt,
            @SearchName)
        """;

    /// <summary>Stores a new product; a GTIN already in use is a <see cref="ConflictException"/>.</summary>
    public async Task CreateAsync(Product product, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await WriteAsync(connection, InsertSql, product, ct);
    }

    private const string UpdateSql = """
        UPDATE products SET name = @Name, name_en = @NameEn, gtin = @Gtin, category = @Category, description = @Description,
            standards = @Standards, shelf_life_days = @ShelfLifeDays, image_url = @ImageUrl, updated_at = @UpdatedAt, search_name = @SearchName
        WHERE id = @Id
        """;

    private const string InsertChangeSql = """
        INSERT INTO product_changes (product_id, field, old_value, new_value, changed_at, changed_by)
        VALUES (@ProductId, @Field, @From, @To, @At, @ByKeyId)
        """;

    /// <summary>Stores the product and the changes to its certified facts, in one transaction.</summary>
    public async Task UpdateAsync(Product product, IReadOnlyList<ProductChange> changes, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await WriteAsync(connection, UpdateSql, product, ct, transaction);
        if (changes.Count > 0)
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertChangeSql),
                changes.Select(c => new { ProductId = product.Id, c.Field, c.From, c.To, c.At, c.ByKeyId }), transaction, cancellationToken: ct));
        await db.CommitAsync(transaction, ct);
    }

    private const string ChangesSql = """
        SELECT field, old_value, new_value, changed_at, changed_by
        FROM product_changes WHERE product_id = @ProductId ORDER BY seq
        """;

    /// <summary>Every change to the product's certified facts, oldest first.</summary>
    public async Task<IReadOnlyList<ProductChange>> ChangesAsync(Guid productId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<ChangeRow>(new CommandDefinition(db.Sql(ChangesSql), new { ProductId = productId }, cancellationToken: ct)))
            .Select(r => new ProductChange(r.Field, r.OldValue, r.NewValue, r.ChangedAt, r.ChangedBy)).ToList();
    }

    private sealed class ChangeRow
    {
        public string Field { get; set; } = "";
        public string? OldValue { get; set; }
        public string? NewValue { get; set; }
        public DateTimeOffset ChangedAt { get; set; }
        public Guid? ChangedBy { get; set; }
    }

    private async Task WriteAsync(System.Data.Common.DbConnection connection, string sql, Product p, CancellationToken ct,
        System.Data.Common.DbTransaction? transaction = null)
    {
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(sql), new
            {
                p.Id, p.ProducerId, p.Name, p.NameEn, p.Gtin, Category = WireEnum<ProductCategory>.Name(p.Category), p.Description,
                Standards = JsonSerializer.Serialize(p.Standards, Json.Stored), p.ShelfLifeDays, p.ImageUrl, p.CreatedAt, p.UpdatedAt,
                SearchName = SearchName(p),
            }, transaction, cancellationToken: ct));
        }
        catch (Exception e) when (db.Dialect.IsUniqueViolation(e))
        {
            throw new ConflictException($"GTIN {p.Gtin} is already registered to another product.");
        }
    }

    /// <summary>What the catalogue's search compares: the name, folded (<see cref="Text.Fold"/>).</summary>
    public static string SearchName(Product p) => Text.Fold(p.Name);

    private const string UnfoldedSql = "SELECT id AS Id, name AS Value FROM products WHERE search_name IS NULL";
    private const string SetFoldedSql = "UPDATE products SET search_name = @Code WHERE id = @Id AND search_name IS NULL";

    /// <summary>Folds the names of products stored before the catalogue kept them; returns how many.</summary>
    public Task<int> BackfillSearchNamesAsync(CancellationToken ct) => Backfill.RunAsync(db, UnfoldedSql, SetFoldedSql, Text.Fold, ct);

    private const string GetSql = $"SELECT {Columns} FROM products WHERE id = @Id";

    public async Task<Product?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(db.Sql(GetSql), new { Id = id }, cancellationToken: ct));
        return row?.ToProduct();
    }

    private const string GetManySql = $"SELECT {Columns} FROM products WHERE id IN @Ids";

    /// <summary>The products named (a page's worth, at most ~2,000 ids), by id; missing ones are left out.</summary>
    public async Task<IReadOnlyDictionary<Guid, Product>> GetManyAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return new Dictionary<Guid, Product>();
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(db.Sql(GetManySql), new { Ids = ids }, cancellationToken: ct));
        return rows.Select(r => r.ToProduct()).ToDictionary(p => p.Id);
    }

    private const string ListByProducerSql = $"SELECT {{top}} {Columns} FROM products WHERE producer_id = @ProducerId AND seq > @After ORDER BY seq {{limit}}";
    private const string ListAllSql = $"SELECT {{top}} {Columns} FROM products WHERE seq > @After ORDER BY seq {{limit}}";

    /// <summary>Keyset page in registration order; all producers' when <paramref name="producerId"/> is null.</summary>
    public async Task<Page<Product>> ListAsync(Guid? producerId, long after, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var sql = producerId is null ? ListAllSql : ListByProducerSql;
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(db.Sql(sql),
            new { ProducerId = producerId, After = after, Limit = limit + 1 }, cancellationToken: ct))).AsList();
        return Paging.ToPage(rows, limit, r => r.Seq, r => r.ToProduct());
    }

    private const string GtinsSql = "SELECT id, gtin AS value FROM products WHERE id IN @Ids AND gtin IS NOT NULL";

    /// <summary>The GTINs of several products in one round trip (for lists that build public URLs).</summary>
    public async Task<IReadOnlyDictionary<Guid, string>> GetGtinsAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var list = ids.ToList();
        if (list.Count == 0) return new Dictionary<Guid, string>();
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Pair<string>>(new CommandDefinition(db.Sql(GtinsSql), new { Ids = list }, cancellationToken: ct));
        return rows.ToDictionary(r => r.Id, r => r.Value);
    }

    private const string HasBatchesSql = "SELECT COUNT(*) FROM batches WHERE product_id = @Id";

    public async Task<bool> HasBatchesAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(HasBatchesSql), new { Id = id }, cancellationToken: ct)) > 0;
    }

    internal sealed class Row
    {
        public long Seq { get; set; }
        public Guid Id { get; set; }
        public Guid ProducerId { get; set; }
        public string Name { get; set; } = "";
        public string? NameEn { get; set; }
        public string? Gtin { get; set; }
        public string Category { get; set; } = "";
        public string? Description { get; set; }
        public string Standards { get; set; } = "[]";
        public int? ShelfLifeDays { get; set; }
        public string? ImageUrl { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset UpdatedAt { get; set; }

        public Product ToProduct() => new(Id, ProducerId, Name, NameEn, Gtin, WireEnum<ProductCategory>.Parse(Category), Description,
            JsonSerializer.Deserialize<string[]>(Standards, Json.Stored) ?? [], ShelfLifeDays, ImageUrl, CreatedAt, UpdatedAt);
    }
}
