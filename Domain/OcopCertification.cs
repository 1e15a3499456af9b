namespace Traceability.Domain;

/// <summary>A star rating decision. Valid 36 months from signing unless the decision says otherwise.</summary>
public sealed record OcopCertification(
    Guid Id, Guid ProductId, Guid AuthorityId, int Stars, string DecisionNumber, string IssuedBy,
    DateOnly IssuedOn, DateOnly ValidUntil, DateTimeOffset CreatedAt)
{
    public const int DefaultValidityMonths = 36;

    /// <summary>When a decision that names no end date stops being valid.</summary>
    public static DateOnly DefaultValidUntil(DateOnly issuedOn) => issuedOn.AddMonths(DefaultValidityMonths);

    public bool IsValidOn(DateOnly day) => IssuedOn <= day && day <= ValidUntil;

    /// <summary>The current certification is the newest (by issue date) that is still valid.</summary>
    public static OcopCertification? Current(IEnumerable<OcopCertification> history, DateOnly today) =>
        history.Where(c => c.IsValidOn(today)).OrderByDescending(c => c.IssuedOn).ThenByDescending(c => c.CreatedAt).FirstOrDefault();

    /// <summary>The first day after <paramref name="today"/> on which a certification of <paramref name="history"/>
    /// becomes valid (its issue date) or stops being valid (the day after its last): what a record shows changes on
    /// that day with no write. Null when nothing changes by date alone any more.</summary>
    public static DateOnly? NextChange(IEnumerable<OcopCertification> history, DateOnly today) =>
        history.SelectMany(c => new[] { c.IssuedOn, c.ValidUntil == DateOnly.MaxValue ? DateOnly.MaxValue : c.ValidUntil.AddDays(1) })
            .Where(d => d > today && d != DateOnly.MaxValue).Order().Cast<DateOnly?>().FirstOrDefault();
}
