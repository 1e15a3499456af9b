using System.Data.Common;
using Dapper;
using Traceability.Domain.Events;

namespace Traceability.Infrastructure.Repositories;

/// <summary>The EPCIS 2.0 REST binding's storage: capture jobs and the eventIDs they captured (migration
/// epcis_captures), the lots a document names, and the event query.</summary>
public sealed class EpcisRepository(Database db)
{
    public sealed record Capture(Guid Id, Guid ProducerId, int EventCount, int SkippedCount, DateTimeOffset CreatedAt);

    /// <summary>A lot a document names, with its owner.</summary>
    public sealed record Lot(Guid BatchId, Guid ProducerId);

    private const string LotByGtinSql = """
        SELECT b.id AS BatchId, b.producer_id AS ProducerId FROM batches b JOIN products p ON p.id = b.product_id
        WHERE p.gtin = @Gtin AND b.lot_number = @Lot
        """;

    private const string LotByCodeSql = "SELECT id AS BatchId, producer_id AS ProducerId FROM batches WHERE code = @Code";

    public async Task<Lot?> LotAsync(string gtin14, string lotNumber, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Lot>(new CommandDefinition(db.Sql(LotByGtinSql), new { Gtin = gtin14, Lot = lotNumber }, cancellationToken: ct));
    }

    public async Task<Lot?> LotByCodeAsync(string code, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Lot>(new CommandDefinition(db.Sql(LotByCodeSql), new { Code = code }, cancellationToken: ct));
    }

    private const string OwnerSql = "SELECT producer_id FROM batches WHERE id = @Id";

