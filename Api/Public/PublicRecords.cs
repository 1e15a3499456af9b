using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Public;

/// <summary>Reads one part of a public record (JSON, a page, the default QR image) from the stored records (one row), by
/// tracing code or by GTIN and lot, writing the record first if it is missing or this process has changed it.</summary>
public sealed class PublicRecords(PublicRecordStore store, RecordProjector projector, RecordRefresher refresher, ScanCounter scans,
    PublicRecordRepository repository, IOptions<JsonOptions> json)
{
    private static readonly byte[] ScansTail = "\"scans\":null}"u8.ToArray();
    private static readonly int NullTail = "null}".Length;

    /// <summary>A record as stored (JSON without scan figures) with the scans counted so far, here and in the database.</summary>
    public sealed class Loaded(Guid batchId, byte[] body, PublicRecordStore.Part part, string version, PublicScans scans, JsonSerializerOptions options)
    {
        private readonly byte[] storedJson = part == PublicRecordStore.Part.Json ? body : [];

        /// <summary>The stored part as it is: a page of the language asked for, or the QR image; null for the JSON part.</summary>
        public byte[]? Body { get; } = part == PublicRecordStore.Part.Json ? null : body;

        private PublicRecordResponse? _record;

        public Guid BatchId { get; } = batchId;
        public string Version { get; } = version;
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

    public async Task<Loaded?> GetAsync(string code, PublicRecordStore.Part part, CancellationToken ct)
    {
        await refresher.RefreshIfDirtyAsync(code, ct);
        var stored = await store.GetAsync(code, part, ct);
        if (stored is null)
        {
            if (!await projector.RefreshAsync(code, ct)) return null;
            stored = await store.GetAsync(code, part, ct);
            if (stored is null) return null;
        }
        return Load(stored, part);
    }

    public Task<Loaded?> GetAsync(string code, CancellationToken ct) => GetAsync(code, PublicRecordStore.Part.Json, ct);

    /// <summary>By GS1 Digital Link: one statement when the record is stored and current, else as by its code.</summary>
    public async Task<Loaded?> GetByLotAsync(string gtin14, string lot, PublicRecordStore.Part part, CancellationToken ct)
    {
        var stored = await store.GetByLotAsync(gtin14, lot, part, ct);
        if (stored is not null && !refresher.IsDirty(stored.Code)) return Load(stored, part);
        var code = stored?.Code ?? await repository.CodeByLotAsync(gtin14, lot, ct);
        return code is null ? null : await GetAsync(code, part, ct);
    }

    private Loaded Load(PublicRecordStore.Stored stored, PublicRecordStore.Part part)
    {
        var pending = scans.Pending(stored.BatchId);
        var counted = new PublicScans(stored.ScanCount + pending.Count, stored.FirstScannedAt ?? pending.First);
        return new Loaded(stored.BatchId, stored.Body, part, stored.Version, counted, json.Value.SerializerOptions);
    }
}
