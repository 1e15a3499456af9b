using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Faults;

/// <summary>A graceful stop as systemd, Docker or Kubernetes gives it (SIGTERM) to the API as its own process, in
/// Production, during a page-view load and a webhook delivery in flight (docs/operations.md, "Stopping and upgrading").</summary>
public sealed class ShutdownTests
{
    [Test]
    public async Task OnSigterm_ReadinessTurns503_EveryAnsweredViewIsStored_AndNoDeliveryStaysLeased()
    {
        ApiFactory.RequireSqlite();
        var database = TestPaths.NewDatabaseFile();
        // A webhook receiver that takes the connection and never answers: the delivery is in flight when the stop comes.
        using var receiver = new TcpListener(IPAddress.Loopback, 0);
        receiver.Start();
        var accepted = new List<TcpClient>();
        var connected = new TaskCompletionSource();
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var socket = await receiver.AcceptTcpClientAsync();
                    lock (accepted) accepted.Add(socket);
                    connected.TrySetResult();
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        });
        var port = ((IPEndPoint)receiver.LocalEndpoint).Port;

        await using var api = ApiProcess.Start(database, ApiFactory.AdminKey, new Dictionary<string, string>
        {
            ["Webhooks__AllowPrivateTargets"] = "true", ["Webhooks__TimeoutSeconds"] = "120", ["Webhooks__LeaseSeconds"] = "600",
            ["Shutdown__DrainSeconds"] = "1",
        });
        await api.WaitUntilReadyAsync();
        var admin = api.Client;
        admin.DefaultRequestHeaders.Add("X-Api-Key", ApiFactory.AdminKey);
        var created = await (await admin.PostAsJsonAsync("/api/v1/producers",
            new { name = "HTX Chè Xuân Lập", kind = "cooperative", address = new { commune = "Xã Xuân Lập", province = "Thanh Hóa" } })).Json(HttpStatusCode.Created);
        using var producer = new HttpClient { BaseAddress = admin.BaseAddress };
        producer.DefaultRequestHeaders.Add("X-Api-Key", created.GetProperty("apiKey").GetString());
        var product = await (await producer.PostAsJsonAsync("/api/v1/products", new { name = "Chè búp", category = "beverage" })).Json(HttpStatusCode.Created);
        var codes = new List<string>();
        for (var i = 0; i < 3; i++)
            codes.Add((await (await producer.PostAsJsonAsync("/api/v1/batches", new { productId = product.Id(), lotNumber = $"SD-{i}", producedOn = "2025-11-20" }))
                .Json(HttpStatusCode.Created)).GetProperty("code").GetString()!);
        await (await producer.PostAsJsonAsync("/api/v1/webhooks", new { url = $"http://127.0.0.1:{port}/hook", events = new[] { "batch.created" } })).Json(HttpStatusCode.Created);
        await (await producer.PostAsJsonAsync("/api/v1/batches", new { productId = product.Id(), lotNumber = "SD-HOOK", producedOn = "2025-11-20" })).Json(HttpStatusCode.Created);
        await connected.Task.WaitAsync(TimeSpan.FromSeconds(30));  // the dispatcher holds the lease, mid-send

        // Shoppers' page views from 8 clients until the process stops answering; only answered views are counted here.
        var answered = codes.ToDictionary(c => c, _ => 0L);
        var total = 0L;
        var stopped = false;
        var shoppers = Enumerable.Range(0, 8).Select(n => Task.Run(async () =>
        {
            using var shopper = new HttpClient { BaseAddress = admin.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            for (var i = n; !Volatile.Read(ref stopped); i++)
            {
                var code = codes[i % codes.Count];
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, $"/p/{code}");
                    request.Headers.Accept.ParseAdd("text/html");
                    using var response = await shopper.SendAsync(request);
                    if (response.StatusCode != HttpStatusCode.OK) continue;
                    await response.Content.ReadAsStringAsync();
                    lock (answered) { answered[code]++; total++; }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException) { return; }
            }
        })).ToList();
        while (Interlocked.Read(ref total) < 300) await Task.Delay(20);

        api.Terminate();
        var readiness = new List<HttpStatusCode>();
        using (var probe = new HttpClient { BaseAddress = admin.BaseAddress, Timeout = TimeSpan.FromSeconds(5) })
            for (var i = 0; i < 50 && readiness.Count(s => s == HttpStatusCode.ServiceUnavailable) < 3; i++)  // bounded
            {
                try { readiness.Add((await probe.GetAsync("/health/ready")).StatusCode); }
                catch (HttpRequestException) { break; }
                await Task.Delay(50);
            }
        Assert.That(await api.WaitForExitAsync(TimeSpan.FromSeconds(60)), Is.Zero, api.Output);
        Volatile.Write(ref stopped, true);
        await Task.WhenAll(shoppers);
        lock (accepted) foreach (var socket in accepted) socket.Dispose();

        // The signal is handled asynchronously: a probe may still be answered 200 just after kill returns; from the first 503
        // on, readiness never says ready again.
        var afterSignal = readiness.SkipWhile(s => s == HttpStatusCode.OK).ToList();
        Assert.That(afterSignal, Is.Not.Empty.And.All.EqualTo(HttpStatusCode.ServiceUnavailable), "readiness tells the load balancer, and keeps telling it");
        using var stored = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        stored.Open();
        foreach (var code in codes)
        {
            using var count = stored.CreateCommand();
            count.CommandText = "SELECT COALESCE(SUM(s.scan_count), 0) FROM batches b LEFT JOIN scan_counts s ON s.batch_id = b.id WHERE b.code = $code";
            count.Parameters.AddWithValue("$code", code);
            Assert.That(count.ExecuteScalar(), Is.EqualTo(answered[code]), $"every answered view of {code} is stored, none more");
        }
        using var leased = stored.CreateCommand();
        leased.CommandText = "SELECT COUNT(*) FROM webhook_deliveries WHERE lease_holder IS NOT NULL OR lease_until_unix_ms > 0";
        Assert.That(leased.ExecuteScalar(), Is.EqualTo(0L), "the lease is given back, not left to run out");
        using var pending = stored.CreateCommand();
        pending.CommandText = "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'";
        Assert.That(pending.ExecuteScalar(), Is.EqualTo(1L), "the delivery cut short is still to be made");
        Assert.That(api.Output, Does.Contain("leased deliveries released on shutdown"));
    }
}
