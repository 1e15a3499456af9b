using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Traceability.Api.Auth;
using Traceability.Domain;

namespace Traceability.Api.Dashboard;

/// <summary>The dashboard's session: an account's API key, typed once into the sign-in form, exchanged for a cookie
/// (HttpOnly, SameSite=Strict, Secure in Production, 8 hours) that holds the key's hash, never the key; every request
/// looks the key up again (a revoked key ends its sessions within the key cache's 5 seconds), and every form carries an
/// antiforgery token.</summary>
public static class DashboardSetup
{
    public const string Scheme = "Dashboard";
    public const string KeyHashClaim = "khash";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    /// <param name="configuration">Dashboard:KeysPath: where the keys that seal sessions and antiforgery tokens are kept
    /// (a folder every API process shares), so sessions survive a restart and any process reads them; without it,
    /// ASP.NET Core's default place for the user the API runs as.</param>
    public static IServiceCollection AddTraceabilityDashboard(this IServiceCollection services, IHostEnvironment environment, IConfiguration configuration)
    {
        if (configuration["Dashboard:KeysPath"] is { Length: > 0 } keys)
            services.AddDataProtection().SetApplicationName("ocop-traceability").PersistKeysToFileSystem(new DirectoryInfo(keys));
        var secure = environment.IsProduction() ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = "ocop_session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = secure;
            o.Cookie.Path = "/dashboard";
            o.ExpireTimeSpan = Lifetime;
            o.SlidingExpiration = false;
            o.LoginPath = "/dashboard/sign-in";
            o.LogoutPath = "/dashboard/sign-out";
            o.Events.OnValidatePrincipal = ValidateAsync;
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "ocop_csrf";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = secure;
            o.Cookie.Path = "/dashboard";
            o.FormFieldName = "csrf";
        });
        return services;
    }

    /// <summary>Every request of a session finds its key again: revoked or expired, the session ends; a producer
    /// deactivated or reactivated since sign-in is seen as it is now.</summary>
    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var hash = context.Principal?.FindFirst(KeyHashClaim)?.Value;
        var caller = hash is null ? null : await context.HttpContext.RequestServices.GetRequiredService<CallerCache>()
            .FindAsync(Convert.FromHexString(hash), context.HttpContext.RequestAborted);
        if (caller is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
            return;
        }
        context.ReplacePrincipal(Principal(caller, hash!));
    }

    public static System.Security.Claims.ClaimsPrincipal Principal(Caller caller, string keyHash)
    {
        var principal = CallerClaims.ToPrincipal(caller, Scheme);
        ((System.Security.Claims.ClaimsIdentity)principal.Identity!).AddClaim(new System.Security.Claims.Claim(KeyHashClaim, keyHash));
        return principal;
    }
}
