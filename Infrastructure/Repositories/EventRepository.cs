using System.Data.Common;
using System.Text.Json;
using Dapper;
using Traceability.Domain;
using Traceability.Domain.Events;

namespace Traceability.Infrastructure.Repositories;

/// <summary>Appends events to batches' hash chains and reads them back. Events are never updated or deleted.</summary>
public sealed class EventRepository(Database db, Webhooks.IAnnouncements announce)
{
    // Taking the batch row first serialises appends to one batch: SQLite holds the database write lock
    // (BEGIN IMMEDIATE), SQL Server an exclusive row lock until commit. Sequence numbers come from the counter.
    private const string ReserveSql = "UPDATE batches SET last_sequence = last_sequence + @Count WHERE id = @BatchId";
    private const string HeadSql = "SELECT code, last_sequence, head_hash, producer_id FROM batches WHERE id = @BatchId";
    // The head moves and the batch's public record is marked stale (batches.record_version, docs/public-records.md) in
    // one statement: every other change is marked by a trigger (migration record_versions), but a trigger per appended event cost
    // a fifth of the write throughput.
    private const string SetHeadSql = "UPDATE batches SET head_hash = @Hash, record_version = record_version + 1 WHERE id = @BatchId";

    private const string InsertSql = """
        INSERT INTO events (id, batch_id, sequence, type, occurred_at, recorded_at, location_name, location_latitude,
            location_longitude, location_gln, actor, note, attributes, certificates, corrects_id, previous_hash, hash, items, items_digest, epcis_hash, recorded_by, receiver_id)
        VALUES (@Id, @BatchId, @Sequence, @Type, @OccurredAt, @RecordedAt, @LocationName, @LocationLatitude,
            @LocationLongitude, @LocationGln, @Actor, @Note, @Attributes, @Certificates, @CorrectsId, @PreviousHash, @Hash, @Items, @ItemsDigest, @EpcisHash, @RecordedBy, @ReceiverId)
        """;

    private const string InsertItemSql = "INSERT INTO event_items (serial, event_id) VALUES (@Serial, @EventId)";

    /// <summary>A shipping event that names its receiver makes it a holder of the lot (once).</summary>
    private const string InsertHolderSql = """
        INSERT INTO lot_holders (batch_id, holder_id, event_id, granted_at)
        SELECT @BatchId, @HolderId, @EventId, @GrantedAt WHERE NOT EXISTS (SELECT 1 FROM lot_holders WHERE batch_id = @BatchId AND holder_id = @HolderId)
        """;

    /// <summary>Appends all events, all or nothing, each batch's in the given order.</summary>
    public async Task<IReadOnlyList<SupplyChainEvent>> AppendAsync(IReadOnlyList<NewEvent> events, DateTimeOffset now, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var recorded = await AppendAsync(connection, transaction, events, now, ct);
        await db.CommitAsync(transaction, ct);
        return recorded;
    }

