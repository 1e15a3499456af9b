using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Traceability.Api.Pages;

namespace Traceability.Api.Hosting;

/// <summary>Who may frame the public page (Security:FrameAncestors): none by default; a partner's site that embeds
/// the page (a province's OCOP portal) is listed by its origin, e.g. "https://ocop.thanhhoa.gov.vn".</summary>
public sealed class SecurityOptions
{
    public List<string> FrameAncestors { get; set; } = [];
}

/// <summary>The headers a security review expects on every answer. HTML gets a Content-Security-Policy that allows no
/// script at all (the pages have none), only their own inline stylesheet (by hash) and images, and no framing except
/// by the configured partners; everything else gets a policy that allows nothing.</summary>
public sealed class SecurityHeaders(RequestDelegate next, IOptions<SecurityOptions> options)
{

    /// <summary>The hashes of the pages' stylesheets, exactly as written inside their style elements.</summary>
    private static readonly string StyleHashes = string.Join(' ', new[] { Styles.Css }.Concat(Styles.LabelCss)
        .Select(css => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(css)))}'"));

    private readonly string _htmlPolicy = $"default-src 'none'; style-src {StyleHashes}; img-src 'self' https:; base-uri 'none'; form-action 'self'; frame-ancestors {FrameAncestors(options.Value)}";
    private readonly string _otherPolicy = $"default-src 'none'; frame-ancestors {FrameAncestors(options.Value)}";
    private readonly bool _denyFraming = options.Value.FrameAncestors.Count == 0;

    private static string FrameAncestors(SecurityOptions options) => options.FrameAncestors.Count == 0 ? "'none'" : string.Join(' ', options.FrameAncestors);

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            var html = context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true;
            // Swagger UI runs its own script and styles; it is a developer's tool, not a page shoppers open.
            if (!context.Request.Path.StartsWithSegments("/swagger")) headers.ContentSecurityPolicy = html ? _htmlPolicy : _otherPolicy;
            if (_denyFraming) headers.XFrameOptions = "DENY";
            return Task.CompletedTask;
        });
        return next(context);
    }
}
