namespace Traceability.Domain;

/// <summary>A star rating decision. Valid 36 months from signing unless the decision says otherwise.</summary>
public sealed record OcopCertification(
    Guid Id, Guid ProductId, Guid AuthorityId, int Stars, string DecisionNumber, string IssuedBy,
    DateOnly IssuedOn, DateOnly ValidUntil, DateTimeOffset CreatedAt)
{
    public const int DefaultValidityMonths = 36;

    public bool IsValidOn(DateOnly day) => IssuedOn <= day && day <= ValidUntil;

    /// <summary>The current certification is the newest (by issue date) that is still valid.</summary>
    public static OcopCertification? Current(IEnumerable<OcopCertification> history, DateOnly today) =>
        history.Where(c => c.IsValidOn(today)).OrderByDescending(c => c.IssuedOn).ThenByDescending(c => c.CreatedAt).FirstOrDefault();
}
