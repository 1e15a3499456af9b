using System.ComponentModel.DataAnnotations;
using Traceability.Api.Wire;
using Traceability.Domain;

namespace Traceability.Api.Certifications;

public sealed record CreateCertificationRequest(
    [property: Required, Range(3, 5)] int? Stars, [property: Required] string? DecisionNumber, [property: Required] string? IssuedBy,
    [property: Required] DateOnly? IssuedOn, DateOnly? ValidUntil)
{
    /// <summary>The decision as given (shape and dates checked: valid at most 36 months from signing); whether this
    /// authority may give it is the domain's to say (<see cref="OcopCertification.Refusal"/>).</summary>
    public OcopCertification ToCertification(Guid id, Product product, Authority authority, DateOnly today, DateTimeOffset now)
    {
        var v = new FieldErrors();
        if (Stars is null) v.Add("stars", "Required: 3, 4 or 5.");
        else if (Stars is < 3 or > 5) v.Add("stars", "OCOP certifies 3, 4 or 5 stars.");
        var decision = v.Required("decisionNumber", DecisionNumber, 100);
        var issuedBy = v.Required("issuedBy", IssuedBy, 200);
        var issuedOn = v.Date("issuedOn", IssuedOn);
        var givenValidity = v.Date("validUntil", ValidUntil);
        if (IssuedOn is null) v.Add("issuedOn", "Required: the date the decision was signed.");
        else if (IssuedOn > today) v.Add("issuedOn", "Cannot be in the future.");
        var validUntil = givenValidity ?? (issuedOn is { } day ? OcopCertification.DefaultValidUntil(day) : null);
        if (givenValidity is not null && issuedOn is not null && givenValidity <= issuedOn) v.Add("validUntil", "Must be after issuedOn.");
        else if (givenValidity is not null && issuedOn is { } signed && givenValidity > OcopCertification.DefaultValidUntil(signed))
            v.Add("validUntil", $"An OCOP certification is valid at most {OcopCertification.DefaultValidityMonths} months from its decision: "
                                + $"at most {OcopCertification.DefaultValidUntil(signed):yyyy-MM-dd}.");
        v.ThrowIfInvalid();
        return new OcopCertification(id, product.Id, authority.Id, Stars!.Value, decision, issuedBy, issuedOn!.Value, validUntil!.Value, now)
        {
            IssuerLevel = authority.Level,
            Product = new CertifiedProduct(product.Name, product.Category, product.Gtin),
        };
    }
}

/// <summary>Why a certification or a recall is withdrawn.</summary>
public sealed record WithdrawalRequest([property: Required] string? Reason)
{
    public string Validated()
    {
        var v = new FieldErrors();
        var reason = v.Required("reason", Reason, 1000, multiLine: true);
        v.ThrowIfInvalid();
        return reason;
    }
}

public sealed record WithdrawalResponse(DateTimeOffset At, Guid By, string ByName, string Reason);

/// <summary>The product as it was certified: its name, category and GTIN when the decision was recorded.</summary>
public sealed record CertifiedProductResponse(string Name, [property: OneOf(typeof(ProductCategory))] string Category, string? Gtin)
{
    public static CertifiedProductResponse? From(CertifiedProduct? p) => p is null ? null : new(p.Name, WireEnum<ProductCategory>.Name(p.Category), p.Gtin);
}

public sealed record CertificationResponse(
    Guid Id, Guid ProductId, Guid AuthorityId, int Stars, string DecisionNumber, string IssuedBy, DateOnly IssuedOn, DateOnly ValidUntil,
    string Status, DateTimeOffset CreatedAt, [property: OneOf(typeof(AuthorityLevel))] string? IssuerLevel, CertifiedProductResponse? CertifiedProduct,
    WithdrawalResponse? Withdrawal)
{
    /// <summary>Status is "valid" from issuedOn to validUntil inclusive, "expired" after, "withdrawn" once withdrawn.</summary>
    public static CertificationResponse From(OcopCertification c, DateOnly today) => new(c.Id, c.ProductId, c.AuthorityId, c.Stars,
        c.DecisionNumber, c.IssuedBy, c.IssuedOn, c.ValidUntil, c.StatusOn(today), c.CreatedAt,
        c.IssuerLevel is { } level ? WireEnum<AuthorityLevel>.Name(level) : null, CertifiedProductResponse.From(c.Product),
        c.Withdrawal is { } w ? new WithdrawalResponse(w.At, w.ByAuthorityId, w.ByName, w.Reason) : null);
}

/// <summary>The history, newest first, and the current certification (the newest still valid), if any.</summary>
public sealed record CertificationHistoryResponse(CertificationResponse? Current, IReadOnlyList<CertificationResponse> Items);
