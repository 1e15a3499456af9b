using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Traceability.Tests.Support;

/// <summary>A real HTTP receiver on loopback (Kestrel, a free port or a given one) that records every delivery as it
/// arrived — headers and the raw body — and answers what <see cref="Answer"/> says.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Received(string Id, string Timestamp, string Signature, string Body, DateTimeOffset At)
    {
        public System.Text.Json.JsonElement Json => System.Text.Json.JsonDocument.Parse(Body).RootElement;
        public string Type => Json.GetProperty("type").GetString()!;
    }

    private readonly WebApplication _app;
    public ConcurrentQueue<Received> Deliveries { get; } = new();

    /// <summary>The status to answer a delivery with (after it was recorded); by default 200. May block to hold the answer.</summary>
    public Func<Received, Task<int>> Answer { get; set; } = _ => Task.FromResult(200);

    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}/hooks/ocop";

    private WebhookReceiver(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public static async Task<WebhookReceiver> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        WebhookReceiver? receiver = null;
        app.MapPost("/hooks/ocop", async (HttpContext context) =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            var h = context.Request.Headers;
            var received = new Received(h["webhook-id"].ToString(), h["webhook-timestamp"].ToString(), h["webhook-signature"].ToString(), body, DateTimeOffset.UtcNow);
            receiver!.Deliveries.Enqueue(received);
            return Results.Text("ok: " + new string('x', 3000), statusCode: await receiver.Answer(received));
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver = new WebhookReceiver(app, new Uri(address).Port);
        return receiver;
    }

    /// <summary>Waits (polling, up to <paramref name="seconds"/>) until <paramref name="done"/> holds for what arrived.</summary>
    public async Task<List<Received>> WaitForAsync(Func<List<Received>, bool> done, int seconds = 20, Action? tick = null)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var now = Deliveries.ToList();
            if (done(now)) return now;
            if (DateTime.UtcNow > until) throw new TimeoutException($"Received {now.Count}: {string.Join(", ", now.Select(r => r.Type))}");
            tick?.Invoke();
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
