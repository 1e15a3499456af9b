using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Traceability.Api.Problems;
using Traceability.Api.PublicRecords;
using Traceability.Api.Wire;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Hosting;

public static class HttpSetup
{
    public static IServiceCollection AddTraceabilityHttp(this IServiceCollection services)
    {
        services.Configure<JsonOptions>(o => Configure(o.SerializerOptions));
        // Bad JSON, wrong types, a missing body or a wrong media type throw, so ProblemHandler can say what is wrong.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        // A browser on a public route gets a page; every other client problem+json; none ever an empty 500.
        services.AddSingleton<IProblemDetailsWriter, HtmlProblemWriter>();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            c.ProblemDetails.Detail ??= c.ProblemDetails.Status switch
            {
                StatusCodes.Status404NotFound => "No resource at this address.",
                StatusCodes.Status405MethodNotAllowed => "This address does not accept that method.",
                StatusCodes.Status415UnsupportedMediaType => "Send the body as application/json.",
                _ => null,
            };
            c.ProblemDetails.Extensions["traceId"] = LoggingSetup.TraceId(c.HttpContext);  // as the log lines' TraceId
        });
        services.AddSingleton<IProblemDetailsWriter, FallbackProblemWriter>();
        services.AddExceptionHandler<ProblemHandler>();
        services.AddScoped<Idempotency.RequestTransaction>();
        services.AddHostedService<Idempotency.IdempotencySweeper>();
        services.AddSingleton<Idempotency.ProcessLiveness>();
        services.AddHostedService(sp => sp.GetRequiredService<Idempotency.ProcessLiveness>());
        services.AddOptions<SecurityOptions>().BindConfiguration("Security")
            .Validate(o => o.FrameAncestors.All(a => Uri.TryCreate(a, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"),
                "Security:FrameAncestors must be origins such as https://ocop.example.gov.vn.").ValidateOnStart();
        // No "Server: Kestrel": nothing tells a scanner which server to try its exploits on.
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.AddServerHeader = false);
        return services;
    }

    public static void Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new NormalizedStringConverter());
        // Numbers are JSON numbers: "12", "NaN" and "Infinity" as strings are refused with the field's path (the web
        // defaults would read them, and a NaN latitude cannot be stored or hashed).
        options.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        // JSON responses are never embedded in HTML, so Vietnamese letters, '+' and quotes are written as themselves.
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        // Unknown fields are refused (400 naming the field), as the schemas' additionalProperties: false says:
        // a misspelt optional field must not be dropped silently.
        options.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow;
        // {"name": "a", "name": "b"} is refused (400 naming the field), not read as its last value.
        options.AllowDuplicateProperties = false;
    }

    /// <summary>The whole middleware order, in one place.</summary>
    public static WebApplication UseTraceabilityHttp(this WebApplication app)
    {
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ReverseProxyOptions>>().Value.Any)
            app.UseForwardedHeaders();
        app.UseMiddleware<HeadRequests>();
        app.UseMiddleware<SecurityHeaders>();
        app.UseMiddleware<PublicCors>();
        app.UseWhen(c => PublicSetup.IsPublicPath(c.Request.Path), branch => branch.UseResponseCompression());
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseRateLimiter();
        app.UseMiddleware<RequestBodyLimit>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<Auth.ScopeCheck>();
        app.UseMiddleware<Auth.KeyRateLimits>();
        app.UseMiddleware<Idempotency.IdempotencyBuffering>();
        return app;
    }
}
