using System.ComponentModel.DataAnnotations;

namespace Traceability.Api.Hosting;

/// <summary>The "Traceability" configuration section.</summary>
public sealed class TraceabilityOptions
{
    /// <summary>Absolute base of every public URL handed out (QR codes, publicUrl).</summary>
    [Required, Url]
    public string PublicBaseUrl { get; set; } = "http://localhost:5080";

    /// <summary>When set, the admin key; otherwise the first start generates one and prints it once.</summary>
    public string? AdminApiKey { get; set; }

    /// <summary>Seed a demo cooperative into an empty database (true only in Development).</summary>
    public bool SeedDemoData { get; set; }

    /// <summary>Largest request body accepted, in bytes.</summary>
    [Range(1024, 100 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Seconds between the rebuild worker's looks for stale public records nobody has read (see RecordRefresher).</summary>
    [Range(1, 3600)]
    public int RecordRebuildSeconds { get; set; } = 2;

    /// <summary>Minutes between passes of the hash-chain audit over newly appended events (see ChainAudit); 0 turns it off.</summary>
    [Range(0, 7 * 24 * 60)]
    public int ChainAuditMinutes { get; set; } = 10;

    /// <summary>Serve Swagger UI at /swagger (the contract, /swagger/v1/swagger.yaml, is always served). Unset: on, except in
    /// Production, where an operator turns it on.</summary>
    public bool? SwaggerUi { get; set; }

    /// <summary>How long a browser, an app or a shared cache (the recipe's nginx, a CDN) may keep a public answer that is
    /// not a scan (the record JSON for apps, product pages, linksets, the resolver's answers) before it revalidates: the
    /// longest a recall takes to reach them. Scan views are never kept by a shared cache (docs/operations.md, "Caching").</summary>
    [Range(0, 3600)]
    public int PublicCacheSeconds { get; set; } = 60;

    public string PublicBase => PublicBaseUrl.TrimEnd('/');
}
