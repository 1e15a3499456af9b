using System.Security.Claims;
using Traceability.Domain;

namespace Traceability.Api.Auth;

/// <summary>Carries the <see cref="Caller"/> through the ClaimsPrincipal and back.</summary>
public static class CallerClaims
{
    private const string IdClaim = "sub";
    private const string LevelClaim = "level";
    private const string ScopeClaim = "scope";
    private const string KeyClaim = "kid";
    private const string KeyExpiryClaim = "kexp";
    private const string InactiveSinceClaim = "inactive_since";
    private const string InactiveReasonClaim = "inactive_reason";

    public static ClaimsPrincipal ToPrincipal(Caller caller, string scheme)
    {
        var claims = new List<Claim> { new(ClaimTypes.Role, WireEnum<Role>.Name(caller.Role)) };
        if (caller.Id is { } id) claims.Add(new Claim(IdClaim, id.ToString()));
        if (caller.Level is { } level) claims.Add(new Claim(LevelClaim, WireEnum<AuthorityLevel>.Name(level)));
        if (caller.Scopes is { } scopes) claims.Add(new Claim(ScopeClaim, scopes));
        if (caller.KeyId is { } keyId) claims.Add(new Claim(KeyClaim, keyId.ToString()));
        if (caller.KeyExpiresAt is { } expires) claims.Add(new Claim(KeyExpiryClaim, expires.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (caller.Deactivation is { } d)
        {
            claims.Add(new Claim(InactiveSinceClaim, d.At.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
            claims.Add(new Claim(InactiveReasonClaim, d.Reason));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    public static Caller ToCaller(this ClaimsPrincipal user)
    {
        var role = WireEnum<Role>.Parse(user.FindFirstValue(ClaimTypes.Role) ?? throw new InvalidOperationException("No role claim."));
        var id = user.FindFirstValue(IdClaim) is { } s ? Guid.Parse(s) : (Guid?)null;
        var level = user.FindFirstValue(LevelClaim) is { } l ? WireEnum<AuthorityLevel>.Parse(l) : (AuthorityLevel?)null;
        var scopes = user.FindFirstValue(ScopeClaim);
        var keyId = user.FindFirstValue(KeyClaim) is { } k ? Guid.Parse(k) : (Guid?)null;
        var expires = user.FindFirstValue(KeyExpiryClaim) is { } e ? DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(e, System.Globalization.CultureInfo.InvariantCulture)) : (DateTimeOffset?)null;
        var deactivation = user.FindFirstValue(InactiveSinceClaim) is { } since
            ? new ProducerDeactivation(DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(since, System.Globalization.CultureInfo.InvariantCulture)),
                user.FindFirstValue(InactiveReasonClaim) ?? "")
            : null;
        return new Caller(role, id, level, scopes, keyId, expires, deactivation);
    }
}
