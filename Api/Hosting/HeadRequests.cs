namespace Traceability.Api.Hosting;

/// <summary>HEAD on every GET route (RFC 9110 §9.3.2): the request runs as the GET it mirrors, with the same status
/// and headers, and its body is dropped here. Kestrel itself never sends a body to a HEAD either.</summary>
public sealed class HeadRequests(RequestDelegate next)
{
    private static readonly object Marker = new();

    /// <summary>True for a HEAD answered as its GET (a HEAD is not a scan, for example).</summary>
    public static bool IsHead(HttpContext context) => context.Items.ContainsKey(Marker);

    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await next(context);
            return;
        }
        context.Items[Marker] = Marker;
        context.Request.Method = HttpMethods.Get;
        var body = context.Response.Body;
        var counter = new Counter();
        context.Response.Body = counter;
        try
        {
            await next(context);
            // The length the GET would have sent, as Kestrel computes it for a body written in one go.
            if (!context.Response.HasStarted && context.Response.ContentLength is null && counter.Length > 0)
                context.Response.ContentLength = counter.Length;
        }
        finally
        {
            context.Response.Body = body;
            context.Request.Method = HttpMethods.Head;
        }
    }

    /// <summary>Counts the body's bytes and drops them.</summary>
    private sealed class Counter : Stream
    {
        private long _length;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
        {
            _length += buffer.Length;
            return ValueTask.CompletedTask;
        }
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct)
        {
            _length += count;
            return Task.CompletedTask;
        }
    }
}
