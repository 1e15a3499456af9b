using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Traceability.Api.Hosting;
using Traceability.Domain;

namespace Traceability.Api.Auth;

/// <summary>Authenticates the X-Api-Key header: the configured admin key, or a stored key found by its hash.</summary>
public sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions, ILoggerFactory logger, UrlEncoder encoder,
    CallerCache keys, IOptions<TraceabilityOptions> options, IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values) || string.IsNullOrWhiteSpace(values.ToString()))
            return AuthenticateResult.NoResult();
        var key = values.ToString().Trim();
        if (key.Length > 200) return AuthenticateResult.Fail("Malformed API key.");
        var hash = ApiKey.Hash(key);

        var caller = IsConfiguredAdminKey(hash) ? new Caller(Role.Admin, null) : await keys.FindAsync(hash, Context.RequestAborted);
        return caller is null
            ? AuthenticateResult.Fail("Unknown or revoked API key.")
            : AuthenticateResult.Success(new AuthenticationTicket(CallerClaims.ToPrincipal(caller, SchemeName), SchemeName));
    }

    private bool IsConfiguredAdminKey(byte[] hash)
    {
        var configured = options.Value.AdminApiKey;
        return !string.IsNullOrEmpty(configured) && CryptographicOperations.FixedTimeEquals(hash, ApiKey.Hash(configured));
    }

    /// <summary>HTTP requires a 401 to name the scheme it wants (RFC 9110 §11.6.1).</summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = $"{SchemeName} realm=\"ocop-traceability\", header=\"{Header}\"";
        return WriteProblem(401, "Authentication required.", $"Send a valid API key in the {Header} header.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblem(403, "Forbidden.", "This API key's role may not perform this operation.");

    private Task WriteProblem(int status, string title, string detail)
    {
        Response.StatusCode = status;
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }
}
