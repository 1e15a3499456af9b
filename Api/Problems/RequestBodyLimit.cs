using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using Traceability.Api.Setup;

namespace Traceability.Api.Problems;

/// <summary>Refuses bodies over the limit with 413 before they are read: from Content-Length when it is declared,
/// and through the server's own limit for chunked bodies. An endpoint may raise its limit with
/// <see cref="IRequestSizeLimitMetadata"/> (bulk uploads).</summary>
public sealed class RequestBodyLimit(RequestDelegate next, IOptions<TraceabilityOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize
                    ?? options.Value.MaxRequestBodyBytes;
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false }) feature.MaxRequestBodySize = limit;
        if (context.Request.ContentLength > limit)
            throw new BadHttpRequestException($"The body is {context.Request.ContentLength} bytes; at most {limit} are accepted.", 413);
        return next(context);
    }
}
