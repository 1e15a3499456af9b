using System.Data.Common;
using Dapper;

namespace Traceability.Infrastructure.PublicRecords;

/// <summary>The stored public records (migration record_versions): a header row a batch that says which version of the batch's
/// record its parts were built from, and each part a view reads (the record's JSON, each language's page, the default
/// QR image) in a row of its own, read by tracing code or by GTIN and lot in one statement. The version
/// (batches.record_version) is raised by triggers in the same transaction as every change to what the record shows,
/// so any process reading a part knows whether it is current without asking anyone.</summary>
public sealed class RecordStore(Database db)
{
    /// <summary>What a view reads: the record's JSON, one language's page (both stored gzip-compressed with their
    /// per-view slots open), or the default QR image (PNG).</summary>
    public enum Part { Json = 0, PageVi = 1, PageEn = 2, Qr = 3 }

    /// <param name="ETag">The part's validator: the record's content hash, or the QR image's.</param>
    /// <param name="Stale">The sources changed after the part was built: it must be rebuilt before it is served.</param>
    /// <param name="ChangesOn">The Vietnam date from which the part shows something else with no write (a certification
    /// starting or ending): from then on it is stale too.</param>
    public sealed record Stored(Guid BatchId, string Code, string ETag, byte[] Body, long ScanCount, DateTimeOffset? FirstScannedAt,
        bool Stale, DateOnly? ChangesOn)
    {
        public bool IsCurrentOn(DateOnly today) => !Stale && (ChangesOn is not { } day || day > today);
    }

    /// <summary>What a build stores. <paramref name="SourceVersion"/> is the version read before the sources were read:
    /// a build replaces only parts built from a lower version (or on an earlier day). <paramref name="Qr"/> null keeps
    /// the stored image (it changes only with the URL it encodes).</summary>
    public sealed record Built(Guid BatchId, string Code, long SourceVersion, DateOnly BuiltOn, DateOnly? ChangesOn,
        string ETag, byte[] Json, byte[] PageVi, byte[] PageEn, string QrETag, byte[]? Qr);

    private const string Columns = """
        p.batch_id, p.code, p.version, p.body, s.scan_count, s.first_scanned_at, b.record_version - r.built_version, r.changes_on
        """;

    private const string GetSql = $"""
        SELECT {Columns}
        FROM public_parts p JOIN public_records r ON r.batch_id = p.batch_id JOIN batches b ON b.id = p.batch_id
        LEFT JOIN scan_counts s ON s.batch_id = p.batch_id
        WHERE p.code = @p0 AND p.part = @p1
        """;

    /// <summary>One part of one record, with whether it is current and the scans stored so far; null when never built.</summary>
    /// <param name="secondary">From the readable secondary (a public read); false: from the primary (just after a build).</param>
    public Task<Stored?> GetAsync(string code, Part part, bool secondary, CancellationToken ct) =>
        db.ReadRowAsync(db.Sql(GetSql), [code, (int)part], ReadStored, secondary, ct);

    /// <summary>An issued item as its page reads it beside the lot's part: null <see cref="Item.BatchId"/> when no one
    /// issued the serial; <see cref="Item.Steps"/> how many of its batch's events name it.</summary>
    public sealed record Item(Guid? BatchId, bool WithPin, DateTimeOffset? VoidedAt, long ScanCount, DateTimeOffset? FirstScannedAt,
        DateTimeOffset? VerifiedAt, long Steps, int DistinctClients);

    private const string GetItemSql = $"""
        SELECT {Columns}, i.batch_id, i.with_pin, sr.voided_at, a.scan_count, a.first_scanned_at, a.verified_at,
            (SELECT COUNT(*) FROM event_items ei WHERE ei.serial = @p2) AS steps, a.distinct_clients
        FROM public_parts p JOIN public_records r ON r.batch_id = p.batch_id JOIN batches b ON b.id = p.batch_id
        LEFT JOIN scan_counts s ON s.batch_id = p.batch_id
        LEFT JOIN serials sr ON sr.serial = @p2 LEFT JOIN serial_issues i ON i.seq = sr.issue_seq AND i.completed_at IS NOT NULL
        LEFT JOIN serial_activity a ON a.serial = @p2
        WHERE p.code = @p0 AND p.part = @p1
        """;

