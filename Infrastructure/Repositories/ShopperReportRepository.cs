using Dapper;
using Traceability.Domain;

namespace Traceability.Infrastructure.Repositories;

/// <summary>Shoppers' reports (migration shopper_reports): stored with the per-client limit checked in the same write
/// transaction (so concurrent reports cannot pass it together) and announced to the producer (report.received).</summary>
public sealed class ShopperReportRepository(Database db, Webhooks.IAnnouncements announce)
{
    private const string Columns = """
        r.id, r.seq, r.receipt, r.batch_id, b.code AS batch_code, r.producer_id, r.province_code, r.serial, r.reason, r.message, r.phone, r.status,
        r.answer, r.answered_by, r.answered_at, r.created_at
        """;

    private const string RecentFromClientSql = "SELECT COUNT(*) FROM shopper_reports WHERE client = @Client AND created_unix_ms >= @Since";

    private const string InsertSql = """
        INSERT INTO shopper_reports (id, receipt, batch_id, producer_id, province_code, serial, reason, message, phone, client, status, created_at, created_unix_ms)
        VALUES (@Id, @Receipt, @BatchId, @ProducerId, @ProvinceCode, @Serial, @Reason, @Message, @Phone, @Client, @Status, @CreatedAt, @CreatedUnixMs)
        """;

    /// <summary>Stores a report unless its client sent <see cref="ShopperReports.PerClient"/> in the last
    /// <see cref="ShopperReports.Window"/> (then false, nothing stored).</summary>
    public async Task<bool> CreateAsync(ShopperReport r, string client, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var since = (r.CreatedAt - ShopperReports.Window).ToUnixTimeMilliseconds();
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(RecentFromClientSql), new { Client = client, Since = since }, transaction,
                cancellationToken: ct)) >= ShopperReports.PerClient)
            return false;
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertSql), new
        {
            r.Id, r.Receipt, r.BatchId, r.ProducerId, r.ProvinceCode, r.Serial, Reason = WireEnum<ReportReason>.Name(r.Reason), r.Message, r.Phone,
            Client = client, Status = WireEnum<ReportStatus>.Name(r.Status), r.CreatedAt, CreatedUnixMs = r.CreatedAt.ToUnixTimeMilliseconds(),
        }, transaction, cancellationToken: ct));
        await announce.ReportReceivedAsync(connection, transaction, r, ct);
        await db.CommitAsync(transaction, ct);
        return true;
    }

    private const string ByReceiptSql = $"SELECT {Columns} FROM shopper_reports r JOIN batches b ON b.id = r.batch_id WHERE r.receipt = @Receipt";
    private const string ByIdSql = $"SELECT {Columns} FROM shopper_reports r JOIN batches b ON b.id = r.batch_id WHERE r.id = @Id";

    public async Task<ShopperReport?> GetByReceiptAsync(string receipt, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(db.Sql(ByReceiptSql), new { Receipt = receipt }, cancellationToken: ct)))?.ToReport();
    }

    public async Task<ShopperReport?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(db.Sql(ByIdSql), new { Id = id }, cancellationToken: ct)))?.ToReport();
    }

    private const string ListSql = $$"""
        SELECT {top} {{Columns}} FROM shopper_reports r JOIN batches b ON b.id = r.batch_id
        WHERE r.seq < @Before AND (@ProducerId IS NULL OR r.producer_id = @ProducerId) AND (@ProvinceCode IS NULL OR r.province_code = @ProvinceCode)
          AND (@Status IS NULL OR r.status = @Status)
        ORDER BY r.seq DESC {limit}
        """;

    /// <summary>A page of reports, newest first: of one producer, of one province, or all (both null).</summary>
    public async Task<IReadOnlyList<ShopperReport>> ListAsync(Guid? producerId, string? provinceCode, ReportStatus? status, long before, int limit,
        CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<Row>(new CommandDefinition(db.Sql(ListSql), new
        {
            Before = before, ProducerId = producerId, ProvinceCode = provinceCode, Status = status is { } s ? WireEnum<ReportStatus>.Name(s) : null, Limit = limit,
        }, cancellationToken: ct))).Select(r => r.ToReport()).ToList();
    }

    private const string AnswerSql = """
        UPDATE shopper_reports SET status = @Status, answer = COALESCE(@Answer, answer), answered_by = COALESCE(@By, answered_by),
            answered_at = CASE WHEN @Answer IS NULL THEN answered_at ELSE @At END
        WHERE id = @Id
        """;

    /// <summary>Records how a report is handled: its new status, and the public answer if one is given (the earlier one
    /// stays otherwise).</summary>
    public async Task HandleAsync(Guid id, ReportStatus status, string? answer, string by, DateTimeOffset at, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(AnswerSql),
            new { Id = id, Status = WireEnum<ReportStatus>.Name(status), Answer = answer, By = answer is null ? null : by, At = at }, cancellationToken: ct));
    }

    private sealed class Row
    {
        public Guid Id { get; set; }
        public long Seq { get; set; }
        public string Receipt { get; set; } = "";
        public Guid BatchId { get; set; }
        public string BatchCode { get; set; } = "";
        public Guid ProducerId { get; set; }
        public string? ProvinceCode { get; set; }
        public string? Serial { get; set; }
        public string Reason { get; set; } = "";
        public string Message { get; set; } = "";
        public string? Phone { get; set; }
        public string Status { get; set; } = "";
        public string? Answer { get; set; }
        public string? AnsweredBy { get; set; }
        public DateTimeOffset? AnsweredAt { get; set; }
        public DateTimeOffset CreatedAt { get; set; }

        public ShopperReport ToReport() => new(Id, Seq, Receipt, BatchId, BatchCode, ProducerId, ProvinceCode, Serial, WireEnum<ReportReason>.Parse(Reason),
            Message, Phone, WireEnum<ReportStatus>.Parse(Status), Answer, AnsweredBy, AnsweredAt, CreatedAt);
    }
}
