using Traceability.Domain;

namespace Traceability.Api.Auth;

/// <summary>The scope an endpoint needs from the key that calls it (<see cref="KeyScopes"/>).</summary>
public sealed record RequiredScope(string Scope);

/// <summary>Checks the calling key's scopes against the endpoint's, before anything else of the request is read: a key
/// that lacks the scope gets 403 naming it. An authenticated endpoint that names no scope needs <c>read</c> to read and,
/// to change anything, a key with every scope (the account's own key), so a route added without a scope fails closed.
/// A deactivated producer's keys still read; every write is refused (403) saying why and since when.</summary>
public sealed class ScopeCheck(RequestDelegate next, IProblemDetailsService problems)
{
    /// <summary>The scope an authenticated endpoint needs; null: every scope.</summary>
    public static string? Needed(Endpoint endpoint, string method) =>
        endpoint.Metadata.GetMetadata<RequiredScope>()?.Scope
        ?? (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) ? KeyScopes.Read : null);

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.User.Identity?.IsAuthenticated == true && context.GetEndpoint() is { } endpoint
            && endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is null
            && endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>() is not null)
        {
            var caller = context.User.ToCaller();
            var needed = Needed(endpoint, context.Request.Method);
            var missing = needed is null
                ? (caller.Scopes is null ? null : string.Join(' ', KeyScopes.All.Where(s => !caller.HasScope(s))))
                : caller.HasScope(needed) ? null : needed;
            if (!string.IsNullOrEmpty(missing))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails =
                    {
                        Status = 403, Title = "Forbidden.",
                        Detail = needed is null
                            ? $"This operation needs a key with every scope; this key lacks: {missing}."
                            : $"This API key lacks the scope '{needed}'.",
                        Extensions = { ["missingScope"] = missing },
                    },
                });
                return;
            }
            if (caller.WriteRefusal is { } refusal && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context, ProblemDetails = { Status = 403, Title = "Producer deactivated.", Detail = refusal },
                });
                return;
            }
        }
        await next(context);
    }
}

public static class ScopeEndpointExtensions
{
    /// <summary>The key must carry <paramref name="scope"/> (<see cref="KeyScopes"/>).</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredScope(scope));
}

/// <summary>A public endpoint that answers more to a caller with a key (the EPCIS query: a producer's own events).</summary>
public sealed record OptionalApiKey;