    /// <summary>One part of a lot's record and the item a serial names, in one statement (an item's scan reads one row,
    /// as a lot's does).</summary>
    public async Task<(Stored Record, Item Item)?> GetItemAsync(string code, Part part, string serial, bool secondary, CancellationToken ct)
    {
        var row = await db.ReadRowAsync(db.Sql(GetItemSql), [code, (int)part, serial], r => new ItemRow(ReadStored(r), new Item(
            r.IsDBNull(8) ? null : TypeHandlers.ToGuid(r.GetValue(8)), !r.IsDBNull(9) && Convert.ToInt64(r.GetValue(9), System.Globalization.CultureInfo.InvariantCulture) != 0,
            r.IsDBNull(10) ? null : TypeHandlers.ToDateTimeOffset(r.GetValue(10)), r.IsDBNull(11) ? 0 : r.GetInt64(11),
            r.IsDBNull(12) ? null : TypeHandlers.ToDateTimeOffset(r.GetValue(12)), r.IsDBNull(13) ? null : TypeHandlers.ToDateTimeOffset(r.GetValue(13)),
            Convert.ToInt64(r.GetValue(14), System.Globalization.CultureInfo.InvariantCulture),
            r.IsDBNull(15) ? 0 : Convert.ToInt32(r.GetValue(15), System.Globalization.CultureInfo.InvariantCulture))), secondary, ct);
        return row is null ? null : (row.Record, row.Item);
    }

    private sealed record ItemRow(Stored Record, Item Item);

    private const string GetByLotSql = $"""
        SELECT {Columns}
        FROM public_records r JOIN public_parts p ON p.code = r.code AND p.part = @p2 JOIN batches b ON b.id = r.batch_id
        LEFT JOIN scan_counts s ON s.batch_id = r.batch_id
        WHERE r.gtin = @p0 AND r.lot_number = @p1
        """;

    /// <summary>One part of the record a GS1 Digital Link (GTIN-14 and lot) names, in one statement.</summary>
    public Task<Stored?> GetByLotAsync(string gtin14, string lot, Part part, bool secondary, CancellationToken ct) =>
        db.ReadRowAsync(db.Sql(GetByLotSql), [gtin14, lot, (int)part], ReadStored, secondary, ct);

    private static Stored ReadStored(DbDataReader r) => new(
        TypeHandlers.ToGuid(r.GetValue(0)), r.GetString(1), r.GetString(2), (byte[])r.GetValue(3),
        r.IsDBNull(4) ? 0 : r.GetInt64(4), r.IsDBNull(5) ? null : TypeHandlers.ToDateTimeOffset(r.GetValue(5)),
        Convert.ToInt64(r.GetValue(6), System.Globalization.CultureInfo.InvariantCulture) != 0,
        r.IsDBNull(7) ? null : TypeHandlers.ToDateOnly(r.GetValue(7)));

    private const string PartETagSql = "SELECT version FROM public_parts WHERE code = @Code AND part = @Part";

