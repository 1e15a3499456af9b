using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Api;

/// <summary>Metrics for the operator's Prometheus: on the metrics port only, counting what happened.</summary>
public sealed class MetricsTests
{
    private static long Value(string exposition, string series, params string[] labels)
    {
        var total = 0L;
        foreach (Match m in Regex.Matches(exposition, $@"^{Regex.Escape(series)}\{{(.*)\}} ([0-9.eE+-]+)(?: [0-9]+)?\r?$", RegexOptions.Multiline))
            if (labels.All(l => m.Groups[1].Value.Contains(l, StringComparison.Ordinal)))
                total += (long)double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        return total;
    }

    private static string Wrong(string serial) =>
        ((int.Parse(Traceability.Domain.Serials.ItemSerial.Pin(Convert.FromBase64String(ApiFactory.TestPinSecret), serial)) + 1) % 100_000_000).ToString("D8");

    [Test]
    public async Task OnTheMetricsPortOnly_ScansPinChecksAndRequestsAreCounted()
    {
        using var api = new ApiFactory(new() { ["Telemetry:MetricsPort"] = "9464" });
        using var metrics = api.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost:9464") });
        var producer = await api.CreateProducerAsync();
        var product = await producer.CreateProductAsync(Scenario.NewGtin13());
        var batch = await producer.CreateBatchAsync(product.Id(), "MX-1");
        var code = batch.GetProperty("code").GetString()!;
        Assert.That((await api.CreateClient().GetAsync("/metrics")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "never on the public port");

        var csv = await (await producer.Client.PostAsJsonAsync($"/api/v1/batches/{batch.Id()}/serials", new { count = 1, withPin = true })).Content.ReadAsStringAsync();
        var serial = csv.TrimEnd('\n').Split('\n')[1].Split(',')[1];

        var before = await metrics.GetStringAsync("/metrics");
        var shopper = api.ClientWithKey(null);
        for (var i = 0; i < 3; i++) (await shopper.SendAsync(Traceability.Tests.Public.PublicScenario.Get($"/p/{code}", "text/html"))).EnsureSuccessStatusCode();
        (await shopper.PostAsync($"/p/{code}/{serial}", new FormUrlEncodedContent([new("pin", Wrong(serial))]))).EnsureSuccessStatusCode();
        var after = await metrics.GetStringAsync("/metrics");

        Assert.That(Value(after, "traceability_pin_checks_total", "outcome=\"wrong\"") - Value(before, "traceability_pin_checks_total", "outcome=\"wrong\""), Is.EqualTo(1),
            "one wrong PIN");

        Assert.That(Value(after, "traceability_public_scans_total", "kind=\"lot\"") - Value(before, "traceability_public_scans_total", "kind=\"lot\""), Is.EqualTo(3));
        Assert.That(Value(after, "http_server_request_duration_seconds_count", "http_route=\"/p/{code}\"", "http_response_status_code=\"200\"")
            - Value(before, "http_server_request_duration_seconds_count", "http_route=\"/p/{code}\"", "http_response_status_code=\"200\""), Is.EqualTo(3));
        Assert.That(after, Does.Contain("traceability_db_write_wait_seconds_count"), "writes' waits for their turn");
    }

    [Test]
    public async Task TheBacklogGauges_SayWhatIsWaiting_AWebhookThatCannotBeDelivered()
    {
        ApiFactory.RequireSqlite();
        var metricsPort = TestPaths.FreePort();
        await using var api = ApiProcess.Start(TestPaths.NewDatabaseFile(), ApiFactory.AdminKey,
            new Dictionary<string, string> { ["Telemetry__SampleSeconds"] = "1", ["Webhooks__AllowPrivateTargets"] = "true" }, metricsPort);
        await api.WaitUntilReadyAsync();
        api.Client.DefaultRequestHeaders.Add("X-Api-Key", ApiFactory.AdminKey);
        var created = await (await api.Client.PostAsJsonAsync("/api/v1/producers",
            new { name = "HTX Chè Xuân Lập", kind = "cooperative", address = new { commune = "Xã Xuân Lập", province = "Thanh Hóa" } })).Json(HttpStatusCode.Created);
        using var producer = new HttpClient { BaseAddress = api.Client.BaseAddress };
        producer.DefaultRequestHeaders.Add("X-Api-Key", created.GetProperty("apiKey").GetString());
        // A receiver nobody runs: the delivery fails and waits for its retry.
        await (await producer.PostAsJsonAsync("/api/v1/webhooks", new { url = $"http://127.0.0.1:{TestPaths.FreePort()}/hooks", events = new[] { "batch.created" } }))
            .Json(HttpStatusCode.Created);
        var product = await (await producer.PostAsJsonAsync("/api/v1/products", new { name = "Chè búp", category = "beverage" })).Json(HttpStatusCode.Created);
        await (await producer.PostAsJsonAsync("/api/v1/batches", new { productId = product.Id(), lotNumber = "BL-1", producedOn = "2025-11-20" })).Json(HttpStatusCode.Created);

        using var metrics = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
        static double Gauge(string exposition, string series) =>
            Regex.Match(exposition, $@"^{Regex.Escape(series)}(?:\{{[^}}]*\}})? ([0-9.eE+-]+)", RegexOptions.Multiline) is { Success: true } m
                ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN;
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string exposition;
        while (!(Gauge(exposition = await metrics.GetStringAsync("/metrics", bound.Token), "traceability_webhook_backlog") == 1
                 && Gauge(exposition, "traceability_webhook_oldest_age_seconds") > 0))
            await Task.Delay(250, bound.Token);
        Assert.That(Gauge(exposition, "traceability_chain_broken"), Is.Zero);
        Assert.That(Gauge(exposition, "traceability_records_stale"), Is.GreaterThanOrEqualTo(0), "records waiting to be rebuilt are reported");
        Assert.That(Gauge(exposition, "traceability_chain_unaudited"), Is.GreaterThanOrEqualTo(0), "the chain audit's progress is reported");
    }
}