    public async Task<Guid?> OwnerOfAsync(Guid batchId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(db.Sql(OwnerSql), new { Id = batchId }, cancellationToken: ct));
    }

    private const string CapturedSql = "SELECT event_uri FROM epcis_captured_events WHERE producer_id = @ProducerId AND event_uri IN @Uris";

    /// <summary>Which of these eventIDs the producer captured before.</summary>
    public async Task<IReadOnlySet<string>> CapturedAsync(Guid producerId, IReadOnlyCollection<string> eventUris, CancellationToken ct)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (eventUris.Count == 0) return found;
        await using var connection = await db.OpenAsync(ct);
        foreach (var part in eventUris.Distinct().Chunk(500))
            found.UnionWith(await connection.QueryAsync<string>(new CommandDefinition(db.Sql(CapturedSql), new { ProducerId = producerId, Uris = part }, cancellationToken: ct)));
        return found;
    }

    private const string InsertCaptureSql = """
        INSERT INTO epcis_captures (id, producer_id, event_count, skipped_count, created_at)
        VALUES (@Id, @ProducerId, @EventCount, @SkippedCount, @CreatedAt)
        """;

    private const string InsertCapturedSql = """
        INSERT INTO epcis_captured_events (producer_id, event_uri, event_id, capture_id) VALUES (@ProducerId, @Uri, @EventId, @CaptureId)
        """;

    /// <summary>Records a capture and the eventIDs it stored, in the transaction that appended its events. An eventID
    /// captured meanwhile by a concurrent request is a unique violation: the whole capture rolls back.</summary>
    public async Task RecordAsync(DbConnection connection, DbTransaction transaction, Capture capture, IReadOnlyList<(string Uri, Guid EventId)> captured, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertCaptureSql), capture, transaction, cancellationToken: ct));
        if (captured.Count > 0)
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertCapturedSql),
                captured.Select(c => new { capture.ProducerId, c.Uri, c.EventId, CaptureId = capture.Id }), transaction, cancellationToken: ct));
    }

    public bool IsUniqueViolation(Exception e) => db.Dialect.IsUniqueViolation(e);

    /// <summary>The EPCIS fields a partner sent with an event that the event itself does not carry, kept as sent
    /// (migration epcis_event_fields): its eventID, action, disposition, quantity and unit, and lot master data (ilmd, JSON text).</summary>
    public sealed record SentFields(string? EventUri, string Action, string? Disposition, decimal? Quantity, string? Uom, string? Ilmd);

    private const string InsertFieldsSql = """
        INSERT INTO epcis_event_fields (event_id, event_uri, action, disposition, quantity, uom, ilmd)
        VALUES (@EventId, @EventUri, @Action, @Disposition, @Quantity, @Uom, @Ilmd)
        """;

    /// <summary>Keeps what each captured event was sent with, in the capture's transaction.</summary>
    public async Task RecordFieldsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<(Guid EventId, SentFields Fields)> sent, CancellationToken ct)
    {
        if (sent.Count == 0) return;
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertFieldsSql), sent.Select(s => new
        {
            s.EventId, s.Fields.EventUri, s.Fields.Action, s.Fields.Disposition, s.Fields.Quantity, s.Fields.Uom, s.Fields.Ilmd,
        }), transaction, cancellationToken: ct));
    }

    private const string FieldsOfBatchSql = """
        SELECT f.event_id, f.event_uri, f.action, f.disposition, f.quantity, f.uom, f.ilmd
        FROM epcis_event_fields f JOIN events e ON e.id = f.event_id WHERE e.batch_id = @BatchId
        """;

    /// <summary>The sent fields of a batch's captured events, by event.</summary>
    public async Task<IReadOnlyDictionary<Guid, SentFields>> FieldsOfBatchAsync(Guid batchId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<FieldsRow>(new CommandDefinition(db.Sql(FieldsOfBatchSql), new { BatchId = batchId }, cancellationToken: ct)))
            .ToDictionary(r => r.EventId, r => new SentFields(r.EventUri, r.Action, r.Disposition, r.Quantity, r.Uom, r.Ilmd));
    }

    private const string FieldsOfEventsSql = """
        SELECT f.event_id, f.event_uri, f.action, f.disposition, f.quantity, f.uom, f.ilmd FROM epcis_event_fields f WHERE f.event_id IN @EventIds
        """;

    /// <summary>The sent fields of the events named (those a query page writes), by event.</summary>
    public async Task<IReadOnlyDictionary<Guid, SentFields>> FieldsOfEventsAsync(IReadOnlyCollection<Guid> eventIds, CancellationToken ct)
    {
        var fields = new Dictionary<Guid, SentFields>();
        if (eventIds.Count == 0) return fields;
        await using var connection = await db.OpenAsync(ct);
        foreach (var part in eventIds.Chunk(500))
            foreach (var r in await connection.QueryAsync<FieldsRow>(new CommandDefinition(db.Sql(FieldsOfEventsSql), new { EventIds = part }, cancellationToken: ct)))
                fields[r.EventId] = new SentFields(r.EventUri, r.Action, r.Disposition, r.Quantity, r.Uom, r.Ilmd);
        return fields;
    }

    private sealed class FieldsRow
    {
        public Guid EventId { get; set; }
        public string? EventUri { get; set; }
        public string Action { get; set; } = "";
        public string? Disposition { get; set; }
        public decimal? Quantity { get; set; }
        public string? Uom { get; set; }
        public string? Ilmd { get; set; }
    }

    private const string GetCaptureSql = "SELECT id, producer_id, event_count, skipped_count, created_at FROM epcis_captures WHERE id = @Id";

    public async Task<Capture?> GetCaptureAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<CaptureRow>(new CommandDefinition(db.Sql(GetCaptureSql), new { Id = id }, cancellationToken: ct));
        return row is null ? null : new Capture(row.Id, row.ProducerId, row.EventCount, row.SkippedCount, row.CreatedAt);
    }

    /// <summary>What a SimpleEventQuery asks, in the data's own terms. Null: no condition. Lists: any of them.
    /// <paramref name="Objects"/>: recorded events (ObjectEvents) may match; <paramref name="Transformations"/>: a batch's
    /// making from its parents (a TransformationEvent at its production date, recorded when the batch was) may match, by
    /// time, owner and lot — the lot made or one it was made from. The transformation's eventTime is its production date
    /// at 00:00 Vietnam time, so its bounds are dates (<paramref name="MadeFrom"/> and <paramref name="MadeBefore"/>).</summary>
    public sealed record Filter(
        Guid? ProducerId, DateTimeOffset? GeEventTime, DateTimeOffset? LtEventTime, DateTimeOffset? GeRecordTime, DateTimeOffset? LtRecordTime,
        IReadOnlyList<string>? Types, IReadOnlyList<Guid>? BatchIds, IReadOnlyList<string>? Serials, IReadOnlyList<string>? ReadPointGlns,
        IReadOnlyList<string>? BizLocationGlns, IReadOnlyList<string>? TypesWithoutBizLocation,
        bool Objects = true, bool Transformations = false, DateOnly? MadeFrom = null, DateOnly? MadeBefore = null, string? ProvinceCode = null)
    {
        /// <summary>Leave out the events captured from a kept EPCIS event (events.epcis_hash): the reader gets those as they
        /// were sent (<see cref="EpcisEventRepository"/>).</summary>
        public bool ExcludeCaptured { get; init; }
    }

    /// <summary>A matching event's place: its batch (by registration order) and its place in the batch's chain (0: the
    /// batch's TransformationEvent, which comes before its recorded events).</summary>
    /// <param name="EventId">The recorded event (null: the batch's TransformationEvent).</param>
    public sealed record Match(Guid BatchId, long BatchSeq, long Sequence, Guid? EventId = null);

    /// <summary>Events matching <paramref name="f"/>, in (batch, chain) order after <paramref name="after"/>, at most
    /// <paramref name="limit"/>. Two ways to find them:
    /// <list type="bullet">
    /// <item>Walking the batches in order, each with its events in chain order (the clustered keys; no index of its own,
    /// which would cost every write). On SQLite the page's rows come out already in order, so a page stops at its end
    /// whatever the data's size.</item>
    /// <item>A poll since a record time (<see cref="Filter.GeRecordTime"/>) that few events are newer than
    /// (<see cref="RecentEvents"/>) reads those events through the record-time index (migration record_time_indexes) and sorts them:
    /// the walk would have to read every event to find them.</item>
    /// </list></summary>
    public async Task<IReadOnlyList<Match>> QueryAsync(Filter f, (long BatchSeq, long Sequence) after, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var recent = f.GeRecordTime is { } since && await connection.ExecuteScalarAsync<int>(new CommandDefinition(db.Sql(RecordedSinceSql),
            new { Since = since, Limit = RecentEvents + 1 }, cancellationToken: ct)) <= RecentEvents;
        var (sql, args) = Statement(f, after, limit, db.Dialect, recent);
        return (await connection.QueryAsync<MatchRow>(new CommandDefinition(db.Sql(sql), args, cancellationToken: ct)))
            .Select(r => new Match(r.BatchId, r.BatchSeq, r.Sequence, r.EventId)).ToList();
    }

    /// <summary>At most this many events recorded since a poll's time: read through the record-time index and sorted
    /// (~1.4 µs an event on the benchmark's data, so ≤ ~15 ms). With more, they are dense enough among the events
    /// that walking the batches finds a page's worth about as soon, and stops there.</summary>
    public const int RecentEvents = 10_000;

    private const string RecordedSinceSql = "SELECT COUNT(*) FROM (SELECT {top} 1 AS x FROM events e WHERE {instant}(e.recorded_at) >= {instant}(@Since) {limit}) r";

    /// <summary>The query's statement: fixed fragments, one for each condition the query names, never its values.
    /// <paramref name="recent"/>: through the record-time indexes (see <see cref="QueryAsync"/>).</summary>
    public static (string Sql, DynamicParameters Args) Statement(Filter f, (long BatchSeq, long Sequence) after, int limit, ISqlDialect dialect, bool recent = false)
    {
        var args = new DynamicParameters(new { AfterBatch = after.BatchSeq, AfterSequence = after.Sequence, Limit = limit });
        var parts = new List<string>();
        if (f.Objects) parts.Add(Objects(f, args, recent));
        if (f.Transformations) parts.Add(Transformations(f, args, recent));
        if (parts.Count == 0) parts.Add("SELECT b.id AS BatchId, b.seq AS BatchSeq, 0 AS Sequence, b.id AS EventId FROM batches b WHERE 1 = 0");
        var union = string.Join(" UNION ALL ", parts);
        return (dialect.OrderedPage(union, recent), args);
    }

    /// <summary>The owner's condition: a producer's own batches, or a province authority's, its province's producers'.
    /// When the query names lots or items, those are the way in: through the owner's index, SQLite walked every batch of
    /// the producer to keep the page's order (a keyed lot query cost 4–5× the same query anonymous).</summary>
    private static string Owner(Filter f)
    {
        var column = f.BatchIds is not null || f.Serials is not null ? "{noindex}(b.producer_id)" : "b.producer_id";
        return f.ProducerId is not null ? $" AND {column} = @ProducerId" : $" AND {column} IN (SELECT pp.id FROM producers pp WHERE pp.province_code = @Province)";
    }

    private static string Objects(Filter f, DynamicParameters args, bool recent)
    {
        // Recent: the events recorded since the poll's time through their index, each with its batch (CROSS JOIN makes
        // SQLite take the events first; SQL Server plans it as the join it is). Otherwise the batches in order.
        var sql = !recent
            ? "SELECT b.id AS BatchId, b.seq AS BatchSeq, e.sequence AS Sequence, e.id AS EventId FROM events e JOIN batches b ON b.id = e.batch_id WHERE "
              + "(b.seq > @AfterBatch OR (b.seq = @AfterBatch AND e.sequence > @AfterSequence))"
            : "SELECT b.id AS BatchId, b.seq AS BatchSeq, e.sequence AS Sequence, e.id AS EventId FROM events e CROSS JOIN batches b WHERE b.id = e.batch_id "
              + "AND (b.seq > @AfterBatch OR (b.seq = @AfterBatch AND e.sequence > @AfterSequence))";
        if (f.ProducerId is { } producer) { sql += Owner(f); args.Add("ProducerId", producer); }
        if (f.ProvinceCode is { } province) { sql += Owner(f with { ProducerId = null }); args.Add("Province", province); }
        if (f.GeEventTime is { } geEvent) { sql += " AND {instant}(e.occurred_at) >= {instant}(@GeEventTime)"; args.Add("GeEventTime", geEvent); }
        if (f.LtEventTime is { } ltEvent) { sql += " AND {instant}(e.occurred_at) < {instant}(@LtEventTime)"; args.Add("LtEventTime", ltEvent); }
        if (f.GeRecordTime is { } geRecord) { sql += " AND {instant}(e.recorded_at) >= {instant}(@GeRecordTime)"; args.Add("GeRecordTime", geRecord); }
        if (f.LtRecordTime is { } ltRecord) { sql += " AND {instant}(e.recorded_at) < {instant}(@LtRecordTime)"; args.Add("LtRecordTime", ltRecord); }
        if (f.Types is { } types) { sql += " AND e.type IN @Types"; args.Add("Types", types); }
        // The reader's own captures come as it sent them; a trader's captured event about the reader's lot stays in the
        // lot's terms (recorded_by set): the trader's commercial fields are not the producer's to read.
        if (f.ExcludeCaptured) sql += f.ProducerId is null ? " AND e.epcis_hash IS NULL" : " AND (e.epcis_hash IS NULL OR e.recorded_by IS NOT NULL)";
        if (f.BatchIds is { } batches) { sql += " AND e.batch_id IN @BatchIds"; args.Add("BatchIds", batches); }
        if (f.Serials is { } serials) { sql += " AND e.id IN (SELECT i.event_id FROM event_items i WHERE i.serial IN @Serials)"; args.Add("Serials", serials); }
        if (f.ReadPointGlns is { } readPoints) { sql += " AND e.location_gln IN @ReadPoints"; args.Add("ReadPoints", readPoints); }
        if (f.BizLocationGlns is { } bizLocations)
        {
            sql += " AND e.location_gln IN @BizLocations AND e.type NOT IN @NoBizLocation";
            args.Add("BizLocations", bizLocations);
            args.Add("NoBizLocation", f.TypesWithoutBizLocation ?? []);
        }
        return sql;
    }

    private static string Transformations(Filter f, DynamicParameters args, bool recent)
    {
        // Recent: the batches created since the poll's time through their index (the unary plus keeps SQLite from
        // walking every batch by seq for the page's lower bound instead).
        var seq = recent ? "+b.seq" : "b.seq";
        var sql = $"SELECT b.id AS BatchId, b.seq AS BatchSeq, 0 AS Sequence, NULL AS EventId FROM batches b WHERE ({seq} > @AfterBatch OR ({seq} = @AfterBatch AND @AfterSequence < 0))"
                  + " AND EXISTS (SELECT 1 FROM batch_parents p WHERE p.child_id = b.id)";
        if (f.ProducerId is { } producer) { sql += Owner(f); args.Add("ProducerId", producer); }
        if (f.ProvinceCode is { } province) { sql += Owner(f with { ProducerId = null }); args.Add("Province", province); }
        if (f.MadeFrom is { } from) { sql += " AND b.produced_on >= @MadeFrom"; args.Add("MadeFrom", from); }
        if (f.MadeBefore is { } before) { sql += " AND b.produced_on < @MadeBefore"; args.Add("MadeBefore", before); }
        if (f.GeRecordTime is { } geRecord) { sql += " AND {instant}(b.created_at) >= {instant}(@GeRecordTime)"; args.Add("GeRecordTime", geRecord); }
        if (f.LtRecordTime is { } ltRecord) { sql += " AND {instant}(b.created_at) < {instant}(@LtRecordTime)"; args.Add("LtRecordTime", ltRecord); }
        if (f.BatchIds is { } batches)
        {
            // The lots named, and the lots made from them, found through their keys (an OR of the two would make SQLite
            // read every batch: 42 ms a lot query at 100,000 batches, against 0.1 ms).
            sql += " AND b.id IN (SELECT q.child_id FROM batch_parents q WHERE q.parent_id IN @BatchIds UNION ALL SELECT c.id FROM batches c WHERE c.id IN @BatchIds)";
            args.Add("BatchIds", batches);
        }
        return sql;
    }

    /// <summary>Read by property: the literal 0 of a transformation comes back as each database's own integer type.</summary>
    private sealed class MatchRow
    {
        public Guid BatchId { get; set; }
        public long BatchSeq { get; set; }
        public long Sequence { get; set; }
        public Guid? EventId { get; set; }
    }

    private sealed class CaptureRow
    {
        public Guid Id { get; set; }
        public Guid ProducerId { get; set; }
        public int EventCount { get; set; }
        public int SkippedCount { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
    }
}
