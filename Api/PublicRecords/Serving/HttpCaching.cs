using Microsoft.Net.Http.Headers;
using Traceability.Api.PublicRecords.Building;

namespace Traceability.Api.PublicRecords.Serving;

/// <summary>ETag and Cache-Control for public responses, so a phone or a CDN revalidates with a 304.</summary>
public static class HttpCaching
{
    /// <summary>What any cache may keep for <see cref="Hosting.TraceabilityOptions.PublicCacheSeconds"/> (60 s unless
    /// configured): it may change (a new event, a recall), and a recall must reach shoppers and apps within that time.</summary>
    public static string ShortLived(HttpContext context) =>
        $"public, max-age={context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Hosting.TraceabilityOptions>>().Value.PublicCacheSeconds}";

    /// <summary>A scan's view (the label's page or JSON): the shopper's own browser may keep it but must ask again at every
    /// view (a 304 when nothing changed), and no shared cache may keep it, so every view is counted as a scan and a
    /// recall shows at the next one.</summary>
    public const string ScanView = "private, no-cache";

    public const string LongLived = "public, max-age=2592000";

    /// <summary>Sets the validators; true when the client already holds this version (answer 304).</summary>
    /// <param name="weak">The body's bytes change from view to view while what it means does not (the scan figures):
    /// a weak validator (RFC 9110 §8.8.1), so no cache treats two views as byte-identical.</param>
    /// <param name="vary">The request headers the answer depends on.</param>
    public static bool NotModified(HttpContext context, string etag, string cacheControl, bool weak = false, string vary = "Accept, Accept-Language")
    {
        var quoted = $"\"{etag}\"";
        context.Response.Headers.ETag = weak ? "W/" + quoted : quoted;
        context.Response.Headers.CacheControl = cacheControl;
        context.Response.Headers.Vary = vary;
        var ifNoneMatch = context.Request.Headers.IfNoneMatch.ToString();
        return ifNoneMatch.Length > 0 && (ifNoneMatch == "*" || ifNoneMatch.Split(',').Any(t => t.Trim().TrimStart('W', '/') == quoted));
    }

    public static IResult NotModifiedResult() => Results.StatusCode(StatusCodes.Status304NotModified);

    /// <summary>A stored page or JSON with this view's slot values: the stored gzip stream itself to a client that takes
    /// gzip (every browser), its inflated bytes to one that does not. Each has its own weak ETag.</summary>
    /// <param name="scan">The view counts as a scan: <see cref="ScanView"/>; otherwise <see cref="ShortLived"/>.</param>
    public static IResult Stored(HttpContext context, RecordReader.Loaded loaded, string etag, byte[][] slotValues, string contentType, bool scan)
    {
        var gzip = SlottedGzip.Accepted(context.Request);
        if (NotModified(context, gzip ? etag + "-gzip" : etag, scan ? ScanView : ShortLived(context), weak: true, vary: "Accept, Accept-Language, Accept-Encoding"))
            return NotModifiedResult();
        if (!gzip) return Results.Bytes(loaded.Plain(slotValues), contentType);
        // The response compression middleware leaves an answer that has a Content-Encoding alone.
        context.Response.Headers.ContentEncoding = "gzip";
        return Results.Bytes(loaded.Gzip(slotValues), contentType);
    }

    /// <summary>A stored page with this view's slot values that no one may cache (an item's view: its scan count is this
    /// scan's): gzip to a client that takes it, inflated otherwise.</summary>
    public static IResult Uncached(HttpContext context, RecordReader.Loaded loaded, byte[][] slotValues, string contentType)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Vary = "Accept, Accept-Language, Accept-Encoding";
        if (!SlottedGzip.Accepted(context.Request)) return Results.Bytes(loaded.Plain(slotValues), contentType);
        context.Response.Headers.ContentEncoding = "gzip";
        return Results.Bytes(loaded.Gzip(slotValues), contentType);
    }

    public static bool WantsJson(HttpRequest request)
    {
        var accept = request.Headers.Accept.ToString();
        return !accept.Contains("text/html", StringComparison.OrdinalIgnoreCase)
               && (accept.Contains("application/json", StringComparison.OrdinalIgnoreCase) || accept.Contains("+json", StringComparison.OrdinalIgnoreCase));
    }

    public static bool WantsLinkset(HttpRequest request) =>
        request.Headers.Accept.ToString().Contains("application/linkset+json", StringComparison.OrdinalIgnoreCase);

    /// <summary>Vietnamese, unless the address asks for English (?lang=en: the page's language link, at its top). A
    /// phone's language is not asked: many Vietnamese shoppers keep their phones in English and read a Vietnamese
    /// product's label in Vietnamese, and a visitor who reads English taps the link once.</summary>
    public static string Language(HttpRequest request) => request.Query["lang"].ToString() == "en" ? "en" : "vi";
}
