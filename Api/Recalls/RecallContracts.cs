using System.ComponentModel.DataAnnotations;
using Traceability.Api.Certifications;
using Traceability.Api.Wire;
using Traceability.Domain;

namespace Traceability.Api.Recalls;

public sealed record RecallRequest([property: Required] string? Reason);

public sealed record RecallIssuerResponse([property: OneOf(typeof(RecallIssuerRole))] string Role, Guid? Id, string Name,
    [property: OneOf(typeof(AuthorityLevel))] string? Level);

public sealed record RecallLinks(string Self, string Batches, string Batch);

/// <summary>A recall: the recalled batch, why and by whom; how many batches it has reached so far (the batch and those
/// made from it) and how many it newly recalled; its status — propagating (still reaching further, in the background),
/// complete, withdrawing, withdrawn — and its withdrawal. The batches it reached are paged at <c>links.batches</c>.</summary>
public sealed record RecallResponse(
    Guid Id, Guid BatchId, string Code, string Reason, RecallIssuerResponse RecalledBy, DateTimeOffset RecalledAt, string Status,
    long AffectedCount, long NewlyRecalledCount, DateTimeOffset? CompletedAt, WithdrawalResponse? Withdrawal, long ReleasedCount,
    DateTimeOffset? WithdrawalCompletedAt, RecallLinks Links)
{
    public static RecallResponse From(Recall r) => new(r.Id, r.BatchId, r.BatchCode, r.Reason,
        new RecallIssuerResponse(WireEnum<RecallIssuerRole>.Name(r.Issuer.Role), r.Issuer.Id, r.Issuer.Name,
            r.Issuer.Level is { } l ? WireEnum<AuthorityLevel>.Name(l) : null),
        r.RecalledAt, r.Status, r.AffectedCount, r.NewlyRecalledCount, r.CompletedAt,
        r.Withdrawal is { } w ? new WithdrawalResponse(w.At, w.By, w.ByName, w.Reason) : null, r.ReleasedCount, r.WithdrawalCompletedAt,
        new RecallLinks(ApiPaths.Recall(r.Id), ApiPaths.RecallBatches(r.Id), ApiPaths.Batch(r.BatchId)));
}

/// <summary>A batch a recall reached: its distance from the recalled one, whether the recall has marked it yet
/// (<c>reached</c>: found, not yet marked; <c>marked</c>; <c>released</c> by the withdrawal; <c>not_marked</c>: withdrawn
/// before it was), and whether it is recalled now (by this recall or another).</summary>
public sealed record RecalledBatchResponse(Guid BatchId, string Code, string LotNumber, string ProductName, Guid ProducerId, string ProducerName,
    int Depth, string State, bool Recalled, string PublicUrl);
