using Dapper;

namespace Traceability.Infrastructure.Repositories;

/// <summary>The stored public records (migrations 0005, 0006): a header row a batch, and each part a view reads (the
/// record's JSON, each language's page, the default QR image) in a row of its own, read by tracing code or by GTIN and lot.</summary>
public sealed class PublicRecordStore(Database db)
{
    /// <summary>What a view reads: the record as UTF-8 JSON, one language's stored page, or the default QR image.</summary>
    public enum Part { Json = 0, PageVi = 1, PageEn = 2, Qr = 3 }

    /// <param name="Version">The record's version (the QR image's ETag for <see cref="Part.Qr"/>).</param>
    public sealed record Stored(Guid BatchId, string Code, string Version, byte[] Body, long ScanCount, DateTimeOffset? FirstScannedAt);

    /// <summary>What a rewrite stores. <paramref name="Qr"/> null keeps the stored image (it changes only with the URL).</summary>
    public sealed record Written(Guid BatchId, string Code, string? Gtin, string LotNumber, string Version, bool ChainValid, string? HeadHash,
        byte[] Record, byte[] PageVi, byte[] PageEn, string QrVersion, byte[]? Qr);

    private const string GetSql = """
        SELECT p.batch_id, p.code, p.version, p.body, s.scan_count, s.first_scanned_at
        FROM public_parts p LEFT JOIN scan_counts s ON s.batch_id = p.batch_id WHERE p.code = @p0 AND p.part = @p1
        """;

    /// <summary>One part of one record (one seek), with the scans stored so far.</summary>
    public Task<Stored?> GetAsync(string code, Part part, CancellationToken ct) =>
        db.Dialect.ReadRowAsync(db.Sql(GetSql), [code, (int)part], ReadStored, ct);

    private const string GetByLotSql = """
        SELECT p.batch_id, p.code, p.version, p.body, s.scan_count, s.first_scanned_at
        FROM public_records r JOIN public_parts p ON p.code = r.code AND p.part = @p2
        LEFT JOIN scan_counts s ON s.batch_id = r.batch_id
        WHERE r.gtin = @p0 AND r.lot_number = @p1
        """;

    /// <summary>One part of the record a GS1 Digital Link (GTIN-14 and lot) names, in one statement.</summary>
    public Task<Stored?> GetByLotAsync(string gtin14, string lot, Part part, CancellationToken ct) =>
        db.Dialect.ReadRowAsync(db.Sql(GetByLotSql), [gtin14, lot, (int)part], ReadStored, ct);

    private static Stored ReadStored(System.Data.Common.DbDataReader r) => new(
        TypeHandlers.ToGuid(r.GetValue(0)), r.GetString(1), r.GetString(2), (byte[])r.GetValue(3),
        r.IsDBNull(4) ? 0 : r.GetInt64(4), r.IsDBNull(5) ? null : TypeHandlers.ToDateTimeOffset(r.GetValue(5)));

    private const string VersionSql = "SELECT version FROM public_parts WHERE code = @Code AND part = @Part";

    public async Task<string?> VersionAsync(string code, Part part, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(db.Sql(VersionSql), new { Code = code, Part = (int)part }, cancellationToken: ct));
    }

    private const string UpdateHeaderSql = """
        UPDATE public_records SET gtin = @Gtin, lot_number = @LotNumber, chain_valid = @ChainValid,
            head_hash = @HeadHash, refreshed_at = @Now
        WHERE batch_id = @BatchId AND refreshed_at <= @Now
        """;
    private const string InsertHeaderSql = """
        INSERT INTO public_records (batch_id, code, gtin, lot_number, chain_valid, head_hash, refreshed_at)
        VALUES (@BatchId, @Code, @Gtin, @LotNumber, @ChainValid, @HeadHash, @Now)
        """;
    private const string HeaderExistsSql = "SELECT COUNT(*) FROM public_records WHERE batch_id = @BatchId";
    private const string UpdatePartSql = "UPDATE public_parts SET version = @Version, body = @Body WHERE code = @Code AND part = @Part";
    private const string InsertPartSql = """
        INSERT INTO public_parts (code, part, batch_id, version, body) VALUES (@Code, @Part, @BatchId, @Version, @Body)
        """;

    /// <summary>Writes a batch's record and its parts in one transaction, unless a record assembled from later data is
    /// already stored (<paramref name="now"/> is when the data was read, so two API processes rewriting the same batch
    /// cannot leave the older one in place). Returns false when the stored record is the later one.</summary>
    public async Task<bool> SaveAsync(Written w, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            return await TrySaveAsync(w, now, ct);
        }
        catch (Exception e) when (db.Dialect.IsUniqueViolation(e))
        {
            // Another process inserted this batch's first record between our update and insert; now it is an update.
            return await TrySaveAsync(w, now, ct);
        }
    }

    private async Task<bool> TrySaveAsync(Written w, DateTimeOffset now, CancellationToken ct)
    {
        var header = new { w.BatchId, w.Code, w.Gtin, w.LotNumber, ChainValid = w.ChainValid ? 1 : 0, w.HeadHash, Now = now };
        await using var connection = await db.OpenAsync(ct);
        using var turn = await db.EnterWriteAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(UpdateHeaderSql), header, transaction, cancellationToken: ct)) == 0)
        {
            // No row yet, or one written from later data: then that one stays.
            if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(HeaderExistsSql), header, transaction, cancellationToken: ct)) > 0)
                return false;
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertHeaderSql), header, transaction, cancellationToken: ct));
        }
        await SavePartAsync(connection, transaction, w, Part.Json, w.Version, w.Record, ct);
        await SavePartAsync(connection, transaction, w, Part.PageVi, w.Version, w.PageVi, ct);
        await SavePartAsync(connection, transaction, w, Part.PageEn, w.Version, w.PageEn, ct);
        if (w.Qr is not null) await SavePartAsync(connection, transaction, w, Part.Qr, w.QrVersion, w.Qr, ct);
        await db.CommitAsync(transaction, ct);
        return true;
    }

    private async Task SavePartAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, Written w,
        Part part, string version, byte[] body, CancellationToken ct)
    {
        var args = new { w.Code, Part = (int)part, w.BatchId, Version = version, Body = body };
        if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(UpdatePartSql), args, transaction, cancellationToken: ct)) == 0)
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertPartSql), args, transaction, cancellationToken: ct));
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
