using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using Traceability.Domain.Webhooks;
using Traceability.Infrastructure.Webhooks;

namespace Traceability.Api.Webhooks;

/// <summary>Sends one delivery: a POST of the message's JSON, signed per Standard Webhooks, to the subscription's URL
/// through a connection that only reaches allowed addresses (<see cref="WebhookTargets"/>), within the timeout. A 2xx
/// answer is a delivery; anything else, or no answer, is a failed attempt. At most 1 KB of the answer is kept.</summary>
public sealed class WebhookSender : IDisposable
{
    public const int ExcerptBytes = 1024;
    private readonly HttpClient _client;
    private readonly TimeSpan _timeout;

    public WebhookSender(IOptions<WebhookOptions> options)
    {
        var o = options.Value;
        _timeout = TimeSpan.FromSeconds(o.TimeoutSeconds);
        _client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,  // a redirect could lead anywhere, including inward
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = (context, ct) => WebhookTargets.ConnectAsync(context, o.AllowPrivateTargets, ct),
            MaxConnectionsPerServer = 16,
        }) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("ocop-traceability-webhooks", "1"));
    }

    public sealed record Result(bool Delivered, int? StatusCode, int LatencyMs, string? Error, string? Excerpt);

    public async Task<Result> SendAsync(WebhookDeliveryRepository.Due due, DateTimeOffset now, CancellationToken stopping)
    {
        if (due.Secrets[0] == Infrastructure.Webhooks.WebhookSecrets.Unopenable)
            return new Result(false, null, 0, "The signing secret cannot be opened with this Webhooks:SecretKey (it changed); rotate the secret.", null);
        var messageId = WebhookSignature.MessageId(due.MessageId);
        var timestamp = now.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, due.Url)
        {
            Content = new StringContent(due.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", messageId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Header(due.Secrets.Where(x => x != Infrastructure.Webhooks.WebhookSecrets.Unopenable),
            messageId, timestamp, due.Payload));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(_timeout);
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var excerpt = await ExcerptAsync(response, timeout.Token);
            var status = (int)response.StatusCode;
            return new Result(status is >= 200 and < 300, status, Elapsed(watch), status is >= 200 and < 300 ? null : $"HTTP {status}", excerpt);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return new Result(false, null, Elapsed(watch), $"No answer within {_timeout.TotalSeconds:0} s.", null);
        }
        catch (HttpRequestException e) when (!stopping.IsCancellationRequested)
        {
            var target = e.InnerException as WebhookTargetException;
            return new Result(false, null, Elapsed(watch), Trim(target?.Message ?? e.Message), null);
        }
    }

    private static int Elapsed(Stopwatch watch) => (int)Math.Min(int.MaxValue, watch.ElapsedMilliseconds);

    private static string Trim(string s) => s.Length <= 500 ? s : s[..500];

    private static async Task<string?> ExcerptAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[ExcerptBytes];
        var read = 0;
        while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), ct) is var n and > 0) read += n;
        if (read == 0) return null;
        var text = Encoding.UTF8.GetString(buffer, 0, read);
        // A cut in the middle of a multi-byte letter leaves a replacement character at the end: drop it.
        return text.TrimEnd('\uFFFD');
    }

    public void Dispose() => _client.Dispose();
}
