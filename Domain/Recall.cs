namespace Traceability.Domain;

public enum RecallIssuerRole { Producer, Authority, Legacy }

/// <summary>Who issued a recall: a producer (its own batch), an authority (with its level), or, for recalls made before
/// issuers were kept, nobody known.</summary>
public sealed record RecallIssuer(RecallIssuerRole Role, Guid? Id, string Name, AuthorityLevel? Level);

/// <summary>A recall taken back, by whom and why. The recall and its withdrawal both stay: in the recall's record and as
/// events in each batch's chain.</summary>
public sealed record RecallWithdrawal(DateTimeOffset At, Guid By, string ByName, string Reason);

/// <summary>A recall of a batch and, transitively, of every batch made from it. The recalled batch is marked at once;
/// the batches made from it are found and marked a chunk at a time until <see cref="CompletedAt"/>.</summary>
public sealed record Recall(
    Guid Id, long Seq, Guid BatchId, string BatchCode, Guid ProducerId, string Reason, RecallIssuer Issuer, DateTimeOffset RecalledAt,
    long AffectedCount, long NewlyRecalledCount, DateTimeOffset? CompletedAt, RecallWithdrawal? Withdrawal, long ReleasedCount,
    DateTimeOffset? WithdrawalCompletedAt)
{
    /// <summary>propagating (still finding and marking batches made from it), complete, withdrawing (releasing the
    /// batches it marked), withdrawn.</summary>
    public string Status => Withdrawal is null
        ? CompletedAt is null ? "propagating" : "complete"
        : WithdrawalCompletedAt is null ? "withdrawing" : "withdrawn";
}

/// <summary>Who may recall a batch and who may withdraw a recall.</summary>
public static class RecallRules
{
    /// <summary>Why <paramref name="caller"/> may not recall <paramref name="batch"/> (whose producer is of
    /// <paramref name="provinceCode"/>); null when it may. Its producer may; a province authority within its province; a
    /// national authority anywhere. The admin manages accounts, not products.</summary>
    public static string? RecallRefusal(Caller caller, Authority? authority, Batch batch, string? provinceCode) => caller.Role switch
    {
        Role.Producer => caller.Id == batch.ProducerId ? null : "Only the batch's producer or an OCOP authority recalls a batch.",
        Role.Authority when authority is not null => authority.Covers(provinceCode) ? null : authority.OutsideRemit("batch", provinceCode),
        _ => "A recall is made by the batch's producer or an OCOP authority.",
    };

    /// <summary>Whether <paramref name="caller"/> may withdraw <paramref name="recall"/>: whoever issued it, or a higher
    /// authority — for a producer's recall, an authority whose remit covers the producer (<paramref name="provinceCode"/>);
    /// for a province authority's, a national one; for one whose issuer is unknown, a national one.</summary>
    public static bool MayWithdraw(Caller caller, Authority? authority, Recall recall, string? provinceCode) =>
        recall.Issuer.Role switch
        {
            RecallIssuerRole.Producer => (caller.Role == Role.Producer && caller.Id == recall.Issuer.Id)
                                         || (authority is not null && authority.Covers(provinceCode)),
            RecallIssuerRole.Authority => authority is not null && authority.MayOverrule(recall.Issuer.Id ?? Guid.Empty, recall.Issuer.Level),
            _ => authority is { Level: AuthorityLevel.National },
        };
}
