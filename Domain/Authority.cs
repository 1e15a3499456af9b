namespace Traceability.Domain;

public enum AuthorityLevel { Province, National }

/// <summary>An OCOP certifying body: a province certifies 3★ and 4★ for producers of its province, the national level
/// 5★ too, anywhere. <paramref name="ProvinceCode"/>: the province a province-level authority acts for
/// (<see cref="Provinces"/>).</summary>
public sealed record Authority(Guid Id, string Name, AuthorityLevel Level, string? Province, DateTimeOffset CreatedAt, string? ProvinceCode = null)
{
    public int MaxStars => Level == AuthorityLevel.National ? 5 : 4;

    public bool MayCertify(int stars) => stars <= MaxStars;

    /// <summary>Whether a producer of <paramref name="provinceCode"/> is within this authority's remit: a national
    /// authority's remit is everywhere; a province's, its own province (a producer whose province is unknown is only
    /// the national level's).</summary>
    public bool Covers(string? provinceCode) => Level == AuthorityLevel.National || (ProvinceCode is not null && ProvinceCode == provinceCode);

    /// <summary>Why <see cref="Covers"/> is false, for the 403.</summary>
    public string OutsideRemit(string what, string? provinceCode) =>
        $"A province authority acts only within its province ({Provinces.ByCodeOrNull(ProvinceCode)?.Name ?? ProvinceCode}, code {ProvinceCode}); "
        + $"this {what} belongs to a producer of {(provinceCode is null ? "an unknown province" : $"{Provinces.ByCodeOrNull(provinceCode)?.Name ?? provinceCode} (code {provinceCode})")}. "
        + "A national authority may act anywhere.";

    /// <summary>Whether this authority may undo what <paramref name="issuer"/> decided (withdraw its certification or
    /// recall): the issuer itself, or a higher level.</summary>
    public bool MayOverrule(Guid issuerId, AuthorityLevel? issuerLevel) =>
        Id == issuerId || (Level == AuthorityLevel.National && issuerLevel != AuthorityLevel.National);
}
