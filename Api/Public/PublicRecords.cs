using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Traceability.Api.Setup;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Public;

/// <summary>Loads a public record by tracing code and gives it a version tag for HTTP caching.</summary>
public sealed class PublicRecords(PublicRecordRepository repository, PublicLinks links, ScanCounter scans, TimeProvider clock, IOptions<JsonOptions> json)
{
    public sealed record Loaded(Guid BatchId, PublicRecordResponse Record, string Version);

    /// <summary>The record without its scan figures, and a version that changes whenever anything shown changes
    /// (the batch, its events, product, producer, certifications, inputs) but not with every scan.</summary>
    public async Task<Loaded?> GetAsync(string code, CancellationToken ct)
    {
        var data = await repository.GetAsync(code, ct);
        if (data is null) return null;
        var record = PublicRecordResponse.From(data, links, VietnamTime.Today(clock.GetUtcNow()));
        var version = Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(record, json.Value.SerializerOptions)))[..20];
        var pending = scans.Pending(data.Batch.Id);
        var first = data.FirstScannedAt ?? pending.First;
        return new Loaded(data.Batch.Id, record with { Scans = new PublicScans(data.ScanCount + pending.Count, first) }, version);
    }
}