    /// <summary>Appends inside the caller's transaction (a recall records its events with the batches it marks).</summary>
    public async Task<IReadOnlyList<SupplyChainEvent>> AppendAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<NewEvent> events, DateTimeOffset now, CancellationToken ct)
    {
        var result = new SupplyChainEvent[events.Count];
        var announcements = new List<Webhooks.RecordedEvent>(events.Count);
        // Each statement is made once and run for every batch or event (RepeatedCommand): a phone's sync names dozens of
        // batches and a thousand events.
        await using var reserve = new RepeatedCommand(connection, transaction, db.Sql(ReserveSql), "Count", "BatchId");
        await using var readHead = new RepeatedCommand(connection, transaction, db.Sql(HeadSql), "BatchId");
        await using var insert = new RepeatedCommand(connection, transaction, db.Sql(InsertSql), EventRow.InsertNames);
        await using var setHead = new RepeatedCommand(connection, transaction, db.Sql(SetHeadSql), "Hash", "BatchId");
        // Batches are locked in a fixed order so that two bulk requests never wait on each other in a cycle.
        foreach (var group in events.Select((e, i) => (Event: e, Index: i)).GroupBy(x => x.Event.BatchId).OrderBy(g => g.Key))
        {
            var batchId = group.Key;
            var count = group.Count();
            if (await reserve.ExecuteAsync(ct, (long)count, batchId) != 1) throw new NotFoundException("Batch", batchId);
            var head = await readHead.ReadRowAsync(ct, batchId) ?? throw new NotFoundException("Batch", batchId);
            var (code, lastSequence, headHash, producerId) = ((string)head[0]!, Convert.ToInt64(head[1], System.Globalization.CultureInfo.InvariantCulture),
                (string?)head[2], TypeHandlers.ToGuid(head[3]!));
            var sequence = lastSequence - count;
            var previous = headHash;
            foreach (var (e, index) in group)
            {
                var chained = SupplyChainEvent.Chain(Guid.CreateVersion7(), e, code, ++sequence, previous, now);
                result[index] = chained;
                await insert.ExecuteAsync(ct, EventRow.InsertValues(chained));
                previous = chained.Hash;
            }
            var items = group.SelectMany(x => result[x.Index].Items.Select(serial => new { Serial = serial, EventId = result[x.Index].Id })).ToList();
            if (items.Count > 0) await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertItemSql), items, transaction, cancellationToken: ct));
            foreach (var handover in group.Select(x => result[x.Index]).Where(r => r.Receiver is not null))
                await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertHolderSql),
                    new { BatchId = batchId, HolderId = handover.Receiver, EventId = handover.Id, GrantedAt = handover.RecordedAt }, transaction, cancellationToken: ct));
            await setHead.ExecuteAsync(ct, previous, batchId);
            announcements.AddRange(group.Select(x => new Webhooks.RecordedEvent(result[x.Index], producerId)));
        }
        await announce.EventsRecordedAsync(connection, transaction, announcements, now, ct);
        return result;
    }

    private const string ListSql = $"SELECT {{top}} {EventRow.Columns} FROM events e JOIN batches b ON b.id = e.batch_id WHERE e.batch_id = @BatchId AND e.sequence > @After ORDER BY e.sequence {{limit}}";

    /// <summary>A keyset page of a batch's events in recorded (chain) order.</summary>
    public async Task<Page<SupplyChainEvent>> ListAsync(Guid batchId, long after, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = (await connection.QueryAsync<EventRow>(new CommandDefinition(db.Sql(ListSql),
            new { BatchId = batchId, After = after, Limit = limit + 1 }, cancellationToken: ct))).AsList();
        return Paging.ToPage(rows, limit, r => r.Sequence, r => r.ToEvent());
    }

    private const string AllSql = $"SELECT {EventRow.Columns} FROM events e JOIN batches b ON b.id = e.batch_id WHERE e.batch_id = @BatchId ORDER BY e.sequence";

    /// <summary>The whole chain of a batch, in order.</summary>
    public async Task<IReadOnlyList<SupplyChainEvent>> ChainAsync(Guid batchId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<EventRow>(new CommandDefinition(db.Sql(AllSql), new { BatchId = batchId }, cancellationToken: ct));
        return rows.Select(r => r.ToEvent()).ToList();
    }

    private const string ByIdsSql = $"SELECT {EventRow.Columns} FROM events e JOIN batches b ON b.id = e.batch_id WHERE e.id IN @Ids";

    private const string CorrectionsOfSql = $"SELECT {EventRow.Columns} FROM events e JOIN batches b ON b.id = e.batch_id WHERE e.corrects_id IN @Ids";

    /// <summary>The events named, and with <paramref name="corrections"/> the events correcting them instead (through
    /// their index, migration event_corrections): what a query page's events need, without their batches' whole chains.</summary>
    public async Task<IReadOnlyList<SupplyChainEvent>> ManyAsync(IReadOnlyCollection<Guid> ids, bool corrections, CancellationToken ct)
    {
        var found = new List<SupplyChainEvent>();
        if (ids.Count == 0) return found;
        await using var connection = await db.OpenAsync(ct);
        foreach (var part in ids.Chunk(500))
            found.AddRange((await connection.QueryAsync<EventRow>(new CommandDefinition(db.Sql(corrections ? CorrectionsOfSql : ByIdsSql), new { Ids = part },
                cancellationToken: ct))).Select(r => r.ToEvent()));
        return found;
    }

    private const string GetSql = $"SELECT {EventRow.Columns} FROM events e JOIN batches b ON b.id = e.batch_id WHERE e.id = @Id AND e.batch_id = @BatchId";

    public async Task<SupplyChainEvent?> GetAsync(Guid batchId, Guid eventId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<EventRow>(new CommandDefinition(db.Sql(GetSql), new { Id = eventId, BatchId = batchId }, cancellationToken: ct));
        return row?.ToEvent();
    }

    private const string BatchesOfSql = "SELECT id, batch_id AS value FROM events WHERE id IN @Ids";

    /// <summary>Which batch each of the given events belongs to (for checking that a correction stays within its batch).</summary>
    public async Task<IReadOnlyDictionary<Guid, Guid>> BatchesOfAsync(IReadOnlyCollection<Guid> eventIds, CancellationToken ct)
    {
        if (eventIds.Count == 0) return new Dictionary<Guid, Guid>();
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Pair<Guid>>(new CommandDefinition(db.Sql(BatchesOfSql), new { Ids = eventIds }, cancellationToken: ct));
        return rows.ToDictionary(r => r.Id, r => r.Value);
    }

    internal sealed class EventRow
    {
        public const string Columns = """
            e.id, e.batch_id, b.code AS batch_code, e.sequence, e.type, e.occurred_at, e.recorded_at, e.location_name, e.location_latitude,
            e.location_longitude, e.location_gln, e.actor, e.note, e.attributes, e.certificates, e.corrects_id, e.previous_hash, e.hash, e.items,
            e.items_digest, e.epcis_hash, e.recorded_by, e.receiver_id
            """;

        public Guid Id { get; set; }
        public Guid BatchId { get; set; }
        public string BatchCode { get; set; } = "";
        public long Sequence { get; set; }
        public string Type { get; set; } = "";
        public DateTimeOffset OccurredAt { get; set; }
        public DateTimeOffset RecordedAt { get; set; }
        public string? LocationName { get; set; }
        public double? LocationLatitude { get; set; }
        public double? LocationLongitude { get; set; }
        public string? LocationGln { get; set; }
        public string? Actor { get; set; }
        public string? Note { get; set; }
        public string? Attributes { get; set; }
        public string? Certificates { get; set; }
        public Guid? CorrectsId { get; set; }
        public string? PreviousHash { get; set; }
        public string Hash { get; set; } = "";
        public string? Items { get; set; }
        public string? ItemsDigest { get; set; }
        public string? EpcisHash { get; set; }
        public Guid? RecordedBy { get; set; }
        public Guid? ReceiverId { get; set; }

        public SupplyChainEvent ToEvent() => new(Id, BatchId, BatchCode, Sequence, WireEnum<EventType>.Parse(Type), OccurredAt, RecordedAt,
            LocationName is null && LocationLatitude is null && LocationGln is null ? null
                : new EventLocation(LocationName, LocationLatitude, LocationLongitude, LocationGln),
            Actor, Note,
            Attributes is null ? new Dictionary<string, string>() : JsonSerializer.Deserialize<Dictionary<string, string>>(Attributes, Json.Stored)!,
            Certificates is null ? [] : JsonSerializer.Deserialize<List<EventCertificate>>(Certificates, Json.Stored)!,
            CorrectsId, PreviousHash, Hash)
            { Items = Items is null ? [] : JsonSerializer.Deserialize<List<string>>(Items, Json.Stored)!, ItemsDigest = ItemsDigest, EpcisEventHash = EpcisHash, RecordedBy = RecordedBy, Receiver = ReceiverId };

        /// <summary>The parameters of <see cref="InsertSql"/>, in the order of <see cref="InsertValues"/>.</summary>
        public static readonly string[] InsertNames =
        [
            "Id", "BatchId", "Sequence", "Type", "OccurredAt", "RecordedAt", "LocationName", "LocationLatitude", "LocationLongitude",
            "LocationGln", "Actor", "Note", "Attributes", "Certificates", "CorrectsId", "PreviousHash", "Hash", "Items", "ItemsDigest", "EpcisHash", "RecordedBy", "ReceiverId",
        ];

        public static object?[] InsertValues(SupplyChainEvent e) =>
        [
            e.Id, e.BatchId, e.Sequence, WireEnum<EventType>.Name(e.Type), e.OccurredAt, e.RecordedAt,
            e.Location?.Name, e.Location?.Latitude, e.Location?.Longitude, e.Location?.Gln, e.Actor, e.Note,
            e.Attributes.Count == 0 ? null : JsonSerializer.Serialize(e.Attributes, Json.Stored),
            e.Certificates.Count == 0 ? null : JsonSerializer.Serialize(e.Certificates, Json.Stored),
            e.Corrects, e.PreviousHash, e.Hash,
            e.Items.Count == 0 ? null : JsonSerializer.Serialize(e.Items, Json.Stored), e.ItemsDigest, e.EpcisEventHash, e.RecordedBy, e.Receiver,
        ];
    }
}
