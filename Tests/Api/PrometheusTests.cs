using System.Net;
using System.Net.Http.Json;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Api;

/// <summary>The operator's own Prometheus (Debian's package) scraping the API as docs/operations.md configures it: the API
/// as its own Production process with a metrics port, shoppers' views and a PIN check, and Prometheus's HTTP API asked
/// for the series. Without Prometheus the test is ignored, unless REQUIRE_PROMETHEUS=1 (CI), where it fails.</summary>
public sealed class PrometheusTests
{
    [Test]
    public async Task ARealPrometheus_ScrapesTheMetricsPort_AndCountsWhatShoppersDid()
    {
        ApiFactory.RequireSqlite();
        PrometheusServer.Require();
        var metricsPort = TestPaths.FreePort();
        await using var api = ApiProcess.Start(TestPaths.NewDatabaseFile(), ApiFactory.AdminKey, metricsPort: metricsPort);
        await api.WaitUntilReadyAsync();

        await using var prometheus = await PrometheusServer.StartAsync([metricsPort]);
        api.Client.DefaultRequestHeaders.Add("X-Api-Key", ApiFactory.AdminKey);
        var created = await (await api.Client.PostAsJsonAsync("/api/v1/producers",
            new { name = "HTX Chè Xuân Lập", kind = "cooperative", address = new { commune = "Xã Xuân Lập", province = "Thanh Hóa" } })).Json(HttpStatusCode.Created);
        using var producer = new HttpClient { BaseAddress = api.Client.BaseAddress };
        producer.DefaultRequestHeaders.Add("X-Api-Key", created.GetProperty("apiKey").GetString());
        var product = await (await producer.PostAsJsonAsync("/api/v1/products", new { name = "Chè búp", category = "beverage" })).Json(HttpStatusCode.Created);
        var code = (await (await producer.PostAsJsonAsync("/api/v1/batches", new { productId = product.Id(), lotNumber = "PR-1", producedOn = "2025-11-20" }))
            .Json(HttpStatusCode.Created)).GetProperty("code").GetString()!;
        using var shopper = new HttpClient { BaseAddress = api.Client.BaseAddress };
        for (var i = 0; i < 7; i++)
        {
            using var view = new HttpRequestMessage(HttpMethod.Get, $"/p/{code}");
            view.Headers.Accept.ParseAdd("text/html");
            (await shopper.SendAsync(view)).EnsureSuccessStatusCode();
        }
        Assert.That((await shopper.GetAsync("/metrics")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "not on the public port");

        Task<double?> Ask(string promql) => prometheus.AskAsync(promql);
        const string scans = "sum(traceability_public_scans_total{job=\"ocop-traceability\",kind=\"lot\"})";
        const string views = "sum(http_server_request_duration_seconds_count{job=\"ocop-traceability\",http_route=\"/p/{code}\",http_response_status_code=\"200\"})";
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await Ask(scans) != 7 || await Ask(views) != 7) await Task.Delay(500, bound.Token);
        Assert.That(await Ask("up{job=\"ocop-traceability\"}"), Is.EqualTo(1));
        Assert.That(await Ask("sum(http_server_request_duration_seconds_count{job=\"ocop-traceability\",http_route=\"/api/v1/batches/\",http_request_method=\"POST\"})"),
            Is.EqualTo(1), "the batch registered");
    }
}
