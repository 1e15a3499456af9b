using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Traceability.Api.Auth;
using Traceability.Api.Oversight;
using Traceability.Api.Pages;
using Traceability.Api.PublicRecords.Serving;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;
using Traceability.Api.Wire;

namespace Traceability.Api.Dashboard;

/// <summary>The OCOP office's dashboard (and a producer's): server-rendered, Vietnamese first, no JavaScript, printable
/// on A4. Signed in with the account's API key, typed into a form (never in an address); the reports of
/// <see cref="OversightEndpoints"/> as tables and inline SVG charts, their CSV, and shoppers' reports.</summary>
public static class DashboardEndpoints
{
    private static readonly AuthorizeAttribute Session = new() { AuthenticationSchemes = DashboardSetup.Scheme };

    public static WebApplication MapDashboardEndpoints(this WebApplication app)
    {
        var group = app.MapGroup("/dashboard").WithTags("Dashboard").ExcludeFromDescription().AddEndpointFilter(RequireHttps);
        group.MapGet("/sign-in", SignInForm).AllowAnonymous();
        group.MapPost("/sign-in", SignIn).AllowAnonymous().RequireRateLimiting(PublicRecords.PublicSetup.PinRatePolicy);
        group.MapPost("/sign-out", SignOut).AllowAnonymous();
        group.MapGet("/", Home).RequireAuthorization(Session);
        group.MapGet("/{report}.csv", Download).RequireAuthorization(Session);
        return app;
    }

