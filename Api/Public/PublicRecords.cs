using System.Security.Cryptography;
using System.Text;
using Traceability.Api.Setup;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Public;

/// <summary>Loads a public record by tracing code and gives it a version tag for HTTP caching.</summary>
public sealed class PublicRecords(PublicRecordRepository repository, PublicLinks links, ScanCounter scans, TimeProvider clock)
{
    public sealed record Loaded(Guid BatchId, PublicRecordResponse Record, string Version);

    /// <summary>The record without its scan figures, and a version that changes whenever anything shown changes
    /// (the batch, its events, product, producer, certifications, inputs) but not with every scan.</summary>
    public async Task<Loaded?> GetAsync(string code, CancellationToken ct)
    {
        var data = await repository.GetAsync(code, ct);
        if (data is null) return null;
        var record = PublicRecordResponse.From(data, links, VietnamTime.Today(clock.GetUtcNow()));
        var version = Version(data, record);
        var pending = scans.Pending(data.Batch.Id);
        var first = data.FirstScannedAt ?? pending.First;
        return new Loaded(data.Batch.Id, record with { Scans = new PublicScans(data.ScanCount + pending.Count, first) }, version);
    }

    /// <summary>A fingerprint of what can change in what the record shows, cheaper than hashing the whole record:
    /// the batch and its recall, the chain's length, head and verification, the product's last change, the producer,
    /// the certifications and their status today, the inputs, and the public base URL.</summary>
    private string Version(PublicRecordRepository.Data d, PublicRecordResponse r)
    {
        var text = new StringBuilder(256)
            .Append(d.Batch.Id).Append('|').Append(d.Batch.RecalledAt?.UtcTicks).Append('|').Append(d.Batch.RecallReason)
            .Append('|').Append(r.Verification.EventCount).Append('|').Append(r.Verification.HeadHash).Append('|').Append(r.Verification.FirstInvalidSequence)
            .Append('|').Append(d.Product.UpdatedAt.UtcTicks).Append('|').Append(d.Producer.Id).Append('|').Append(d.Producer.CreatedAt.UtcTicks)
            .Append('|').Append(r.PublicUrl);
        foreach (var c in r.Ocop.History) text.Append('|').Append(c.DecisionNumber).Append(c.IssuedOn).Append(c.Status);
        foreach (var p in r.MadeFrom) text.Append('|').Append(p.Code);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..20];
    }
}
