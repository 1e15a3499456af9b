using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using NUnit.Framework;
using Traceability.Domain.Serials;
using Traceability.Tests.Support;

namespace Traceability.Tests.Trust;

/// <summary>Verdicts no single client can fake, over real HTTP (Kestrel on loopback): "this label may have been copied"
/// needs scans from many different clients, which the API takes from X-Forwarded-For only behind a trusted proxy; a
/// stranger's wrong PINs pause the stranger, never the shopper holding the item, and every message is worded so as not
/// to blame its reader; the producer sees the cloning signals per batch.</summary>
public sealed class VerdictTests
{
    private static readonly byte[] Secret = Convert.FromBase64String(ApiFactory.TestPinSecret);

    private sealed record Item(ApiFactory Api, HttpClient Http, Account Producer, Guid BatchId, string Code, List<string> Serials);

    private static async Task<Item> StartAsync(Dictionary<string, string?> settings, int serials = 2)
    {
        var api = new ApiFactory(settings);
        var http = api.StartKestrel();
        var producer = await api.CreateProducerAsync();
        var product = await producer.CreateProductAsync(Scenario.NewGtin13(), name: "Nước mắm Ba Làng");
        var batch = await producer.CreateBatchAsync(product.Id(), "NM-1");
        var csv = await (await producer.Client.PostAsJsonAsync($"/api/v1/batches/{batch.Id()}/serials", new { count = serials, withPin = true }))
            .Content.ReadAsStringAsync();
        return new Item(api, http, producer, batch.Id(), batch.GetProperty("code").GetString()!,
            csv.TrimEnd('\n').Split('\n').Skip(1).Select(l => l.Split(',')[1]).ToList());
    }

