using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Traceability.Api.PublicRecords.Building;
using Traceability.Api.PublicRecords.Scans;
using Traceability.Domain;
using Traceability.Infrastructure.PublicRecords;

namespace Traceability.Api.PublicRecords.Serving;

/// <summary>Reads one part of a public record (JSON, a page, the default QR image) as stored (one row), by tracing code
/// or by GTIN and lot, building it first when it is missing or stale: every process reads its own and everyone else's
/// writes, because whether a record is current is in the database.</summary>
public sealed class RecordReader(RecordStore store, RecordBuilder builder, RecordSource source, ScanCounter scans, TimeProvider clock,
    IOptions<JsonOptions> json)
{
    /// <summary>One stored part with the scans counted so far, here and in the database. Pages and JSON are stored
    /// gzip-compressed with their per-view slots open (<see cref="SlottedGzip"/>): a view fills them and sends the gzip
    /// stream, or its inflated bytes to a client that takes no gzip.</summary>
    public sealed class Loaded(Guid batchId, byte[] stored, RecordStore.Part part, string etag, PublicScans scans, JsonSerializerOptions options)
    {
        private PublicRecordResponse? _record;

        public Guid BatchId { get; } = batchId;
        public string ETag { get; } = etag;
        public PublicScans Scans { get; } = scans;

        /// <summary>The default QR image (PNG), for <see cref="RecordStore.Part.Qr"/>.</summary>
        public byte[] Image => part == RecordStore.Part.Qr ? stored : throw new InvalidOperationException("Not the QR image.");

        /// <summary>The part with its slots filled, as a gzip stream.</summary>
        public byte[] Gzip(byte[][] slotValues) => SlottedGzip.Fill(stored, slotValues);

        /// <summary>The part with its slots filled, as it reads.</summary>
        public byte[] Plain(byte[][] slotValues) => SlottedGzip.Inflate(Gzip(slotValues));

        /// <summary>The record as an object, for the linkset, the redirects and the OCOP answer; pages and JSON never need it.</summary>
        public PublicRecordResponse Record => _record ??= part == RecordStore.Part.Json
            ? JsonSerializer.Deserialize<PublicRecordResponse>(Plain(StoredPage.JsonSlotValues(null, options)), options)! with { Scans = Scans }
            : throw new InvalidOperationException("Only the JSON part holds the record.");
    }

    public async Task<Loaded?> GetAsync(string code, RecordStore.Part part, CancellationToken ct)
    {
        var stored = await store.GetAsync(code, part, secondary: true, ct);
        if (stored is null || !stored.IsCurrentOn(Today))
        {
            // Never built, or its sources changed since (in any process): build it before answering, and read it back
            // from the primary (a readable secondary may not have the build yet).
            await builder.BuildIfStaleAsync(code, part, ct);
            stored = await store.GetAsync(code, part, secondary: false, ct);
            if (stored is null) return null;
        }
        return Load(stored, part);
    }

    public Task<Loaded?> GetAsync(string code, CancellationToken ct) => GetAsync(code, RecordStore.Part.Json, ct);

    /// <summary>One part of a lot's record with the item a serial names, in one row; built first when stale.</summary>
    public async Task<(Loaded Record, RecordStore.Item Item)?> GetItemAsync(string code, RecordStore.Part part, string serial, CancellationToken ct)
    {
        var stored = await store.GetItemAsync(code, part, serial, secondary: true, ct);
        if (stored is null || !stored.Value.Record.IsCurrentOn(Today))
        {
            await builder.BuildIfStaleAsync(code, part, ct);
            stored = await store.GetItemAsync(code, part, serial, secondary: false, ct);
            if (stored is null) return null;
        }
        return (Load(stored.Value.Record, part), stored.Value.Item);
    }

    /// <summary>By GS1 Digital Link: one statement when the record is stored and current, else as by its code.</summary>
    public async Task<Loaded?> GetByLotAsync(string gtin14, string lot, RecordStore.Part part, CancellationToken ct)
    {
        var stored = await store.GetByLotAsync(gtin14, lot, part, secondary: true, ct);
        if (stored is not null && stored.IsCurrentOn(Today)) return Load(stored, part);
        if (stored is not null)
        {
            // Stale: build it, then ask again (a product's GTIN may have changed, and then this link names nothing).
            await builder.BuildIfStaleAsync(stored.Code, part, ct);
            stored = await store.GetByLotAsync(gtin14, lot, part, secondary: false, ct);
            if (stored is not null) return Load(stored, part);
        }
        var code = await source.CodeByLotAsync(gtin14, lot, ct);
        return code is null ? null : await GetAsync(code, part, ct);
    }

    private DateOnly Today => VietnamTime.Today(clock.GetUtcNow());

    private Loaded Load(RecordStore.Stored stored, RecordStore.Part part)
    {
        var pending = scans.Pending(stored.BatchId);
        var counted = new PublicScans(stored.ScanCount + pending.Count, stored.FirstScannedAt ?? pending.First);
        return new Loaded(stored.BatchId, stored.Body, part, stored.ETag, counted, json.Value.SerializerOptions);
    }
}
