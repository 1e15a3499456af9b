using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using NUnit.Framework;
using Traceability.Infrastructure.Tracing;
using Traceability.Tests.Support;

namespace Traceability.Tests.Api;

/// <summary>The database work of a request is traced: a span per statement, named after the statement's constant in the
/// code, inside the request's trace, carrying no value the request sent; and a process with an OTLP endpoint exports
/// them there.</summary>
public sealed class DatabaseTracingTests
{
    [Test]
    public async Task EachStatementOfARequest_IsASpanInItsTrace_NamedAfterTheStatement_WithNoneOfItsValues()
    {
        var spans = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is DatabaseActivities.SourceName or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { if (a.Source.Name == DatabaseActivities.SourceName) spans.Enqueue(a); },
        };
        ActivitySource.AddActivityListener(listener);

        using var api = new ApiFactory();
        var producer = await api.CreateProducerAsync();
        var product = await producer.CreateProductAsync(Scenario.NewGtin13());
        var batch = await producer.CreateBatchAsync(product.Id(), "TRACE-1");
        var secret = $"ghi-chú-{Guid.NewGuid():N}";

        var write = ActivityTraceId.CreateRandom();
        using (var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/batches/{batch.Id()}/events")
               { Content = JsonContent.Create(new { type = "harvesting", occurredAt = "2025-11-20T06:30:00+07:00", note = secret }) })
        {
            request.Headers.Add("traceparent", $"00-{write}-{ActivitySpanId.CreateRandom()}-01");
            request.Headers.Add("Idempotency-Key", secret);
            Assert.That((await producer.Client.SendAsync(request)).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }
        var read = ActivityTraceId.CreateRandom();
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"/p/{batch.GetProperty("code").GetString()}"))
        {
            request.Headers.Add("traceparent", $"00-{read}-{ActivitySpanId.CreateRandom()}-01");
            Assert.That((await api.CreateClient().SendAsync(request)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var ofWrite = spans.Where(s => s.TraceId == write).ToList();
        var ofRead = spans.Where(s => s.TraceId == read).ToList();
        Assert.That(ofWrite.Select(s => s.DisplayName), Does.Contain("IdempotencyRepository.Reserve").And.Contain("IdempotencyRepository.Complete"));
        Assert.That(ofWrite.Select(s => s.DisplayName).Where(n => n.StartsWith("EventRepository.", StringComparison.Ordinal)), Is.Not.Empty,
            "the event's own statements: " + string.Join(", ", ofWrite.Select(s => s.DisplayName)));
        Assert.That(ofRead.Select(s => s.DisplayName), Does.Contain("RecordStore.Get"), "the scan's one-row read");
        foreach (var span in ofWrite.Concat(ofRead))
        {
            Assert.That(span.Kind, Is.EqualTo(ActivityKind.Client));
            Assert.That(span.GetTagItem("db.system.name"), Is.EqualTo("sqlite"));
            Assert.That(span.TagObjects.Select(t => t.Value?.ToString() ?? ""), Has.None.Contains(secret).And.None.Contains("TRACE-1"),
                $"{span.DisplayName} carries no value of the request");
        }
    }

    [Test]
    public async Task AProcessWithAnOtlpEndpoint_ExportsItsRequestsAndTheirStatements()
    {
        ApiFactory.RequireSqlite();
        var port = TestPaths.FreePort();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = new StringBuilder();
        var collecting = Task.Run(async () =>
        {
            while (collector.IsListening)
            {
                HttpListenerContext context;
                try { context = await collector.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                // OTLP/HTTP protobuf: span names and attribute values are UTF-8 strings in the message.
                lock (received) received.Append(Encoding.UTF8.GetString(body.ToArray()));
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });

        await using var api = ApiProcess.Start(TestPaths.NewDatabaseFile(), ApiFactory.AdminKey, new Dictionary<string, string>
        {
            ["Telemetry__OtlpEndpoint"] = $"http://127.0.0.1:{port}/v1/traces",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf", ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });
        await api.WaitUntilReadyAsync();
        api.Client.DefaultRequestHeaders.Add("X-Api-Key", ApiFactory.AdminKey);
        Assert.That((await api.Client.GetAsync("/api/v1/batches")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string Text() { lock (received) return received.ToString(); }
        while (!(Text().Contains(DatabaseActivities.SourceName, StringComparison.Ordinal) && Text().Contains("/api/v1/batches", StringComparison.Ordinal)))
            await Task.Delay(200, bound.Token);
        Assert.That(Text(), Does.Match(@"BatchRepository\.[A-Za-z]+"), "the list's statement, by name");
        collector.Stop();
        await collecting;
    }
}