    private static async Task<string> ViewAsync(HttpClient http, string url, string? forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("text/html");
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        var response = await http.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), html);
        return html;
    }

    private static string? Warning(string html) => Regex.Match(html, "id=\"item-warning\">([^<]*)<").Groups[1] is { Success: true } g ? WebUtility.HtmlDecode(g.Value) : null;

    /// <summary>The item's figures once the scan flush has written the views (it runs every second): a bound, not a timing.</summary>
    internal static async Task<JsonElement> SettledItemAsync(HttpClient http, string code, string serial, int clients)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var item = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/public/records/{code}/items/{serial}", bound.Token)).RootElement;
            if (item.GetProperty("distinctClients").GetInt32() >= clients && item.GetProperty("scanCount").GetInt64() > 0) return item;
            await Task.Delay(200, bound.Token);
        }
    }

    [Test]
    public async Task FiftyScansFromOneClient_EvenWithMadeUpForwardedAddresses_LeaveTheItemClean()
    {
        var item = await StartAsync([]);
        using var api = item.Api;
        var url = $"/p/{item.Code}/{item.Serials[0]}";
        for (var i = 0; i < 50; i++) await ViewAsync(item.Http, url, $"198.51.{i}.7");  // no trusted proxy: the header is ignored
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var page = await ViewAsync(item.Http, url, null);
        Assert.That(Warning(page), Is.Null);
        var status = JsonDocument.Parse(await item.Http.GetStringAsync($"/api/v1/public/records/{item.Code}/items/{item.Serials[0]}")).RootElement;
        Assert.That((status.GetProperty("scanCount").GetInt64(), status.GetProperty("distinctClients").GetInt32()), Is.EqualTo((51L, 1)));
    }

    [Test]
    public async Task ScansFromEnoughDifferentClients_ThroughATrustedProxy_RaiseAWarningThatStatesTheFact()
    {
        var item = await StartAsync(new() { ["ReverseProxy:TrustedProxies:0"] = "127.0.0.1", ["Serials:CopyWarningClients"] = "6" });
        using var api = item.Api;
        var url = $"/p/{item.Code}/{item.Serials[0]}";
        // Two addresses in one /24 are one client (a household, a shop's Wi-Fi).
        foreach (var address in new[] { "203.0.113.5", "203.0.113.77", "198.51.100.1", "192.0.2.9", "100.64.1.1", "100.65.1.1" })
            await ViewAsync(item.Http, url, address);
        await SettledItemAsync(item.Http, item.Code, item.Serials[0], 5);
        Assert.That(Warning(await ViewAsync(item.Http, url, "203.0.113.200")), Is.Null, "five clients: not yet");

        await ViewAsync(item.Http, url, "2001:db8:1234:1::1");
        var status = await SettledItemAsync(item.Http, item.Code, item.Serials[0], 6);
        Assert.That(status.GetProperty("suspicious").GetBoolean(), Is.True);
        var warning = Warning(await ViewAsync(item.Http, url, "203.0.113.9"));
        Assert.That(warning, Does.Match(@"^CẢNH BÁO: mã này đã được quét trên 6 thiết bị ở các mạng khác nhau kể từ \d\d/\d\d/\d{4} — .* Nhãn có thể đã bị sao chép\.$"));
        Assert.That(Warning(await ViewAsync(item.Http, $"/p/{item.Code}/{item.Serials[1]}", "203.0.113.9")), Is.Null, "another item of the lot is untouched");
    }

    private static async Task<string> EnterAsync(HttpClient http, string code, string serial, string pin, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/p/{code}/{serial}") { Content = new FormUrlEncodedContent([new("pin", pin)]) };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        var response = await http.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), html);
        return WebUtility.HtmlDecode(Regex.Match(html, "id=\"pin-result\">([^<]*)<").Groups[1].Value);
    }

    private static string Wrong(string serial) => ((int.Parse(ItemSerial.Pin(Secret, serial)) + 1) % 100_000_000).ToString("D8");

    [Test]
    public async Task AStrangersWrongPins_PauseTheStranger_AndTheShopperHoldingTheItemIsNotLockedOutOrBlamed()
    {
        var item = await StartAsync(new() { ["ReverseProxy:TrustedProxies:0"] = "127.0.0.1" });
        using var api = item.Api;
        var serial = item.Serials[0];
        var messages = new List<string>();
        for (var i = 0; i < 5; i++) messages.Add(await EnterAsync(item.Http, item.Code, serial, Wrong(serial), "203.0.113.66"));
        var strangerAgain = await EnterAsync(item.Http, item.Code, serial, ItemSerial.Pin(Secret, serial), "203.0.113.66");
        Assert.That(strangerAgain, Does.StartWith("Việc kiểm tra mã PIN từ mạng này tạm dừng đến"), "the stranger's client is paused, even with the right PIN");

        var shopper = await EnterAsync(item.Http, item.Code, serial, ItemSerial.Pin(Secret, serial), "198.51.100.23");
        Assert.That(shopper, Is.EqualTo("Sản phẩm chính hãng — xác thực lần đầu."), "the shopper holding the item checks it");
        messages.Add(strangerAgain);
        Assert.That(messages, Has.None.Contains("bạn đã").And.None.Contains("quá nhiều lần"), "no message tells its reader they did wrong");

        var figures = await (await item.Producer.Client.GetAsync($"/api/v1/batches/{item.BatchId}/serials/activity")).Json(HttpStatusCode.OK);
        Assert.That((figures.GetProperty("pinFailures").GetInt64(), figures.GetProperty("lockouts").GetInt64(), figures.GetProperty("verified").GetInt64()),
            Is.EqualTo((5L, 1L, 1L)));
        var top = figures.GetProperty("items")[0];
        Assert.That((top.GetProperty("serial").GetString(), top.GetProperty("pinFailures").GetInt64()), Is.EqualTo((serial, 5L)));
        var stranger = await item.Api.CreateProducerAsync("Người lạ");
        await (await stranger.Client.GetAsync($"/api/v1/batches/{item.BatchId}/serials/activity")).Json(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task AnItemTriedFromManyClients_TakesOneCheckAMinute_AndSaysSoWithoutBlame()
    {
        var item = await StartAsync(new() { ["ReverseProxy:TrustedProxies:0"] = "127.0.0.1", ["Serials:PinItemSlowAfter"] = "6" });
        using var api = item.Api;
        var serial = item.Serials[0];
        for (var i = 0; i < 6; i++) await EnterAsync(item.Http, item.Code, serial, Wrong(serial), $"192.0.{i}.10");
        var shopper = await EnterAsync(item.Http, item.Code, serial, ItemSerial.Pin(Secret, serial), "198.51.100.23");
        Assert.That(shopper, Does.Match(@"^Mã này vừa được thử kiểm tra nhiều lần từ nơi khác; để bảo vệ sản phẩm, mỗi phút chỉ kiểm tra một lần\. Hãy thử lại sau \d\d:\d\d ngày"));
        var other = await EnterAsync(item.Http, item.Code, item.Serials[1], ItemSerial.Pin(Secret, item.Serials[1]), "198.51.100.23");
        Assert.That(other, Is.EqualTo("Sản phẩm chính hãng — xác thực lần đầu."), "the shopper's client is not paused; another item answers at once");
    }
}
