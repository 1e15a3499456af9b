using System.Data.Common;
using Dapper;

namespace Traceability.Infrastructure.Repositories;

/// <summary>Captured EPCIS events kept as sent (migration epcis_events): every event type, every field, each with its
/// CBV 2.0 hash, the batch it was attached to (if it names a lot of its capturer's), and the identifiers it names.</summary>
public sealed class EpcisEventRepository(Database db)
{
    /// <summary>An event as it was captured. <paramref name="Body"/>: its canonical JSON as sent; <paramref name="Namespaces"/>:
    /// the namespaces (a JSON object, prefix to IRI) its extension prefixes stood for in the document that carried it.
    /// <paramref name="EventId"/>: the events row it feeds, when attached to <paramref name="BatchId"/>.</summary>
    public sealed record Stored(
        Guid Id, Guid ProducerId, Guid CaptureId, string EventType, DateTimeOffset EventTime, DateTimeOffset RecordTime, string? EventUri,
        string EventHash, Guid? BatchId, Guid? EventId, string? BizStep, string? Disposition, string? ReadPoint, string? BizLocation,
        string Body, string? Namespaces)
    {
        /// <summary>The identifiers it names: 'i' an instance (epcList, childEPCs, parentID, input and output EPC lists),
        /// 'c' a class (the quantity lists' epcClass).</summary>
        public IReadOnlyList<(string Epc, char Kind)> Epcs { get; init; } = [];
    }

    private const string InsertSql = """
        INSERT INTO epcis_events (id, producer_id, capture_id, event_type, event_time, record_time, event_uri, event_hash, batch_id, event_id,
            biz_step, disposition, read_point, biz_location, body, namespaces)
        VALUES (@Id, @ProducerId, @CaptureId, @EventType, @EventTime, @RecordTime, @EventUri, @EventHash, @BatchId, @EventId,
            @BizStep, @Disposition, @ReadPoint, @BizLocation, @Body, @Namespaces)
        """;

    private const string InsertEpcSql = "INSERT INTO epcis_event_epcs (epc, kind, event_id) VALUES (@Epc, @Kind, @EventId)";