    public async Task<string?> ETagAsync(string code, Part part, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(db.Sql(PartETagSql), new { Code = code, Part = (int)part }, cancellationToken: ct));
    }

    private const string MarkBuiltSql = """
        UPDATE public_records SET built_version = @SourceVersion, built_on = @BuiltOn, changes_on = @ChangesOn
        WHERE batch_id = @BatchId
          AND (built_version < @SourceVersion OR (built_version = @SourceVersion AND (built_on IS NULL OR built_on < @BuiltOn)))
        """;
    private const string HeaderExistsSql = "SELECT COUNT(*) FROM public_records WHERE batch_id = @BatchId";
    // Only for a header someone deleted: batches get theirs from a trigger (migration record_versions).
    private const string InsertHeaderSql = """
        INSERT INTO public_records (batch_id, code, gtin, lot_number, built_version, built_on, changes_on)
        SELECT b.id, b.code, p.gtin, b.lot_number, @SourceVersion, @BuiltOn, @ChangesOn
        FROM batches b JOIN products p ON p.id = b.product_id WHERE b.id = @BatchId
        """;
    private const string UpdatePartSql = "UPDATE public_parts SET version = @ETag, body = @Body WHERE code = @Code AND part = @Part";
    private const string InsertPartSql = "INSERT INTO public_parts (code, part, batch_id, version, body) VALUES (@Code, @Part, @BatchId, @ETag, @Body)";

    /// <summary>Stores a build and its parts in one transaction, unless parts built from the same or later sources on the
    /// same or a later day are stored already (another process's build won). Returns whether this build was stored.</summary>
    public async Task<bool> SaveAsync(Built b, CancellationToken ct)
    {
        try
        {
            return await TrySaveAsync(b, ct);
        }
        catch (Exception e) when (db.Dialect.IsUniqueViolation(e))
        {
            // Another process inserted the missing header or a part between our update and insert: now it is an update.
            return await TrySaveAsync(b, ct);
        }
    }

    private async Task<bool> TrySaveAsync(Built b, CancellationToken ct)
    {
        var header = new { b.BatchId, b.SourceVersion, b.BuiltOn, b.ChangesOn };
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(MarkBuiltSql), header, transaction, cancellationToken: ct)) == 0)
        {
            if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(HeaderExistsSql), header, transaction, cancellationToken: ct)) > 0)
                return false;
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertHeaderSql), header, transaction, cancellationToken: ct));
        }
        await SavePartAsync(connection, transaction, b, Part.Json, b.ETag, b.Json, ct);
        await SavePartAsync(connection, transaction, b, Part.PageVi, b.ETag, b.PageVi, ct);
        await SavePartAsync(connection, transaction, b, Part.PageEn, b.ETag, b.PageEn, ct);
        if (b.Qr is not null) await SavePartAsync(connection, transaction, b, Part.Qr, b.QrETag, b.Qr, ct);
        await db.CommitAsync(transaction, ct);
        return true;
    }

    private async Task SavePartAsync(DbConnection connection, DbTransaction transaction, Built b, Part part, string etag, byte[] body, CancellationToken ct)
    {
        var args = new { b.Code, Part = (int)part, b.BatchId, ETag = etag, Body = body };
        if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(UpdatePartSql), args, transaction, cancellationToken: ct)) == 0)
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertPartSql), args, transaction, cancellationToken: ct));
    }

    private const string StaleInRangeSql = """
        SELECT b.code FROM batches b JOIN public_records r ON r.batch_id = b.id
        WHERE b.seq > @After AND b.seq <= @Until AND b.record_version <> r.built_version ORDER BY b.seq
        """;

    /// <summary>The stale records among the batches with <c>seq</c> in (<paramref name="after"/>, <paramref name="until"/>]:
    /// a bounded piece of the worker's pass over every batch (no log is written for it, so writes pay nothing).</summary>
    public async Task<IReadOnlyList<string>> StaleInRangeAsync(long after, long until, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<string>(new CommandDefinition(db.Sql(StaleInRangeSql), new { After = after, Until = until }, cancellationToken: ct))).AsList();
    }

    private const string LastSeqSql = "SELECT COALESCE(MAX(seq), 0) FROM batches";

    public async Task<long> LastBatchSeqAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(LastSeqSql), cancellationToken: ct));
    }

    private const string DueSql = "SELECT {top} code FROM public_records WHERE changes_on <= @Today AND code > @After ORDER BY code {limit}";

    private const string DueCountSql = "SELECT COUNT(*) FROM (SELECT {top} 1 AS x FROM public_records WHERE changes_on <= @Today {limit}) d";

    private const string DueSortedSql =
        "SELECT {top} code FROM public_records WHERE changes_on <= @Today AND {noindex}(code) > @After ORDER BY {noindex}(code) {limit}";

    /// <summary>At most this many due records are found through the changes_on index and sorted; with more, they are dense
    /// enough that walking the records by code finds a page about as soon.</summary>
    private const int SortedDue = 10_000;

    /// <summary>A keyset page (by code) of the records that show something else from <paramref name="today"/> on (a
    /// certification's day came). The refresher asks every few seconds and nearly always none is due: walking the records
    /// by code to learn that read all of them (0.3 s of CPU every 2 s at 100,000 records, bench/NOTES.md), so the
    /// due ones are counted through their index first.</summary>
    public async Task<IReadOnlyList<string>> DueAsync(DateOnly today, string after, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var due = await connection.ExecuteScalarAsync<int>(new CommandDefinition(db.Sql(DueCountSql), new { Today = today, Limit = SortedDue + 1 }, cancellationToken: ct));
        if (due == 0) return [];
        return (await connection.QueryAsync<string>(new CommandDefinition(db.Sql(due <= SortedDue ? DueSortedSql : DueSql),
            new { Today = today, After = after, Limit = limit }, cancellationToken: ct))).AsList();
    }

    private const string MarkAllStaleSql = "UPDATE batches SET record_version = record_version + 1";

    /// <summary>Every record is rebuilt (on its next read or by the worker): what every record shows changed outside
    /// the database (the public base URL, the page's template).</summary>
    public async Task<int> MarkAllStaleAsync(CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(db.Sql(MarkAllStaleSql), cancellationToken: ct));
    }
}
