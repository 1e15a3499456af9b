using System.Collections.Concurrent;
using System.Globalization;
using Traceability.Domain;

namespace Traceability.Api.Auth;

/// <summary>RateLimiting:Keys — requests per window per API key, and per account (all its keys together, so that minting
/// keys does not multiply an account's budget), reads and writes counted apart, so one looping app cannot starve every
/// cooperative's writes on a shared database. 0 turns a limit off. The limits hold per API process (with N processes
/// behind a balancer a key may reach N times them).</summary>
public sealed class KeyRateLimitOptions
{
    public int ReadsPerWindow { get; set; } = 1200;
    public int WritesPerWindow { get; set; } = 600;
    public int AccountReadsPerWindow { get; set; } = 2400;
    public int AccountWritesPerWindow { get; set; } = 1200;
    public int WindowSeconds { get; set; } = 60;
}

/// <summary>Counts each API key's and each account's requests in fixed windows and answers 429 with Retry-After past
/// either limit (the key's own, or its account's, which all the account's keys share). Every
/// authenticated answer carries the IETF RateLimit fields (draft-ietf-httpapi-ratelimit-headers):
/// <c>RateLimit-Policy: "writes";q=600;w=60</c> and <c>RateLimit: "writes";r=599;t=42</c>, so a well-behaved client
/// slows down before it hits the limit. The configured admin key is not limited.</summary>
public sealed class KeyRateLimits(RequestDelegate next, Microsoft.Extensions.Options.IOptionsMonitor<KeyRateLimitOptions> options,
    TimeProvider clock, IProblemDetailsService problems)
{
    private readonly ConcurrentDictionary<(Guid Key, bool Write), Window> _windows = new();
    private const int PruneAbove = 20_000;

    private sealed class Window(long startMs)
    {
        public long StartMs = startMs;
        public int Count;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var limits = options.CurrentValue;
        if (context.User.Identity?.IsAuthenticated != true || context.User.ToCaller() is not { KeyId: { } keyId } caller)
        {
            await next(context);
            return;
        }
        var write = !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method));
        var name = write ? "writes" : "reads";
        var windowMs = limits.WindowSeconds * 1000L;
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (_windows.Count > PruneAbove)
            foreach (var (k, w) in _windows) if (now - w.StartMs >= windowMs) _windows.TryRemove(k, out _);
        // The key's own window, then its account's: the one with less left is what the client is told about.
        (int Quota, int Used, long Start, string Who)? binding = null;
        var over = false;
        foreach (var (id, quota, who) in new[] { (keyId, write ? limits.WritesPerWindow : limits.ReadsPerWindow, "This API key"),
                     (caller.Id ?? keyId, write ? limits.AccountWritesPerWindow : limits.AccountReadsPerWindow, "This account's keys together") })
        {
            if (quota <= 0) continue;
            var window = _windows.GetOrAdd((id, write), _ => new Window(now));
            int used;
            long start;
            lock (window)
            {
                if (now - window.StartMs >= windowMs) { window.StartMs = now; window.Count = 0; }
                used = ++window.Count;
                start = window.StartMs;
            }
            over |= used > quota;
            if (binding is not { } b || quota - used < b.Quota - b.Used) binding = (quota, used, start, who);
        }
        if (binding is not { } limit)
        {
            await next(context);
            return;
        }
        var reset = Math.Max(1, (int)Math.Ceiling((limit.Start + windowMs - now) / 1000.0));
        var headers = context.Response.Headers;
        headers["RateLimit-Policy"] = $"\"{name}\";q={limit.Quota};w={limits.WindowSeconds}";
        headers["RateLimit"] = $"\"{name}\";r={Math.Max(0, limit.Quota - limit.Used)};t={reset}";
        if (over)
        {
            headers.RetryAfter = reset.ToString(CultureInfo.InvariantCulture);
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = 429, Title = "Too many requests.",
                    Detail = $"{limit.Who} may make {limit.Quota} {name} every {limits.WindowSeconds} s; try again in {reset} s.",
                },
            });
            return;
        }
        await next(context);
    }
}
