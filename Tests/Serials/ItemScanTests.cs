using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using NUnit.Framework;
using Traceability.Domain.Serials;
using Traceability.Tests.Public;
using Traceability.Tests.Support;

namespace Traceability.Tests.Serials;

/// <summary>A shopper scans an item's own code: the lot's record with the item's panel first, a warning a person
/// understands when the code is voided or not issued, and the PIN under the scratch-off (Trust/VerdictTests: the
/// warnings many clients raise, and PIN limits per client).</summary>
public sealed class ItemScanTests : ApiTest
{
    private static readonly byte[] Secret = Convert.FromBase64String(ApiFactory.TestPinSecret);

    private HttpClient Anonymous => Api.ClientWithKey(null);

    /// <summary>A batch of a GTIN product with issued serials (and PINs): its code, GTIN-14, lot and the serials.</summary>
    private async Task<(Guid BatchId, string Code, string Gtin14, string Lot, List<string> Serials)> Issued(string lot, int count = 5)
    {
        var gtin = Scenario.NewGtin13();
        var product = await Producer.CreateProductAsync(gtin, name: "Nước mắm Ba Làng");
        var batch = await Producer.CreateBatchAsync(product.Id(), lot);
        var csv = await (await Producer.Client.PostAsJsonAsync($"/api/v1/batches/{batch.Id()}/serials", new { count, withPin = true })).Content.ReadAsStringAsync();
        var serials = csv.TrimEnd('\n').Split('\n').Skip(1).Select(l => l.Split(',')[1]).ToList();
        return (batch.Id(), batch.GetProperty("code").GetString()!, "0" + gtin, lot, serials);
    }

