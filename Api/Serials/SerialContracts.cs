using System.ComponentModel.DataAnnotations;
using Traceability.Domain;
using Traceability.Domain.Serials;

namespace Traceability.Api.Serials;

/// <summary>Issue item serials for a batch: count of them (1–1,000,000), each with an 8-digit PIN for a scratch-off layer when withPin.</summary>
public sealed record IssueSerialsRequest([property: Required, Range(1, ItemSerial.MaxPerRequest)] int? Count, bool? WithPin)
{
    public (int Count, bool WithPin) Validate()
    {
        var v = new FieldErrors();
        if (Count is null) v.Add("count", "Required.");
        else if (Count is < 1 or > ItemSerial.MaxPerRequest) v.Add("count", $"Between 1 and {ItemSerial.MaxPerRequest:N0}; issue more in several requests.");
        v.ThrowIfInvalid();
        return (Count!.Value, WithPin ?? false);
    }
}

/// <summary>Void serials (damaged labels): positions from–to of one issue, a list of serials, or both.</summary>
public sealed record VoidSerialsRequest(Guid? IssueId, int? From, int? To, List<string?>? Serials)
{
    public const int MaxSerials = 10_000;

    public (Guid? IssueId, int From, int To, List<string> Serials) Validate()
    {
        var v = new FieldErrors();
        if (IssueId is null && Serials is not { Count: > 0 }) v.Add("issueId", "Name an issue with from and to, or list serials.");
        if (IssueId is not null && (From is null || To is null || From < 1 || To < From)) v.Add("from", "With issueId: 1 ≤ from ≤ to (positions in the issue's file).");
        if (Serials is { Count: > MaxSerials }) v.Add("serials", $"At most {MaxSerials:N0} at a time.");
        var serials = new List<string>();
        for (var i = 0; i < (Serials?.Count ?? 0); i++)
        {
            if (ItemSerial.IsValid(Serials![i])) serials.Add(Serials[i]!);
            else v.Add($"serials[{i}]", "A serial: 1–20 characters of GS1's AI (21) set.");
        }
        v.ThrowIfInvalid();
        return (IssueId, From ?? 0, To ?? 0, serials);
    }
}

public sealed record SerialIssueResponse(Guid Id, int Count, bool WithPin, DateTimeOffset CreatedAt, string File);

public sealed record VoidSerialsResponse(int Voided);

/// <summary>A batch's items in figures, and the items that stand out (at most <see cref="Top"/>): many wrong PINs, or
/// scanned from many clients — what a cloned label looks like. <c>seenByMany</c>: the item page warns that the label
/// may have been copied.</summary>
public sealed record ItemActivityResponse(Guid BatchId, long Issued, long Scanned, long Verified, long SeenByMany, long PinFailures, long Lockouts,
    IReadOnlyList<ItemActivityResponse.Item> Items)
{
    public const int Top = 50;

    public sealed record Item(string Serial, long ScanCount, int DistinctClients, bool SeenByMany, DateTimeOffset? FirstScannedAt,
        DateTimeOffset? LastScannedAt, DateTimeOffset? VerifiedAt, long PinFailures, DateTimeOffset? LastPinFailureAt, int Lockouts);
}
