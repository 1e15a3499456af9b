using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using NUnit.Framework;
using Traceability.Domain.Serials;
using Traceability.Tests.Support;

namespace Traceability.Tests.Trust;

/// <summary>The OCOP office's counterfeit signals per product, on a hand-countable lot of four items with PINs, seen
/// through a trusted proxy (so that networks are told apart) with the copied-label warning at 3 networks: item 0 scanned
/// from 5 networks (one item past the warning, counted once), item 1 voided and scanned twice, a made-up serial scanned
/// 3 times and another lot's serial once under this lot's address, 5 wrong PINs on item 2 from one network (5 failures,
/// 1 lock-out), item 3 scanned once. First scans of items: items 0 and 3.</summary>
public sealed class CounterfeitSignalsTests
{
    private static readonly byte[] Secret = Convert.FromBase64String(ApiFactory.TestPinSecret);

    [Test]
    public async Task EachSignal_IsCountedForItsProduct_InTheProvincesReport_AsJsonCsvAndOnTheDashboard()
    {
        using var api = new ApiFactory(new() { ["ReverseProxy:TrustedProxies:0"] = "127.0.0.1", ["Serials:CopyWarningClients"] = "3" });
        using var http = api.StartKestrel();
        var office = await api.CreateAuthorityAsync();
        var producer = await api.CreateProducerAsync();
        var product = await producer.CreateProductAsync(Scenario.NewGtin13(), name: "Nước mắm Ba Làng");
        var batch = await producer.CreateBatchAsync(product.Id(), "NM-1");
        var other = await producer.CreateBatchAsync((await producer.CreateProductAsync(Scenario.NewGtin13(), name: "Mắm tôm")).Id(), "MT-1");
        var code = batch.GetProperty("code").GetString()!;
        var serials = await IssueAsync(producer, batch.Id(), 4);
        var othersSerial = (await IssueAsync(producer, other.Id(), 1))[0];
        await (await producer.Client.PostAsJsonAsync($"/api/v1/batches/{batch.Id()}/serials/void", new { serials = new[] { serials[1] } })).Json(HttpStatusCode.OK);

        foreach (var network in new[] { "203.0.113.5", "198.51.100.1", "192.0.2.9" })
            await ViewAsync(http, $"/p/{code}/{serials[0]}", network);
        await VerdictTests.SettledItemAsync(http, code, serials[0], 3);  // past the warning in one flush, then two more networks in later ones
        foreach (var network in new[] { "100.64.1.1", "100.65.1.1" })
            await ViewAsync(http, $"/p/{code}/{serials[0]}", network);
        await VerdictTests.SettledItemAsync(http, code, serials[0], 5);
        for (var i = 0; i < 2; i++) await ViewAsync(http, $"/p/{code}/{serials[1]}", "203.0.113.5");
        for (var i = 0; i < 3; i++) await ViewAsync(http, $"/p/{code}/{ItemSerial.New()}", "203.0.113.5");
        await ViewAsync(http, $"/p/{code}/{othersSerial}", "203.0.113.5");
        var wrong = ((int.Parse(ItemSerial.Pin(Secret, serials[2])) + 1) % 100_000_000).ToString("D8");
        for (var i = 0; i < PinPolicy.Default.ClientFailures; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/p/{code}/{serials[2]}") { Content = new FormUrlEncodedContent([new("pin", wrong)]) };
            request.Headers.Add("X-Forwarded-For", "198.51.100.77");
            (await http.SendAsync(request)).EnsureSuccessStatusCode();
        }
        await ViewAsync(http, $"/p/{code}/{serials[3]}", "192.0.2.44");

        // The scan flush writes every second: wait until the last scans are in, whatever the machine's speed (a bound, not a timing).
        JsonElement line = default;
        using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            while (true)
            {
                var report = await (await office.Client.GetAsync("/api/v1/oversight/signals", bound.Token)).Json(HttpStatusCode.OK);
                line = report.GetProperty("products").EnumerateArray().SingleOrDefault(p => p.GetProperty("product").GetString() == "Nước mắm Ba Làng");
                if (line.ValueKind == JsonValueKind.Object && line.GetProperty("firstItemScans").GetInt64() == 2 && line.GetProperty("unissuedScans").GetInt64() == 4) break;
                await Task.Delay(200, bound.Token);
            }
        Assert.That(Figures(line), Is.EqualTo((1L, 5L, 1L, 4L, 2L, 2L)), "copied items, wrong PINs, lock-outs, never-issued scans, voided scans, first item scans");
        Assert.That(line.GetProperty("commune").GetString(), Is.EqualTo("Xã Thọ Xuân"));

        var csv = await office.Client.GetAsync("/api/v1/oversight/signals?format=csv");
        var lines = Encoding.UTF8.GetString((await csv.Content.ReadAsByteArrayAsync())[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo("product,gtin,producer,commune,copiedItems,pinFailures,lockouts,unissuedScans,voidedScans,firstItemScans"));
        Assert.That(lines, Has.Some.StartsWith("Nước mắm Ba Làng,").And.Some.EndsWith(",1,5,1,4,2,2"));

        using var browser = api.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true, BaseAddress = http.BaseAddress! });
        var form = await (await browser.GetAsync("/dashboard/sign-in")).Content.ReadAsStringAsync();
        var csrf = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(form, "name=\"csrf\" value=\"([^\"]+)\"").Groups[1].Value);
        var dashboard = WebUtility.HtmlDecode(await (await browser.PostAsync("/dashboard/sign-in",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = office.Key, ["csrf"] = csrf }))).Content.ReadAsStringAsync());
        Assert.That(dashboard, Does.Contain("Dấu hiệu hàng giả").And.Contain("<td>Nước mắm Ba Làng (Hợp tác xã Nông nghiệp Thọ Xuân)</td><td>1</td><td>5</td><td>1</td><td>4</td><td>2</td>")
            .And.Contain("Tem được quét lần đầu: 2<"), "the dashboard's table, after the sign-in's redirect");

        var national = await (await (await api.CreateAuthorityAsync("national")).Client.GetAsync("/api/v1/oversight/signals?province=nghe-an")).Json(HttpStatusCode.OK);
        Assert.That(national.GetProperty("products").GetArrayLength(), Is.Zero, "Nghệ An's report holds none of Thanh Hóa's lots");
        Assert.That((await producer.Client.GetAsync("/api/v1/oversight/signals")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task OneNetworksLoop_RaisesNoCopiedItem()
    {
        using var api = new ApiFactory(new() { ["Serials:CopyWarningClients"] = "3" });
        using var http = api.StartKestrel();
        var office = await api.CreateAuthorityAsync();
        var producer = await api.CreateProducerAsync();
        var batch = await producer.CreateBatchAsync((await producer.CreateProductAsync(Scenario.NewGtin13(), name: "Chè Shan tuyết")).Id(), "CH-1");
        var code = batch.GetProperty("code").GetString()!;
        var serial = (await IssueAsync(producer, batch.Id(), 1))[0];
        for (var i = 0; i < 30; i++) await ViewAsync(http, $"/p/{code}/{serial}", $"198.51.{i}.7");  // no trusted proxy: the header is ignored
        await VerdictTests.SettledItemAsync(http, code, serial, 1);
        var line = (await (await office.Client.GetAsync("/api/v1/oversight/signals")).Json(HttpStatusCode.OK)).GetProperty("products").EnumerateArray().Single();
        Assert.That(Figures(line), Is.EqualTo((0L, 0L, 0L, 0L, 0L, 1L)), "one first scan, nothing copied");
    }

    private static (long, long, long, long, long, long) Figures(JsonElement line) =>
        (line.GetProperty("copiedItems").GetInt64(), line.GetProperty("pinFailures").GetInt64(), line.GetProperty("lockouts").GetInt64(),
            line.GetProperty("unissuedScans").GetInt64(), line.GetProperty("voidedScans").GetInt64(), line.GetProperty("firstItemScans").GetInt64());

    private static async Task<List<string>> IssueAsync(Account producer, Guid batchId, int count)
    {
        var csv = await (await producer.Client.PostAsJsonAsync($"/api/v1/batches/{batchId}/serials", new { count, withPin = true })).Content.ReadAsStringAsync();
        return csv.TrimEnd('\n').Split('\n').Skip(1).Select(l => l.Split(',')[1]).ToList();
    }

    private static async Task ViewAsync(HttpClient http, string url, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("text/html");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        var response = await http.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }
}
