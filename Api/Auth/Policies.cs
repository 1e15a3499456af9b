using Traceability.Domain;

namespace Traceability.Api.Auth;

/// <summary>Authorisation policies by role. Ownership (a producer's own data) is checked in the handlers,
/// which answer 404 for another producer's resource exactly as for a missing one.</summary>
public static class Policies
{
    public const string Admin = "admin";
    public const string Authority = "authority";
    public const string Producer = "producer";
    public const string AdminOrAuthority = "admin_or_authority";
    public const string Any = "any";

    public static IServiceCollection AddTraceabilityAuth(this IServiceCollection services)
    {
        services.AddSingleton<CallerCache>();
        services.AddOptions<KeyRateLimitOptions>().BindConfiguration("RateLimiting:Keys")
            .Validate(o => o.ReadsPerWindow >= 0 && o.WritesPerWindow >= 0 && o.AccountReadsPerWindow >= 0 && o.AccountWritesPerWindow >= 0 && o.WindowSeconds > 0,
                "RateLimiting:Keys needs every per-window limit ≥ 0 and WindowSeconds > 0.").ValidateOnStart();
        services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Admin, p => p.RequireRole(WireEnum<Role>.Name(Role.Admin)))
            .AddPolicy(Authority, p => p.RequireRole(WireEnum<Role>.Name(Role.Authority)))
            .AddPolicy(Producer, p => p.RequireRole(WireEnum<Role>.Name(Role.Producer)))
            .AddPolicy(AdminOrAuthority, p => p.RequireRole(WireEnum<Role>.Name(Role.Admin), WireEnum<Role>.Name(Role.Authority)))
            .AddPolicy(Any, p => p.RequireAuthenticatedUser());
        return services;
    }
}
