using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Traceability.Api.PublicRecords.Serving;
using Traceability.Domain;
using Traceability.Infrastructure.PublicRecords;

namespace Traceability.Api.PublicRecords.Building;

/// <summary>Builds a batch's public record from its source rows (the record as JSON, the page in each language, the QR
/// image) and stores it under the source version it read. Called by whoever finds the stored record stale: a view
/// (before answering) or <see cref="RecordRefresher"/> (for records nobody reads).</summary>
public sealed class RecordBuilder(
    RecordSource source, RecordStore store, StoredPage pages, PublicLinks links, TimeProvider clock, IOptions<JsonOptions> json)
{
    // One build of a batch at a time in this process, so that views of a stale record arriving together build it once.
    // Between processes the stored version decides: a build from older sources never replaces a newer one.
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>Builds and stores the record of <paramref name="code"/>; false when no batch has that code.</summary>
    public async Task<bool> BuildAsync(string code, CancellationToken ct)
    {
        var stripe = _stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(code) % _stripes.Length)];
        await stripe.WaitAsync(ct);
        try { return await BuildUnderStripeAsync(code, ct); }
        finally { stripe.Release(); }
    }

    /// <summary>Builds <paramref name="code"/> unless its stored <paramref name="part"/> is current (a view that waited
    /// for the same stripe finds it built). True when it built; false when it was current or no batch has that code.</summary>
    public async Task<bool> BuildIfStaleAsync(string code, RecordStore.Part part, CancellationToken ct)
    {
        var stripe = _stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(code) % _stripes.Length)];
        await stripe.WaitAsync(ct);
        try
        {
            var stored = await store.GetAsync(code, part, secondary: false, ct);
            if (stored is not null && stored.IsCurrentOn(VietnamTime.Today(clock.GetUtcNow()))) return false;
            return await BuildUnderStripeAsync(code, ct);
        }
        finally { stripe.Release(); }
    }

    private async Task<bool> BuildUnderStripeAsync(string code, CancellationToken ct)
    {
        var today = VietnamTime.Today(clock.GetUtcNow());
        var data = await source.GetAsync(code, ct);
        if (data is null) return false;
        var record = PublicRecordResponse.From(data, links, today);
        var text = JsonSerializer.SerializeToUtf8Bytes(record, json.Value.SerializerOptions);
        // The pages are made from the record alone: its bytes are the version of every part.
        var etag = Convert.ToHexStringLower(SHA256.HashData(text))[..20];
        // The default QR image changes only with the URL it encodes: encoded (~0.3 ms) only when that changed.
        var qrETag = QrCodes.ETag(record.PublicUrl, QrCodes.DefaultSize, QrCodes.DefaultLevel, "png");
        var qr = await store.ETagAsync(code, RecordStore.Part.Qr, ct) == qrETag
            ? null
            : QrCodes.Png(record.PublicUrl, QrCodes.DefaultSize, QrCodes.DefaultLevel);
        var (vi, en) = (await pages.RenderAsync(record, "vi"), await pages.RenderAsync(record, "en"));
        await store.SaveAsync(new RecordStore.Built(data.Batch.Id, code, data.SourceVersion, today,
            Verdicts.NextChange(data.Batch.ExpiresOn, data.Certifications, today), etag,
            StoredPage.StoreJson(text), StoredPage.Store(vi), StoredPage.Store(en), qrETag, qr), ct);
        return true;
    }
}
