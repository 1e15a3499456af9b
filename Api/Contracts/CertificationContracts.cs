using System.ComponentModel.DataAnnotations;
using Traceability.Domain;

namespace Traceability.Api.Contracts;

public sealed record CreateCertificationRequest(
    [property: Required, Range(3, 5)] int? Stars, [property: Required] string? DecisionNumber, [property: Required] string? IssuedBy,
    [property: Required] DateOnly? IssuedOn, DateOnly? ValidUntil)
{
    /// <summary>The decision as given (shape and dates checked); whether this authority may give these stars is the
    /// handler's to ask (<see cref="Authority.MayCertify"/>).</summary>
    public OcopCertification ToCertification(Guid id, Guid productId, Guid authorityId, DateOnly today, DateTimeOffset now)
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
        v.ThrowIfInvalid();
        return new OcopCertification(id, productId, authorityId, Stars!.Value, decision, issuedBy, issuedOn!.Value, validUntil!.Value, now);
    }
}

public sealed record CertificationResponse(
    Guid Id, Guid ProductId, Guid AuthorityId, int Stars, string DecisionNumber, string IssuedBy, DateOnly IssuedOn, DateOnly ValidUntil,
    string Status, DateTimeOffset CreatedAt)
{
    /// <summary>Status is "valid" from issuedOn to validUntil inclusive, "expired" after.</summary>
    public static CertificationResponse From(OcopCertification c, DateOnly today) => new(c.Id, c.ProductId, c.AuthorityId, c.Stars,
        c.DecisionNumber, c.IssuedBy, c.IssuedOn, c.ValidUntil, c.IsValidOn(today) ? "valid" : "expired", c.CreatedAt);
}

/// <summary>The history, newest first, and the current certification (the newest still valid), if any.</summary>
public sealed record CertificationHistoryResponse(CertificationResponse? Current, IReadOnlyList<CertificationResponse> Items);