    private async Task<string> Page(string url, string? language = null)
    {
        var response = await Anonymous.SendAsync(PublicScenario.Get(url, "text/html", language));
        var html = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), html);
        Assert.That(response.Headers.CacheControl?.NoStore, Is.True, "an item's view is this scan's: never cached");
        return html;
    }

    private static string? Warning(string html) => Regex.Match(html, "id=\"item-warning\">([^<]*)<").Groups[1] is { Success: true } g ? g.Value : null;

    [Test]
    public async Task TheItemsDigitalLink_LeadsToItsPage_WhichCountsItsScansInOnePlainSentence()
    {
        var (_, code, gtin14, lot, serials) = await Issued("IT-1");
        var link = $"/01/{gtin14}/10/{lot}/21/{serials[0]}";
        var redirect = await Anonymous.GetAsync(link);
        Assert.That(redirect.StatusCode, Is.EqualTo(HttpStatusCode.TemporaryRedirect));
        Assert.That(redirect.Headers.Location?.ToString(), Is.EqualTo($"https://trace.example.vn/p/{code}/{serials[0]}"));
        var linkset = await (await Anonymous.GetAsync($"{link}?linkType=linkset")).Json(HttpStatusCode.OK);
        Assert.That(linkset.GetProperty("linkset").EnumerateArray().Select(l => l.GetProperty("anchor").GetString()),
            Is.EqualTo(new[] { $"https://trace.example.vn{link}", $"https://trace.example.vn/01/{gtin14}/10/{lot}", $"https://trace.example.vn/01/{gtin14}" }),
            "the item, its lot, its GTIN");

        var first = await Page($"/p/{code}/{serials[0]}");
        Assert.That(first, Does.Contain("Đây là lần quét đầu tiên của mã này.").And.Contain(serials[0]).And.Contain("Nước mắm Ba Làng"));
        Assert.That(Warning(first), Is.Null);
        Assert.That(first.IndexOf("id=\"item\"", StringComparison.Ordinal), Is.LessThan(first.IndexOf("<h1>", StringComparison.Ordinal)), "the item panel comes first");
        var second = await Page($"/p/{code}/{serials[0]}");
        Assert.That(second, Does.Match(@"Mã này được quét lần đầu lúc \d\d:\d\d ngày \d\d/\d\d/\d{4}, đến nay từ 1 mạng khác nhau\."));
        var english = await Page($"/p/{code}/{serials[0]}?lang=en");
        Assert.That(english, Does.Match(@"This code was first scanned at \d\d:\d\d on \d\d/\d\d/\d{4}, from 1 different networks so far\."));

        var item = await (await Anonymous.GetAsync($"/api/v1/public/records/{code}/items/{serials[0]}")).Json(HttpStatusCode.OK);
        Assert.That((item.GetProperty("status").GetString(), item.GetProperty("scanCount").GetInt64(), item.GetProperty("hasPin").GetBoolean()),
            Is.EqualTo(("issued", 3L, true)), "the app's view is not a scan");
    }

    [Test]
    public async Task ASerialNeverIssued_AndAVoidedOne_EachGetAWarning_ButOneClientsManyScansDoNot()
    {
        var (batchId, code, gtin14, lot, serials) = await Issued("IT-2", count: 3);
        var madeUp = ItemSerial.New();
        var redirect = await Anonymous.GetAsync($"/01/{gtin14}/10/{lot}/21/{madeUp}");
        Assert.That(redirect.Headers.Location?.ToString(), Is.EqualTo($"https://trace.example.vn/p/{code}/{madeUp}"), "the resolver walks up to the lot's record");
        var notIssued = await Page($"/p/{code}/{madeUp}");
        Assert.That(Warning(notIssued), Is.EqualTo("CẢNH BÁO: mã sản phẩm này không do nhà sản xuất phát hành. Sản phẩm có thể là hàng giả."));
        Assert.That(notIssued, Does.Not.Contain("<form"), "no PIN to check for a code no one issued");
        var other = await Issued("IT-3", count: 1);
        Assert.That(Warning(await Page($"/p/{code}/{other.Serials[0]}")), Does.StartWith("CẢNH BÁO: mã sản phẩm này không"), "another lot's serial is not this lot's item");

        await (await Producer.Client.PostAsJsonAsync($"/api/v1/batches/{batchId}/serials/void", new { serials = new[] { serials[1] } })).Json(HttpStatusCode.OK);
        Assert.That(Warning(await Page($"/p/{code}/{serials[1]}")), Is.EqualTo("CẢNH BÁO: nhà sản xuất đã hủy mã này. Sản phẩm mang mã này có thể là hàng giả."));
        var voided = await (await Anonymous.GetAsync($"/api/v1/public/records/{code}/items/{serials[1]}")).Json(HttpStatusCode.OK);
        Assert.That(voided.GetProperty("status").GetString(), Is.EqualTo("voided"));

        // The attack as it was run: a loop of anonymous GETs from one client, then a shopper's scan.
        for (var i = 0; i < 50; i++) await Page($"/p/{code}/{serials[2]}");
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // the scan flush writes them
        Assert.That(Warning(await Page($"/p/{code}/{serials[2]}")), Is.Null, "one client's loop proves nothing about copies");
        var loop = await (await Anonymous.GetAsync($"/api/v1/public/records/{code}/items/{serials[2]}")).Json(HttpStatusCode.OK);
        Assert.That((loop.GetProperty("scanCount").GetInt64(), loop.GetProperty("distinctClients").GetInt32(), loop.GetProperty("suspicious").GetBoolean()),
            Is.EqualTo((51L, 1, false)));
    }

    [Test]
    public async Task ThePin_FirstRightEntryIsGenuine_ALaterOneSaysWhen_WrongOnesPauseTheirClient()
    {
        var (_, code, _, _, serials) = await Issued("IT-4", count: 2);
        async Task<string> Enter(string serial, string pin)
        {
            var response = await Anonymous.PostAsync($"/p/{code}/{serial}", new FormUrlEncodedContent([new("pin", pin)]));
            var html = await response.Content.ReadAsStringAsync();
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), html);
            return Regex.Match(html, "id=\"pin-result\">([^<]*)<").Groups[1].Value;
        }
        var page = await Page($"/p/{code}/{serials[0]}");
        Assert.That(page, Does.Contain($"<form method=\"post\" action=\"/p/{code}/{serials[0]}\">").And.Contain("name=\"pin\""));
        var pin = ItemSerial.Pin(Secret, serials[0]);
        Assert.That(await Enter(serials[0], pin), Is.EqualTo("Sản phẩm chính hãng — xác thực lần đầu."));
        Assert.That(await Enter(serials[0], pin), Does.Match(@"^Mã này đã được xác thực lúc \d\d:\d\d ngày \d\d/\d\d/\d{4} — nếu bạn vừa mua, hãy cẩn thận\.$"));

        var wrong = ((int.Parse(ItemSerial.Pin(Secret, serials[1])) + 1) % 100_000_000).ToString("D8");
        for (var i = 0; i < PinPolicy.Default.ClientFailures; i++)
            Assert.That(await Enter(serials[1], wrong), Is.EqualTo("Mã PIN vừa nhập không khớp với sản phẩm này. Hãy kiểm tra lại 8 chữ số dưới lớp phủ."));
        Assert.That(await Enter(serials[1], ItemSerial.Pin(Secret, serials[1])), Does.StartWith("Việc kiểm tra mã PIN từ mạng này tạm dừng đến"),
            "paused: not even the right PIN is taken from this client, so 10⁸ PINs cannot be walked");
    }

    [Test]
    public async Task PinEntries_AreLimitedPerAddress()
    {
        using var api = new ApiFactory(new() { ["RateLimiting:Pin:PermitLimit"] = "3", ["RateLimiting:Pin:WindowSeconds"] = "600" });
        var producer = await api.CreateProducerAsync();
        var product = await producer.CreateProductAsync(Scenario.NewGtin13());
        var batch = await producer.CreateBatchAsync(product.Id(), "IT-RL");
        var csv = await (await producer.Client.PostAsJsonAsync($"/api/v1/batches/{batch.Id()}/serials", new { count = 3, withPin = true })).Content.ReadAsStringAsync();
        var serials = csv.TrimEnd('\n').Split('\n').Skip(1).Select(l => l.Split(',')[1]).ToList();
        var code = batch.GetProperty("code").GetString();
        var client = api.ClientWithKey(null);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
            statuses.Add((await client.PostAsync($"/p/{code}/{serials[i % 3]}", new FormUrlEncodedContent([new("pin", "00000000")]))).StatusCode);
        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }),
            "across serials: one address cannot spread its guesses over many codes");
    }

    [Test]
    public async Task ItemScans_SurviveARestart()
    {
        var path = TestPaths.NewDatabaseFile();
        string code, serial;
        using (var first = new ApiFactory(databasePath: path))
        {
            var producer = await first.CreateProducerAsync();
            var product = await producer.CreateProductAsync(Scenario.NewGtin13());
            var batch = await producer.CreateBatchAsync(product.Id(), "IT-RS");
            code = batch.GetProperty("code").GetString()!;
            var csv = await (await producer.Client.PostAsJsonAsync($"/api/v1/batches/{batch.Id()}/serials", new { count = 1 })).Content.ReadAsStringAsync();
            serial = csv.TrimEnd('\n').Split('\n')[1].Split(',')[1];
            for (var i = 0; i < 3; i++) await first.ClientWithKey(null).SendAsync(PublicScenario.Get($"/p/{code}/{serial}", "text/html"));
        }
        using var second = new ApiFactory(databasePath: path);
        var item = await (await second.ClientWithKey(null).GetAsync($"/api/v1/public/records/{code}/items/{serial}")).Json(HttpStatusCode.OK);
        Assert.That(item.GetProperty("scanCount").GetInt64(), Is.EqualTo(3), "written when the first host stopped");
    }
}