    /// <summary>Keeps the captured events, in the capture's transaction.</summary>
    public async Task InsertAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<Stored> events, CancellationToken ct)
    {
        if (events.Count == 0) return;
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertSql), events, transaction, cancellationToken: ct));
        var epcs = events.SelectMany(e => e.Epcs.Distinct().Select(x => new { x.Epc, Kind = x.Kind.ToString(), EventId = e.Id })).ToList();
        if (epcs.Count > 0) await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertEpcSql), epcs, transaction, cancellationToken: ct));
    }

    /// <summary>What a query reads of a kept event.</summary>
    public sealed record Kept(long Seq, Guid Id, Guid? EventId, string? EventUri, string EventHash, DateTimeOffset RecordTime, string Body, string? Namespaces);

    private const string Columns = "x.seq, x.id, x.event_id, x.event_uri, x.event_hash, x.record_time, x.body, x.namespaces";

    private const string OfEventsSql = $"SELECT {Columns} FROM epcis_events x WHERE x.event_id IN @EventIds";

    /// <summary>The kept events that the given events rows were captured from, by events row.</summary>
    public async Task<IReadOnlyDictionary<Guid, Kept>> OfEventsAsync(IReadOnlyCollection<Guid> eventIds, CancellationToken ct)
    {
        if (eventIds.Count == 0) return new Dictionary<Guid, Kept>();
        await using var connection = await db.OpenAsync(ct);
        var found = new Dictionary<Guid, Kept>();
        foreach (var part in eventIds.Chunk(500))
            foreach (var k in await connection.QueryAsync<KeptRow>(new CommandDefinition(db.Sql(OfEventsSql), new { EventIds = part }, cancellationToken: ct)))
                found[k.EventId!.Value] = k.ToKept();
        return found;
    }

    /// <summary>A SimpleEventQuery over kept events, in the terms they were sent in. Null: no condition; lists: any of them.
    /// <paramref name="ProducerId"/>: the capturer's own; <paramref name="ProvinceCode"/>: those attached to its province's
    /// batches. <paramref name="Epcs"/> and <paramref name="Classes"/> are matched as sent; a class also matches the events
    /// attached to <paramref name="BatchIds"/>.</summary>
    public sealed record Filter(
        Guid? ProducerId, string? ProvinceCode, IReadOnlyList<string>? Types, DateTimeOffset? GeEventTime, DateTimeOffset? LtEventTime,
        DateTimeOffset? GeRecordTime, DateTimeOffset? LtRecordTime, IReadOnlyList<string>? BizSteps, IReadOnlyList<string>? Dispositions,
        IReadOnlyList<string>? ReadPoints, IReadOnlyList<string>? BizLocations, IReadOnlyList<string>? Epcs, IReadOnlyList<string>? Classes,
        IReadOnlyList<Guid>? BatchIds);

    /// <summary>Kept events matching <paramref name="f"/> after <paramref name="afterSeq"/>, in capture order, at most
    /// <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<Kept>> QueryAsync(Filter f, long afterSeq, int limit, CancellationToken ct)
    {
        var (sql, args) = Statement(f, afterSeq, limit);
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<KeptRow>(new CommandDefinition(db.Sql(sql), args, cancellationToken: ct))).Select(r => r.ToKept()).ToList();
    }

    /// <summary>The query's statement: a fixed fragment for each condition the query names, never its values.</summary>
    public static (string Sql, DynamicParameters Args) Statement(Filter f, long afterSeq, int limit)
    {
        var args = new DynamicParameters(new { After = afterSeq, Limit = limit });
        var sql = $"SELECT {{top}} {Columns} FROM epcis_events x WHERE x.seq > @After";
        // When the query names identifiers, they are the way in (see EpcisRepository's Owner): not the capturer's index.
        var named = f.Epcs is not null || f.Classes is not null;
        if (f.ProducerId is { } producer) { sql += named ? " AND {noindex}(x.producer_id) = @ProducerId" : " AND x.producer_id = @ProducerId"; args.Add("ProducerId", producer); }
        if (f.ProvinceCode is { } province)
        {
            sql += " AND x.batch_id IN (SELECT b.id FROM batches b JOIN producers pp ON pp.id = b.producer_id WHERE pp.province_code = @Province)";
            args.Add("Province", province);
        }
        if (f.Types is { } types) { sql += " AND x.event_type IN @Types"; args.Add("Types", types); }
        if (f.GeEventTime is { } geEvent) { sql += " AND {instant}(x.event_time) >= {instant}(@GeEventTime)"; args.Add("GeEventTime", geEvent); }
        if (f.LtEventTime is { } ltEvent) { sql += " AND {instant}(x.event_time) < {instant}(@LtEventTime)"; args.Add("LtEventTime", ltEvent); }
        if (f.GeRecordTime is { } geRecord) { sql += " AND {instant}(x.record_time) >= {instant}(@GeRecordTime)"; args.Add("GeRecordTime", geRecord); }
        if (f.LtRecordTime is { } ltRecord) { sql += " AND {instant}(x.record_time) < {instant}(@LtRecordTime)"; args.Add("LtRecordTime", ltRecord); }
        if (f.BizSteps is { } steps) { sql += " AND x.biz_step IN @BizSteps"; args.Add("BizSteps", steps); }
        if (f.Dispositions is { } dispositions) { sql += " AND x.disposition IN @Dispositions"; args.Add("Dispositions", dispositions); }
        if (f.ReadPoints is { } readPoints) { sql += " AND x.read_point IN @ReadPoints"; args.Add("ReadPoints", readPoints); }
        if (f.BizLocations is { } bizLocations) { sql += " AND x.biz_location IN @BizLocations"; args.Add("BizLocations", bizLocations); }
        if (f.Epcs is { } epcs)
        {
            sql += " AND x.id IN (SELECT c.event_id FROM epcis_event_epcs c WHERE c.kind = 'i' AND c.epc IN @Epcs)";
            args.Add("Epcs", epcs);
        }
        if (f.Classes is { } classes)
        {
            // The events naming the class as written, and those attached to the lots it names (found through the lots'
            // events: an OR of the two conditions would read every event the capturer kept).
            sql += " AND x.id IN (SELECT c.event_id FROM epcis_event_epcs c WHERE c.kind = 'c' AND c.epc IN @Classes"
                   + " UNION ALL SELECT y.id FROM epcis_events y WHERE y.event_id IN (SELECT e.id FROM events e WHERE e.batch_id IN @BatchIds))";
            args.Add("Classes", classes);
            args.Add("BatchIds", f.BatchIds ?? []);
        }
        return (sql + " ORDER BY x.seq {limit}", args);
    }

    private sealed class KeptRow
    {
        public long Seq { get; set; }
        public Guid Id { get; set; }
        public Guid? EventId { get; set; }
        public string? EventUri { get; set; }
        public string EventHash { get; set; } = "";
        public DateTimeOffset RecordTime { get; set; }
        public string Body { get; set; } = "";
        public string? Namespaces { get; set; }

        public Kept ToKept() => new(Seq, Id, EventId, EventUri, EventHash, RecordTime, Body, Namespaces);
    }
}
