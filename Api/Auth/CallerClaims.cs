using System.Security.Claims;
using Traceability.Domain;

namespace Traceability.Api.Auth;

/// <summary>Carries the <see cref="Caller"/> through the ClaimsPrincipal and back.</summary>
public static class CallerClaims
{
    private const string IdClaim = "sub";
    private const string LevelClaim = "level";

    public static ClaimsPrincipal ToPrincipal(Caller caller, string scheme)
    {
        var claims = new List<Claim> { new(ClaimTypes.Role, WireEnum<Role>.Name(caller.Role)) };
        if (caller.Id is { } id) claims.Add(new Claim(IdClaim, id.ToString()));
        if (caller.Level is { } level) claims.Add(new Claim(LevelClaim, WireEnum<AuthorityLevel>.Name(level)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    public static Caller ToCaller(this ClaimsPrincipal user)
    {
        var role = WireEnum<Role>.Parse(user.FindFirstValue(ClaimTypes.Role) ?? throw new InvalidOperationException("No role claim."));
        var id = user.FindFirstValue(IdClaim) is { } s ? Guid.Parse(s) : (Guid?)null;
        var level = user.FindFirstValue(LevelClaim) is { } l ? WireEnum<AuthorityLevel>.Parse(l) : (AuthorityLevel?)null;
        return new Caller(role, id, level);
    }
}
