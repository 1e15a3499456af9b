namespace Traceability.Domain;

/// <summary>The product facts a certification was given for, as they were when it was recorded.</summary>
public sealed record CertifiedProduct(string Name, ProductCategory Category, string? Gtin)
{
    /// <summary>Which certified facts the product no longer has (name, category, gtin): the page then says the rating was
    /// given under another name, rather than lending its stars to whatever the product has become.</summary>
    public IReadOnlyList<string> ChangedIn(Product now)
    {
        var changed = new List<string>();
        if (Name != now.Name) changed.Add("name");
        if (Category != now.Category) changed.Add("category");
        if (Gtin != now.Gtin) changed.Add("gtin");
        return changed;
    }
}

/// <summary>A change to a fact an authority certifies (a product's name, category or GTIN): who made it, when, from what.</summary>
public sealed record ProductChange(string Field, string? From, string? To, DateTimeOffset At, Guid? ByKeyId)
{
    /// <summary>The certified facts that differ between <paramref name="before"/> and <paramref name="after"/>.</summary>
    public static IReadOnlyList<ProductChange> Between(Product before, Product after, DateTimeOffset at, Guid? byKeyId)
    {
        var changes = new List<ProductChange>();
        if (before.Name != after.Name) changes.Add(new("name", before.Name, after.Name, at, byKeyId));
        if (before.Category != after.Category)
            changes.Add(new("category", WireEnum<ProductCategory>.Name(before.Category), WireEnum<ProductCategory>.Name(after.Category), at, byKeyId));
        if (before.Gtin != after.Gtin) changes.Add(new("gtin", before.Gtin, after.Gtin, at, byKeyId));
        return changes;
    }
}

/// <summary>A certification taken back by its issuer or a higher level, and why. The certification stays in the history.</summary>
public sealed record CertificationWithdrawal(DateTimeOffset At, Guid ByAuthorityId, string ByName, string Reason);

/// <summary>A star rating decision: valid from its signing for at most 36 months (OCOP's rule), unless withdrawn.</summary>
public sealed record OcopCertification(
    Guid Id, Guid ProductId, Guid AuthorityId, int Stars, string DecisionNumber, string IssuedBy,
    DateOnly IssuedOn, DateOnly ValidUntil, DateTimeOffset CreatedAt)
{
    public const int DefaultValidityMonths = 36;

    /// <summary>The level of the authority that recorded it (null for decisions recorded before levels were kept).</summary>
    public AuthorityLevel? IssuerLevel { get; init; }

    public CertifiedProduct? Product { get; init; }

    public CertificationWithdrawal? Withdrawal { get; init; }

    /// <summary>When a decision that names no end date stops being valid; also the latest end a decision may name.</summary>
    public static DateOnly DefaultValidUntil(DateOnly issuedOn) => issuedOn.AddMonths(DefaultValidityMonths);

    public bool IsValidOn(DateOnly day) => Withdrawal is null && IssuedOn <= day && day <= ValidUntil;

    /// <summary>valid, expired or withdrawn, on <paramref name="day"/>.</summary>
    public string StatusOn(DateOnly day) => Withdrawal is not null ? "withdrawn" : IsValidOn(day) ? "valid" : "expired";

    /// <summary>The current certification is the newest (by issue date) that is still valid and not withdrawn.</summary>
    public static OcopCertification? Current(IEnumerable<OcopCertification> history, DateOnly today) =>
        history.Where(c => c.IsValidOn(today)).OrderByDescending(c => c.IssuedOn).ThenByDescending(c => c.CreatedAt).FirstOrDefault();

    /// <summary>Why <paramref name="by"/> may not record <paramref name="stars"/> for a product whose history is
    /// <paramref name="history"/> and whose producer is of <paramref name="provinceCode"/>; null when it may. A province
    /// decision never replaces a current national one: only the national level re-rates a nationally rated product.</summary>
    public static string? Refusal(Authority by, int stars, string? provinceCode, IEnumerable<OcopCertification> history, DateOnly today)
    {
        if (!by.MayCertify(stars))
            return $"A {WireEnum<AuthorityLevel>.Name(by.Level)} authority certifies at most {by.MaxStars} stars; 5 stars is national.";
        if (!by.Covers(provinceCode)) return by.OutsideRemit("product", provinceCode);
        if (by.Level != AuthorityLevel.National
            && history.Where(c => c.IssuerLevel == AuthorityLevel.National && c.IsValidOn(today)).OrderByDescending(c => c.IssuedOn).FirstOrDefault() is { } national)
            return $"A national decision ({national.Stars} stars, {national.DecisionNumber}, valid until {national.ValidUntil:yyyy-MM-dd}) is current; "
                   + "a province decision cannot replace it. Only a national authority can re-rate this product, or withdraw that decision.";
        return null;
    }

    /// <summary>The first day after <paramref name="today"/> on which a certification of <paramref name="history"/>
    /// becomes valid (its issue date) or stops being valid (the day after its last): what a record shows changes on
    /// that day with no write. Null when nothing changes by date alone any more.</summary>
    public static DateOnly? NextChange(IEnumerable<OcopCertification> history, DateOnly today) =>
        history.Where(c => c.Withdrawal is null)
            .SelectMany(c => new[] { c.IssuedOn, c.ValidUntil == DateOnly.MaxValue ? DateOnly.MaxValue : c.ValidUntil.AddDays(1) })
            .Where(d => d > today && d != DateOnly.MaxValue).Order().Cast<DateOnly?>().FirstOrDefault();
}
