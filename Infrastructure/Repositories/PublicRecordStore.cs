using Dapper;

namespace Traceability.Infrastructure.Repositories;

/// <summary>The stored public records (see migration 0005): one row a batch, read by tracing code.</summary>
public sealed class PublicRecordStore(Database db)
{
    /// <summary>What a view reads: the record as UTF-8 JSON, or one language's stored page.</summary>
    public enum Part { Json, PageVi, PageEn }

    /// <param name="Body">The part asked for: UTF-8 JSON, or a stored page (null when none is stored yet).</param>
    public sealed record Stored(Guid BatchId, string Version, byte[]? Body, long ScanCount, DateTimeOffset? FirstScannedAt);

    private const string GetJsonSql = """
        SELECT r.batch_id, r.version, r.record AS body, s.scan_count, s.first_scanned_at
        FROM public_records r LEFT JOIN scan_counts s ON s.batch_id = r.batch_id WHERE r.code = @Code
        """;
    private const string GetPageViSql = """
        SELECT r.batch_id, r.version, r.page_vi AS body, s.scan_count, s.first_scanned_at
        FROM public_records r LEFT JOIN scan_counts s ON s.batch_id = r.batch_id WHERE r.code = @Code
        """;
    private const string GetPageEnSql = """
        SELECT r.batch_id, r.version, r.page_en AS body, s.scan_count, s.first_scanned_at
        FROM public_records r LEFT JOIN scan_counts s ON s.batch_id = r.batch_id WHERE r.code = @Code
        """;

    /// <summary>One row, reading only the part the view needs.</summary>
    public async Task<Stored?> GetAsync(string code, Part part, CancellationToken ct)
    {
        var sql = part switch { Part.PageVi => GetPageViSql, Part.PageEn => GetPageEnSql, _ => GetJsonSql };
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(db.Sql(sql), new { Code = code }, cancellationToken: ct));
        return row is null ? null : new Stored(row.BatchId, row.Version, row.Body, row.ScanCount ?? 0, row.FirstScannedAt);
    }

    private const string UpdateSql = """
        UPDATE public_records SET version = @Version, chain_valid = @ChainValid, head_hash = @HeadHash, record = @Record,
            page_vi = @PageVi, page_en = @PageEn, refreshed_at = @Now
        WHERE batch_id = @BatchId AND refreshed_at <= @Now
        """;
    private const string InsertSql = """
        INSERT INTO public_records (batch_id, code, version, chain_valid, head_hash, record, page_vi, page_en, refreshed_at)
        VALUES (@BatchId, @Code, @Version, @ChainValid, @HeadHash, @Record, @PageVi, @PageEn, @Now)
        """;

    /// <summary>Writes a batch's record, unless a record assembled from later data is already stored (<paramref name="now"/>
    /// is when the data was read, so two API processes rewriting the same batch cannot leave the older one in place).
    /// Portable update-then-insert: an insert that loses the race to a concurrent one means a record is there.</summary>
    public async Task SaveAsync(Guid batchId, string code, string version, bool chainValid, string? headHash, byte[] record,
        byte[] pageVi, byte[] pageEn, DateTimeOffset now, CancellationToken ct)
    {
        var args = new
        {
            BatchId = batchId, Code = code, Version = version, ChainValid = chainValid ? 1 : 0, HeadHash = headHash, Record = record,
            PageVi = pageVi, PageEn = pageEn, Now = now,
        };
        await using var connection = await db.OpenAsync(ct);
        if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(UpdateSql), args, cancellationToken: ct)) == 1) return;
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertSql), args, cancellationToken: ct));
        }
        catch (Exception e) when (db.Dialect.IsUniqueViolation(e))
        {
            // The row exists and was written from later data, or another process inserted it just now; retry once as an update.
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(UpdateSql), args, cancellationToken: ct));
        }
    }

    public sealed record AuditItem(long Seq, Guid BatchId, string Code, bool? ChainValid, string? HeadHash, DateTimeOffset? RefreshedAt);

    private const string AuditPageSql = """
        SELECT {top} b.seq, b.id AS batch_id, b.code, r.chain_valid, r.head_hash, r.refreshed_at
        FROM batches b LEFT JOIN public_records r ON r.batch_id = b.id
        WHERE b.seq > @After ORDER BY b.seq {limit}
        """;

    /// <summary>A page of batches with what their stored record says (no record yet: ChainValid and RefreshedAt null).</summary>
    public async Task<IReadOnlyList<AuditItem>> AuditPageAsync(long after, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(db.Sql(AuditPageSql), new { After = after, Limit = limit }, cancellationToken: ct));
        return rows.Select(r => new AuditItem(r.Seq, r.BatchId, r.Code, r.ChainValid is null ? null : r.ChainValid != 0, r.HeadHash, r.RefreshedAt)).ToList();
    }

    private const string CodesOfProductSql = "SELECT code FROM batches WHERE product_id = @ProductId";

    public async Task<IReadOnlyList<string>> CodesOfProductAsync(Guid productId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<string>(new CommandDefinition(db.Sql(CodesOfProductSql), new { ProductId = productId }, cancellationToken: ct))).AsList();
    }

    private sealed class Row
    {
        public Guid BatchId { get; set; }
        public string Version { get; set; } = "";
        public byte[]? Body { get; set; }
        public long? ScanCount { get; set; }
        public DateTimeOffset? FirstScannedAt { get; set; }
    }

    private sealed class AuditRow
    {
        public long Seq { get; set; }
        public Guid BatchId { get; set; }
        public string Code { get; set; } = "";
        public long? ChainValid { get; set; }
        public string? HeadHash { get; set; }
        public DateTimeOffset? RefreshedAt { get; set; }
    }
}
