using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Traceability.Api.Setup;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Public;

/// <summary>Assembles a batch's public record from its tables, verifies its chain, and stores the result for scans to
/// read (migration 0005). Called after every change to what a record shows; <see cref="ChainAuditor"/> catches what
/// no request announced (a changed row, a certification that expired overnight, a record not yet written).</summary>
public sealed class RecordProjector(
    PublicRecordRepository repository, PublicRecordStore store, StoredPage pages, PublicLinks links, TimeProvider clock, IOptions<JsonOptions> json)
{
    // One rewrite of a batch at a time in this process: a rewrite that read its data earlier must not save after one
    // that read it later (the store's refreshed_at condition covers other processes).
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>Rewrites the stored record of <paramref name="code"/>; false when no batch has that code.</summary>
    public async Task<bool> RefreshAsync(string code, CancellationToken ct)
    {
        var stripe = _stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(code) % _stripes.Length)];
        await stripe.WaitAsync(ct);
        try { return await RewriteAsync(code, ct); }
        finally { stripe.Release(); }
    }

    private async Task<bool> RewriteAsync(string code, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var data = await repository.GetAsync(code, ct);
        if (data is null) return false;
        var record = PublicRecordResponse.From(data, links, VietnamTime.Today(now));
        var text = JsonSerializer.SerializeToUtf8Bytes(record, json.Value.SerializerOptions);
        var version = Version(data, record);
        // The default QR image changes only with the URL it encodes: encoded (~0.3 ms) only when that changed.
        var qrVersion = QrCodes.ETag(record.PublicUrl, QrCodes.DefaultSize, QrCodes.DefaultLevel, "png");
        var qr = await store.VersionAsync(code, PublicRecordStore.Part.Qr, ct) == qrVersion
            ? null
            : QrCodes.Png(record.PublicUrl, QrCodes.DefaultSize, QrCodes.DefaultLevel);
        await store.SaveAsync(new PublicRecordStore.Written(data.Batch.Id, code, data.Product.Gtin, data.Batch.LotNumber, version,
            record.Verification.Valid, record.Verification.HeadHash, text, await pages.RenderAsync(record, "vi"), await pages.RenderAsync(record, "en"),
            qrVersion, qr), now, ct);
        return true;
    }

    public async Task RefreshAsync(IEnumerable<string> codes, CancellationToken ct)
    {
        foreach (var code in codes.Distinct(StringComparer.Ordinal)) await RefreshAsync(code, ct);
    }

    /// <summary>A fingerprint of what can change in what the record shows: the batch and its recall, the chain's length,
    /// head and verification, the product's last change, the producer, the certifications and their status on the day,
    /// the inputs, and the public base URL.</summary>
    private static string Version(PublicRecordRepository.Data d, PublicRecordResponse r)
    {
        var text = new StringBuilder(256)
            .Append(d.Batch.Id).Append('|').Append(d.Batch.RecalledAt?.UtcTicks).Append('|').Append(d.Batch.RecallReason)
            .Append('|').Append(r.Verification.EventCount).Append('|').Append(r.Verification.HeadHash).Append('|').Append(r.Verification.FirstInvalidSequence)
            .Append('|').Append(d.Product.UpdatedAt.UtcTicks).Append('|').Append(d.Producer.Id).Append('|').Append(d.Producer.CreatedAt.UtcTicks)
            .Append('|').Append(r.PublicUrl);
        foreach (var c in r.Ocop.History) text.Append('|').Append(c.DecisionNumber).Append(c.IssuedOn).Append(c.Status);
        foreach (var p in r.MadeFrom) text.Append('|').Append(p.Code).Append(p.ProductName);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..20];
    }
}
