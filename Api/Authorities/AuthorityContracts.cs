using System.ComponentModel.DataAnnotations;
using Traceability.Api.Wire;
using Traceability.Domain;

namespace Traceability.Api.Authorities;

/// <summary>A province-level authority names its province: <c>provinceCode</c> (two digits, the 2025 list), or a
/// <c>province</c> name that resolves to one; both, when given, must agree.</summary>
public sealed record CreateAuthorityRequest(
    [property: Required] string? Name, [property: Required, OneOf(typeof(AuthorityLevel))] string? Level, string? Province, string? ProvinceCode = null)
{
    public Authority ToAuthority(Guid id, DateTimeOffset now)
    {
        var v = new FieldErrors();
        var name = v.Required("name", Name, 200);
        var level = v.Enum<AuthorityLevel>("level", Level);
        var province = v.Optional("province", Province, 100);
        var code = ProvinceFields.Resolve(v, "province", province, "provinceCode", ProvinceCode);
        if (level == AuthorityLevel.Province && province is null && code is null)
            v.Add("province", "Required for a province-level authority: its province, by name or as provinceCode.");
        if (level == AuthorityLevel.National && code is not null) v.Add("provinceCode", "A national authority acts for every province; leave it out.");
        v.ThrowIfInvalid();
        return new Authority(id, name, level!.Value, province ?? Provinces.ByCodeOrNull(code)?.Name, now, code);
    }
}

public sealed record AuthorityResponse(
    Guid Id, string Name, [property: OneOf(typeof(AuthorityLevel))] string Level, string? Province, string? ProvinceCode, DateTimeOffset CreatedAt)
{
    public static AuthorityResponse From(Authority a) => new(a.Id, a.Name, WireEnum<AuthorityLevel>.Name(a.Level), a.Province, a.ProvinceCode, a.CreatedAt);
}

/// <summary>A province given by name and/or code, checked against the official list (Domain/Provinces.cs).</summary>
public static class ProvinceFields
{
    /// <returns>The province's code: the one given (when on the list), or the one its name resolves to; null when neither
    /// is given, or with an error added.</returns>
    public static string? Resolve(FieldErrors v, string nameField, string? name, string codeField, string? code)
    {
        code = Text.EmptyToNull(Text.Normalize(code));
        var named = Provinces.ByName(name);
        if (code is not null)
        {
            if (Provinces.ByCodeOrNull(code) is null)
            {
                v.Add(codeField, $"Not the code of one of the 34 province-level units (2 digits, e.g. 38 for Thanh Hóa; {Provinces.Source}).");
                return null;
            }
            if (named is not null && named.Code != code)
            {
                v.Add(codeField, $"'{name}' is {named.Name}, code {named.Code}, not {code}.");
                return null;
            }
            return code;
        }
        if (name is null) return null;
        if (named is null)
        {
            v.Add(nameField, "Not a province-level unit this API knows; give its code as well (2 digits, e.g. 38 for Thanh Hóa).");
            return null;
        }
        return named.Code;
    }
}
