using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.ResponseCompression;
using Traceability.Api.PublicRecords.Building;
using Traceability.Api.PublicRecords.Freshness;
using Traceability.Api.PublicRecords.Scans;
using Traceability.Api.PublicRecords.Serving;
using Traceability.Infrastructure.PublicRecords;

namespace Traceability.Api.PublicRecords;

/// <summary>Rate limits per client address (RateLimiting:Public), in numbers of requests per window.</summary>
public sealed class PublicRateLimitOptions
{
    /// <summary>Requests per window per client address; 0 turns the limiter off. Generous by default: at a provincial
    /// fair, many shoppers share one shop's Wi-Fi or one carrier's address.</summary>
    public int PermitLimit { get; set; } = 300;
    public int WindowSeconds { get; set; } = 60;
}

/// <summary>Reverse proxies whose X-Forwarded-For/-Proto are believed: ReverseProxy:TrustedProxies (IP addresses) and
/// ReverseProxy:TrustedNetworks (CIDR ranges, e.g. a load balancer's subnet). With none configured, forwarded headers
/// are ignored and the connection's address is the client's, so a client cannot pick its own address; with them, the
/// address the nearest trusted proxy saw is, for rate limits, PIN limits and scan evidence alike.</summary>
public sealed class ReverseProxyOptions
{
    public List<string> TrustedProxies { get; set; } = [];
    public List<string> TrustedNetworks { get; set; } = [];

    public bool Any => TrustedProxies.Count > 0 || TrustedNetworks.Count > 0;
}

/// <summary>PIN entries per client address (RateLimiting:Pin): with the lock per serial, 10⁸ PINs cannot be walked.</summary>
public sealed class PinRateLimitOptions
{
    public int PermitLimit { get; set; } = 10;
    public int WindowSeconds { get; set; } = 300;
}

public static class PublicSetup
{
    public const string RatePolicy = "public";
    public const string PinRatePolicy = "pin";

    /// <summary>Paths anyone may read; only these are compressed (no secrets in them, so no BREACH-style leak).</summary>
    public static bool IsPublicPath(PathString path) =>
        path.StartsWithSegments("/p") || path.StartsWithSegments("/01") || path.StartsWithSegments("/products")
        || path.StartsWithSegments("/.well-known/gs1resolver") || path.StartsWithSegments("/api/v1/public")
        || path.StartsWithSegments("/api/v1/event-types") || path.StartsWithSegments("/api/v1/provinces") || path.StartsWithSegments("/api/v1/epcis/events")
        || (path.Value is { } p && p.LastIndexOf('/') == 0 && Resolver.DigitalLinkCompression.Looks(p[1..]));

    public static IServiceCollection AddTraceabilityPublic(this IServiceCollection services)
    {
        services.AddRazorComponents();
        // Vietnamese letters are written as UTF-8, not as &#x…; entities (smaller pages); <, >, &, quotes stay encoded.
        services.AddWebEncoders(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddSingleton<RecordSource>();
        services.AddSingleton<RecordStore>();
        services.AddSingleton<ScanRepository>();
        services.AddSingleton<ChainAuditRepository>();
        services.AddSingleton<PublicLinks>();
        services.AddSingleton<ScanCounter>();
        services.AddSingleton<ItemScanCounter>();
        services.AddSingleton<ClientIdentity>();
        services.AddSingleton<ScanFlusher>();
        services.AddHostedService(sp => sp.GetRequiredService<ScanFlusher>());
        services.AddSingleton<RecordReader>();
        services.AddSingleton<StoredPage>();
        services.AddSingleton<RecordBuilder>();
        services.AddSingleton<RecordRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<RecordRefresher>());
        services.AddSingleton<ChainAudit>();
        services.AddHostedService(sp => sp.GetRequiredService<ChainAudit>());

        services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = ResponseCompressionDefaults.MimeTypes.Concat(["application/ld+json", "application/linkset+json", "application/problem+json", "image/svg+xml"]);
        });
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);

        services.AddOptions<PublicRateLimitOptions>().BindConfiguration("RateLimiting:Public")
            .Validate(o => o.PermitLimit >= 0 && o.WindowSeconds > 0, "RateLimiting:Public needs PermitLimit ≥ 0 and WindowSeconds > 0.").ValidateOnStart();
        services.AddOptions<PinRateLimitOptions>().BindConfiguration("RateLimiting:Pin")
            .Validate(o => o.PermitLimit > 0 && o.WindowSeconds > 0, "RateLimiting:Pin needs PermitLimit > 0 and WindowSeconds > 0.").ValidateOnStart();
        services.AddOptions<ReverseProxyOptions>().BindConfiguration("ReverseProxy")
            .Validate(o => o.TrustedProxies.All(p => IPAddress.TryParse(p, out _)), "ReverseProxy:TrustedProxies must be IP addresses.")
            .Validate(o => o.TrustedNetworks.All(n => System.Net.IPNetwork.TryParse(n, out _)), "ReverseProxy:TrustedNetworks must be CIDR ranges (10.0.0.0/8).")
            .ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<Microsoft.Extensions.Options.IOptions<ReverseProxyOptions>>((o, proxies) =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies.Value.TrustedProxies) o.KnownProxies.Add(IPAddress.Parse(proxy));
            foreach (var network in proxies.Value.TrustedNetworks) o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : 1;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = { Status = 429, Title = "Too many requests.", Detail = $"Slow down; try again in {retryAfter} s." },
                });
            };
            o.AddPolicy(PinRatePolicy, context =>
            {
                var limits = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<PinRateLimitOptions>>().CurrentValue;
                return RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limits.PermitLimit, Window = TimeSpan.FromSeconds(limits.WindowSeconds), QueueLimit = 0,
                });
            });
            o.AddPolicy(RatePolicy, context =>
            {
                var limits = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<PublicRateLimitOptions>>().CurrentValue;
                if (limits.PermitLimit == 0) return RateLimitPartition.GetNoLimiter("off");
                var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limits.PermitLimit, Window = TimeSpan.FromSeconds(limits.WindowSeconds), QueueLimit = 0,
                });
            });
        });
        return services;
    }
}
