using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using Traceability.Api.Hosting;

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
        // A server without the feature (an in-process host) gets the same limit from the body itself.
        else if (feature is null && limit is { } max) context.Request.Body = new Limited(context.Request.Body, max);
        if (context.Request.ContentLength > limit)
            throw new BadHttpRequestException($"The body is {context.Request.ContentLength} bytes; at most {limit} are accepted.", 413);
        return next(context);
    }

    /// <summary>A body that refuses to be read past the limit, as Kestrel's does.</summary>
    private sealed class Limited(Stream inner, long limit) : Stream
    {
        private long _read;

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => Count(await inner.ReadAsync(buffer, ct));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        private int Count(int n)
        {
            _read += n;
            if (_read > limit) throw new BadHttpRequestException($"The body is over {limit} bytes; at most {limit} are accepted.", 413);
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
