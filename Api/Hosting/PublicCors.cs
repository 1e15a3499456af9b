using Traceability.Api.PublicRecords;

namespace Traceability.Api.Hosting;

/// <summary>CORS for what anyone may read (pages, Digital Links, public records, the resolver description): any origin,
/// GET, HEAD and OPTIONS, no credentials. An OPTIONS request, a preflight or not, is answered here for every public path
/// (the GS1-Conformant resolver standard requires all three methods). Keyed endpoints get no CORS headers at all.</summary>
public sealed class PublicCors(RequestDelegate next, Microsoft.Extensions.Options.IOptions<Hosting.TraceabilityOptions> options)
{
    public const string Methods = "GET, HEAD, OPTIONS";

    public Task InvokeAsync(HttpContext context)
    {
        if (!PublicSetup.IsPublicPath(context.Request.Path)) return next(context);
        if (HttpMethods.IsOptions(context.Request.Method))
        {
            var h = context.Response.Headers;
            h.AccessControlAllowOrigin = "*";
            h.AccessControlAllowMethods = Methods;
            h.AccessControlAllowHeaders = "Accept, Accept-Language, If-None-Match";
            h.AccessControlMaxAge = "86400";
            h.Allow = Methods;
            // A Digital Link names its linkset even here (GS1 resolver test suite reads it from the OPTIONS answer).
            if (context.Request.Path.StartsWithSegments("/01"))
                h.Link = PublicRecords.Resolver.Linkset.LinkHeader(options.Value.PublicBase + context.Request.Path.ToUriComponent().TrimEnd('/'));
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        }
        // Added as the answer starts, so error answers (written after the response was cleared) carry them too.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers.AccessControlAllowOrigin = "*";
            context.Response.Headers.AccessControlExposeHeaders = "ETag, Link, Location, Retry-After";
            return Task.CompletedTask;
        });
        return next(context);
    }
}
