using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Api;

/// <summary>The operator's own Prometheus (Debian's package) scraping the API as docs/operations.md configures it: the API
/// as its own Production process with a metrics port, shoppers' views and a PIN check, and Prometheus's HTTP API asked
/// for the series. Without Prometheus the test is ignored, unless REQUIRE_PROMETHEUS=1 (CI), where it fails.</summary>
public sealed class PrometheusTests
{
    private const string Prometheus = "/usr/bin/prometheus";

    [Test]
    public async Task ARealPrometheus_ScrapesTheMetricsPort_AndCountsWhatShoppersDid()
    {
        ApiFactory.RequireSqlite();
        if (!File.Exists(Prometheus))
        {
            if (Environment.GetEnvironmentVariable("REQUIRE_PROMETHEUS") == "1") Assert.Fail($"REQUIRE_PROMETHEUS=1 but {Prometheus} is missing: apt-get install prometheus.");
            Assert.Ignore($"Prometheus is not installed at {Prometheus} (apt-get install prometheus).");
        }
        var metricsPort = TestPaths.FreePort();
        await using var api = ApiProcess.Start(TestPaths.NewDatabaseFile(), ApiFactory.AdminKey, metricsPort: metricsPort);
        await api.WaitUntilReadyAsync();

        var folder = Directory.CreateTempSubdirectory("prometheus-");
        var webPort = TestPaths.FreePort();
        // The scrape job of docs/operations.md, every second instead of every 15 so that the test need not wait.
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "prometheus.yml"), $$"""
            scrape_configs:
              - job_name: ocop-traceability
                scrape_interval: 1s
                static_configs: [{ targets: ["127.0.0.1:{{metricsPort}}"] }]
            """);
        using var prometheus = Process.Start(new ProcessStartInfo(Prometheus,
            $"--config.file={folder.FullName}/prometheus.yml --storage.tsdb.path={folder.FullName}/data --web.listen-address=127.0.0.1:{webPort}")
            { RedirectStandardError = true, RedirectStandardOutput = true })!;
        prometheus.ErrorDataReceived += (_, _) => { };
        prometheus.OutputDataReceived += (_, _) => { };
        prometheus.BeginErrorReadLine();
        prometheus.BeginOutputReadLine();
        try
        {
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

            using var query = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}") };
            async Task<double?> Ask(string promql)
            {
                try
                {
                    var answer = JsonDocument.Parse(await query.GetStringAsync($"/api/v1/query?query={Uri.EscapeDataString(promql)}")).RootElement;
                    var result = answer.GetProperty("data").GetProperty("result");
                    return result.GetArrayLength() == 0 ? null : double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
                }
                catch (HttpRequestException) { return null; }  // Prometheus still starting
            }
            const string scans = "sum(traceability_public_scans_total{job=\"ocop-traceability\",kind=\"lot\"})";
            const string views = "sum(http_server_request_duration_seconds_count{job=\"ocop-traceability\",http_route=\"/p/{code}\",http_response_status_code=\"200\"})";
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (await Ask(scans) != 7 || await Ask(views) != 7) await Task.Delay(500, bound.Token);
            Assert.That(await Ask("up{job=\"ocop-traceability\"}"), Is.EqualTo(1));
            Assert.That(await Ask("sum(http_server_request_duration_seconds_count{job=\"ocop-traceability\",http_route=\"/api/v1/batches/\",http_request_method=\"POST\"})"),
                Is.EqualTo(1), "the batch registered");
        }
        finally
        {
            prometheus.Kill(entireProcessTree: true);
            await prometheus.WaitForExitAsync();
            folder.Delete(recursive: true);
        }
    }
}
