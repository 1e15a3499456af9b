namespace Traceability.Domain;

public enum AuthorityLevel { Province, National }

/// <summary>An OCOP certifying body: a province certifies 3★ and 4★, the national level also 5★.</summary>
public sealed record Authority(Guid Id, string Name, AuthorityLevel Level, string? Province, DateTimeOffset CreatedAt)
{
    public int MaxStars => Level == AuthorityLevel.National ? 5 : 4;

    public bool MayCertify(int stars) => stars <= MaxStars;
}