    /// <summary>Where the session cookie is Secure (Production), a plain-http request to the dashboard is refused with a
    /// page that says why: its cookies could not be set, and a key typed into it would cross the network in clear.</summary>
    private static ValueTask<object?> RequireHttps(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var secure = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<AntiforgeryOptions>>().Value.Cookie.SecurePolicy;
        return secure == CookieSecurePolicy.Always && !context.Request.IsHttps
            ? ValueTask.FromResult<object?>(Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "HTTPS required.",
                detail: "The dashboard is served over HTTPS only (through the TLS reverse proxy, docs/operations.md): a key typed into it must not cross the network in clear."))
            : next(invocation);
    }

    public static IResult SignInForm(HttpContext context, IAntiforgery antiforgery, string? error = null, int status = StatusCodes.Status200OK)
    {
        context.Response.Headers.CacheControl = "no-store";
        var lang = HttpCaching.Language(context.Request);
        return new RazorComponentResult<SignInPage>(new { T = PageText.For(lang), Csrf = antiforgery.GetAndStoreTokens(context).RequestToken!, Error = error })
            { StatusCode = status };
    }

    public static async Task<IResult> SignIn(HttpContext context, IAntiforgery antiforgery, CallerCache callers)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
            return SignInForm(context, antiforgery, "Phiên biểu mẫu đã hết hạn; hãy thử lại. / The form expired; try again.", StatusCodes.Status400BadRequest);
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var key = form["key"].ToString().Trim();
        var hash = key.Length is > 0 and <= 200 ? ApiKey.Hash(key) : null;
        var caller = hash is null ? null : await callers.FindAsync(hash, context.RequestAborted);
        if (caller is null)
            return SignInForm(context, antiforgery, "Khóa API không đúng hoặc đã bị thu hồi. / Unknown or revoked API key.", StatusCodes.Status401Unauthorized);
        if (!caller.HasScope(KeyScopes.Read))
            return SignInForm(context, antiforgery, "Khóa này không được phép đọc dữ liệu; hãy dùng khóa chính của tài khoản. / This key may not read; use the account's own key.",
                StatusCodes.Status403Forbidden);
        await context.SignInAsync(DashboardSetup.Scheme, DashboardSetup.Principal(caller, Convert.ToHexString(hash!)),
            new AuthenticationProperties { IsPersistent = false, ExpiresUtc = DateTimeOffset.UtcNow + DashboardSetup.Lifetime });
        return new SeeOther("/dashboard");
    }

    public static async Task<IResult> SignOut(HttpContext context, IAntiforgery antiforgery)
    {
        // The page's token was made for the signed-in session: read it before checking the form against it.
        if (await context.AuthenticateAsync(DashboardSetup.Scheme) is { Succeeded: true } session) context.User = session.Principal!;
        if (!await antiforgery.IsRequestValidAsync(context)) return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The form expired.");
        await context.SignOutAsync(DashboardSetup.Scheme);
        return new SeeOther("/dashboard/sign-in");
    }

    public static async Task<IResult> Home(HttpContext context, ClaimsPrincipal user, IAntiforgery antiforgery, AuthorityRepository authorities,
        ProducerRepository producers, OversightRepository oversight, ShopperReportRepository reports, TimeProvider clock, CancellationToken ct)
    {
        context.Response.Headers.CacheControl = "no-store";
        var caller = user.ToCaller();
        var (name, scope) = await WhoAsync(caller, authorities, producers, clock, ct);
        var recent = await reports.ListAsync(caller.Role == Role.Producer ? caller.Id : null, caller.Role == Role.Producer ? null : scope?.ProvinceCode,
            null, long.MaxValue, 20, ct);
        DashboardData data;
        if (scope is null) data = new DashboardData(name, null, null, null, null, null, null, recent);
        else
        {
            var products = await oversight.CertifiedProductsAsync(scope.ProvinceCode, ct);
            var recalls = await oversight.RecallsAsync(scope.ProvinceCode, ct);
            // The line of totals only: the lines per product and commune are the CSV's.
            var scans = OversightReports.Scans(scope, 12, await oversight.ScanTotalsAsync(scope.ProvinceCode, OversightReports.FirstMonth(scope.Today, 12), ct),
                AsyncEnumerable.Empty<OversightRepository.ScanMonth>());
            var signals = await oversight.SignalsAsync(scope.ProvinceCode, ct);
            data = new DashboardData(name, scope, OversightReports.Products(scope, products),
                OversightReports.Certifications(scope, OversightEndpoints.DefaultWithinDays, products), scans, signals, recalls, recent);
        }
        return new RazorComponentResult<DashboardPage>(new { D = data, T = PageText.For(HttpCaching.Language(context.Request)), Csrf = antiforgery.GetAndStoreTokens(context).RequestToken! });
    }

    /// <summary>A report's CSV, as the API's <c>?format=csv</c> gives it, for the signed-in office.</summary>
    public static Task<IResult> Download(string report, HttpContext context, ClaimsPrincipal user, AuthorityRepository authorities, OversightRepository oversight,
        TimeProvider clock, CancellationToken ct)
    {
        if (user.ToCaller().Role == Role.Producer) throw new NotFoundException("Report", report);
        context.Request.QueryString = new QueryString("?format=csv");
        return report switch
        {
            "products" => OversightEndpoints.Products(context, user, authorities, oversight, clock, null, ct),
            "certifications" => OversightEndpoints.Certifications(context, user, authorities, oversight, clock, null, null, ct),
            "idle-products" => OversightEndpoints.IdleProducts(context, user, authorities, oversight, clock, null, ct),
            "scans" => OversightEndpoints.Scans(context, user, authorities, oversight, clock, null, null, ct),
            "signals" => OversightEndpoints.Signals(context, user, authorities, oversight, clock, null, ct),
            "recalls" => OversightEndpoints.Recalls(context, user, authorities, oversight, clock, null, ct),
            "shopper-reports" => OversightEndpoints.ShopperReports(context, user, authorities, oversight, clock, null, ct),
            _ => throw new NotFoundException("Report", report),
        };
    }

    /// <summary>Who is signed in, and the province their reports cover (null for a producer).</summary>
    private static async Task<(string Name, OversightScope? Scope)> WhoAsync(Caller caller, AuthorityRepository authorities, ProducerRepository producers,
        TimeProvider clock, CancellationToken ct)
    {
        var today = VietnamTime.Today(clock.GetUtcNow());
        switch (caller.Role)
        {
            case Role.Producer:
                return ((await producers.GetAsync(caller.Id!.Value, ct))?.Name ?? "", null);
            case Role.Authority:
                var authority = await authorities.GetAsync(caller.Id!.Value, ct) ?? throw new ForbiddenException("Unknown authority.");
                var province = authority.Level == AuthorityLevel.Province ? Provinces.ByCodeOrNull(authority.ProvinceCode) : null;
                return (authority.Name, new OversightScope(province?.Name, authority.Level == AuthorityLevel.Province ? authority.ProvinceCode ?? "" : null, today));
            default:
                return ("admin", new OversightScope(null, null, today));
        }
    }
}

/// <summary>What the dashboard shows: for an office, its province's reports; for a producer, its shoppers' reports.</summary>
public sealed record DashboardData(string Name, OversightScope? Scope, ProductsReport? Products, CertificationsReport? Certifications, ScansReport? Scans,
    IReadOnlyList<OversightRepository.ProductSignals>? Signals, IReadOnlyList<OversightRepository.RecallLine>? Recalls, IReadOnlyList<ShopperReport> Reports);
