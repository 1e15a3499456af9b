using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Traceability.Domain;
using Traceability.Infrastructure.PublicRecords;

namespace Traceability.Api.PublicRecords;

/// <summary>Reads one part of a public record (JSON, a page, the default QR image) as stored (one row), by tracing code
/// or by GTIN and lot, building it first when it is missing or stale: every process reads its own and everyone else's
/// writes, because whether a record is current is in the database.</summary>
public sealed class RecordReader(RecordStore store, RecordBuilder builder, RecordSource source, ScanCounter scans, TimeProvider clock,
    IOptions<JsonOptions> json)
{
    private static readonly byte[] ScansTail = "\"scans\":null}"u8.ToArray();
    private static readonly int NullTail = "null}".Length;

    /// <summary>A record as stored (JSON without scan figures) with the scans counted so far, here and in the database.</summary>
    public sealed class Loaded(Guid batchId, byte[] body, RecordStore.Part part, string etag, PublicScans scans, JsonSerializerOptions options)
    {
        private readonly byte[] storedJson = part == RecordStore.Part.Json ? body : [];

        /// <summary>The stored part as it is: a page of the language asked for, or the QR image; null for the JSON part.</summary>
        public byte[]? Body { get; } = part == RecordStore.Part.Json ? null : body;

        private PublicRecordResponse? _record;

        public Guid BatchId { get; } = batchId;
        public string ETag { get; } = etag;
        public PublicScans Scans { get; } = scans;

        /// <summary>The record as an object, for the linkset, the redirects and the OCOP answer; pages and JSON never need it.</summary>
        public PublicRecordResponse Record => _record ??= JsonSerializer.Deserialize<PublicRecordResponse>(storedJson, options)! with { Scans = Scans };

        /// <summary>The record's UTF-8 JSON with <paramref name="shown"/> as its scan figures, spliced into the stored bytes.</summary>
        public byte[] Json(PublicScans shown)
        {
            if (!storedJson.AsSpan().EndsWith(ScansTail)) return JsonSerializer.SerializeToUtf8Bytes(Record with { Scans = shown }, options);
            var scansJson = JsonSerializer.SerializeToUtf8Bytes(shown, options);
            var head = storedJson.Length - NullTail;
            var result = new byte[head + scansJson.Length + 1];
            storedJson.AsSpan(0, head).CopyTo(result);
            scansJson.CopyTo(result.AsSpan(head));
            result[^1] = (byte)'}';
            return result;
        }
    }

    public async Task<Loaded?> GetAsync(string code, RecordStore.Part part, CancellationToken ct)
    {
        var stored = await store.GetAsync(code, part, ct);
        if (stored is null || !stored.IsCurrentOn(Today))
        {
            // Never built, or its sources changed since (in any process): build it before answering.
            if (!await builder.BuildIfStaleAsync(code, part, ct)) return null;
            stored = await store.GetAsync(code, part, ct);
            if (stored is null) return null;
        }
        return Load(stored, part);
    }

    public Task<Loaded?> GetAsync(string code, CancellationToken ct) => GetAsync(code, RecordStore.Part.Json, ct);

    /// <summary>By GS1 Digital Link: one statement when the record is stored and current, else as by its code.</summary>
    public async Task<Loaded?> GetByLotAsync(string gtin14, string lot, RecordStore.Part part, CancellationToken ct)
    {
        var stored = await store.GetByLotAsync(gtin14, lot, part, ct);
        if (stored is not null && stored.IsCurrentOn(Today)) return Load(stored, part);
        if (stored is not null)
        {
            // Stale: build it, then ask again (a product's GTIN may have changed, and then this link names nothing).
            await builder.BuildIfStaleAsync(stored.Code, part, ct);
            stored = await store.GetByLotAsync(gtin14, lot, part, ct);
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
