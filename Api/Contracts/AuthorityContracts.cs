using System.ComponentModel.DataAnnotations;
using Traceability.Domain;

namespace Traceability.Api.Contracts;

public sealed record CreateAuthorityRequest(
    [property: Required] string? Name, [property: Required, OneOf(typeof(AuthorityLevel))] string? Level, string? Province)
{
    public Authority ToAuthority(Guid id, DateTimeOffset now)
    {
        var v = new FieldErrors();
        var name = v.Required("name", Name, 200);
        var level = v.Enum<AuthorityLevel>("level", Level);
        var province = v.Optional("province", Province, 100);
        if (level == AuthorityLevel.Province && province is null) v.Add("province", "Required for a province-level authority.");
        v.ThrowIfInvalid();
        return new Authority(id, name, level!.Value, province, now);
    }
}

public sealed record AuthorityResponse(Guid Id, string Name, [property: OneOf(typeof(AuthorityLevel))] string Level, string? Province, DateTimeOffset CreatedAt)
{
    public static AuthorityResponse From(Authority a) => new(a.Id, a.Name, WireEnum<AuthorityLevel>.Name(a.Level), a.Province, a.CreatedAt);
}
