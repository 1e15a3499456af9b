using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Public;

/// <summary>What a scan resolves to: /p/{code} and the GS1 Digital Link, with linkType, linkset and content negotiation.</summary>
public sealed class ResolverTests : ApiTest
{
    private HttpClient Anonymous => Api.ClientWithKey(null);

    [Test]
    public async Task CodeAndDigitalLink_ServeTheSameRecord_HtmlForBrowsers_JsonForApps()
    {
        var (_, batch, gtin) = await PublicScenario.RichBatchAsync(Api, Producer, "R-1");
        var code = batch.GetProperty("code").GetString()!;
        var client = Api.CreateClient();
        var byCode = await client.SendAsync(PublicScenario.Get($"/p/{code}", "application/json"));
        var byLink = await client.SendAsync(PublicScenario.Get($"/01/0{gtin}/10/R-1", "application/json"));
        var html = await client.SendAsync(PublicScenario.Get($"/01/0{gtin}/10/R-1", "text/html,application/xhtml+xml,*/*;q=0.8"));

        var a = await byCode.Json(HttpStatusCode.OK);
        var b = await byLink.Json(HttpStatusCode.OK);
        Assert.That(a.GetProperty("code").GetString(), Is.EqualTo(code));
        Assert.That(Strip(a), Is.EqualTo(Strip(b)));
        Assert.That(html.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        Assert.That(await html.Content.ReadAsStringAsync(), Does.Contain("Chè Shan tuyết Pù Luông").And.Contain(code));
    }

    private static string Strip(JsonElement record)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(record.GetRawText())!.AsObject();
        node.Remove("scans");
        return node.ToJsonString();
    }

    [Test]
    public async Task Gtin13_AndOtherNonCanonicalForms_Redirect301ToTheCanonicalPath()
    {
        var (_, batch, gtin) = await PublicScenario.RichBatchAsync(Api, Producer, "R/2");
        var code = batch.GetProperty("code").GetString()!;
        foreach (var (url, expected) in new[]
                 {
                     ($"/01/{gtin}/10/R%2F2?linkType=gs1:epcis", $"/01/0{gtin}/10/R%2F2?linkType=gs1:epcis"),
                     ($"/01/0{gtin}/10/R%2f2", $"/01/0{gtin}/10/R%2F2"),
                     ($"/01/{gtin}/10/R%2F2/21/A%2f1?foo=bar", $"/01/0{gtin}/10/R%2F2/21/A%2F1?foo=bar"),
                     ($"/p/{code.ToLowerInvariant()}", $"/p/{code}"),
                 })
        {
            var response = await Anonymous.GetAsync(url);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.MovedPermanently), url);
            Assert.That(response.Headers.Location?.OriginalString, Is.EqualTo(expected), url);
        }
    }

    [Test]
    public async Task DigitalLink_RedirectsToItsDefaultLink_AndToEachLinkTypeAskedFor_PassingTheQueryOn()
    {
        var (_, batch, gtin) = await PublicScenario.RichBatchAsync(Api, Producer, "R-3");
        var code = batch.GetProperty("code").GetString()!;
        var link = $"/01/0{gtin}/10/R-3";
        var records = $"https://trace.example.vn/api/v1/public/records/{code}";
        foreach (var (query, expected) in new[]
                 {
                     ("", $"https://trace.example.vn/p/{code}"),
                     ("?foo=bar&17=261231", $"https://trace.example.vn/p/{code}?foo=bar&17=261231"),
                     ("?linkType=gs1:pip", $"https://trace.example.vn/p/{code}"),
                     ("?linkType=gs1:defaultLink", $"https://trace.example.vn/p/{code}"),
                     ("?linkType=gs1:epcis", $"{records}/epcis"),
                     ("?linkType=https://gs1.org/voc/certificationInfo", $"{records}/certification"),
                     ("?linkType=https%3A%2F%2Fref.gs1.org%2Fvoc%2FcertificationInfo&x=1", $"{records}/certification?x=1"),
                     ("?linkType=gs1:traceability", records),
                 })
        {
            foreach (var url in new[] { link + query, link + "/" + query })
            {
                var response = await Anonymous.GetAsync(url);
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TemporaryRedirect), url);
                Assert.That(response.Headers.Location?.ToString(), Is.EqualTo(expected), url);
                Assert.That(response.Headers.GetValues("Link").Single(),
                    Is.EqualTo($"<https://trace.example.vn{link}?linkType=linkset>; rel=\"linkset\"; type=\"application/linkset+json\""), url);
            }
        }
        // The page the redirect leads to is the record, and that view is the scan.
        var page = await Api.CreateClient().SendAsync(PublicScenario.Get(link, "application/json"));
        Assert.That((await page.Json(HttpStatusCode.OK)).GetProperty("scans").GetProperty("count").GetInt64(), Is.EqualTo(1));
        var head = await Anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, link));
        Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.TemporaryRedirect));
    }

    [Test]
    public async Task Linkset_ListsEveryLevelUpToTheGtin_WithItsDescription_AndNamesGs1sContext()
    {
        var (_, batch, gtin) = await PublicScenario.RichBatchAsync(Api, Producer, "R-4");
        var code = batch.GetProperty("code").GetString()!;
        var link = $"/01/0{gtin}/10/R-4";
        foreach (var (request, itemLevel) in new[] { (PublicScenario.Get($"{link}?linkType=linkset"), false), (PublicScenario.Get($"{link}/21/ITEM-9?linkType=all"), true),
                     (PublicScenario.Get(link, "application/linkset+json"), false) })
        {
            var response = await Anonymous.SendAsync(request);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/linkset+json"));
            Assert.That(response.Headers.GetValues("Link").Single(), Does.Contain(
                "<https://ref.gs1.org/standards/resolver/linkset-context>; rel=\"http://www.w3.org/ns/json-ld#context\"; type=\"application/ld+json\""));
            var all = (await response.Json(HttpStatusCode.OK)).GetProperty("linkset").EnumerateArray().ToList();
            Assert.That(all, Has.Count.EqualTo(itemLevel ? 3 : 2), "the item when one is named, then the lot, then its GTIN");
            var levels = all.Skip(itemLevel ? 1 : 0).ToList();
            var lot = levels[0];
            Assert.That(lot.GetProperty("anchor").GetString(), Is.EqualTo($"https://trace.example.vn{link}"));
            Assert.That(lot.GetProperty("itemDescription").GetString(), Is.EqualTo("Chè Shan tuyết Pù Luông, lô R-4"));
            var defaultLink = lot.GetProperty("https://gs1.org/voc/defaultLink").EnumerateArray().Single();
            Assert.That(defaultLink.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "href", "title" }), "the default link carries only href and title");
            Assert.That(defaultLink.GetProperty("href").GetString(), Is.EqualTo($"https://trace.example.vn/p/{code}"));
            Assert.That(lot.GetProperty("https://gs1.org/voc/epcis")[0].GetProperty("href").GetString(), Does.EndWith($"/records/{code}/epcis"));
            Assert.That(levels[1].GetProperty("anchor").GetString(), Is.EqualTo($"https://trace.example.vn/01/0{gtin}"));
            Assert.That(levels[1].GetProperty("https://gs1.org/voc/pip")[0].GetProperty("href").GetString(), Is.EqualTo($"https://trace.example.vn/products/0{gtin}"));
        }
    }

    [Test]
    public async Task AGtinAlone_OrALotTheResolverDoesNotKnow_WalksUpToTheProduct_AnItemGoesToItsOwnPage()
    {
        var (_, batch, gtin) = await PublicScenario.RichBatchAsync(Api, Producer, "R-5");
        var code = batch.GetProperty("code").GetString()!;
        foreach (var (url, expected) in new[]
                 {
                     ($"/01/0{gtin}", $"https://trace.example.vn/products/0{gtin}"),
                     ($"/01/0{gtin}/10/KL8G", $"https://trace.example.vn/products/0{gtin}"),
                     ($"/01/0{gtin}/22/V1", $"https://trace.example.vn/products/0{gtin}"),
                     ($"/01/0{gtin}/10/R-5/21/ANY-SERIAL", $"https://trace.example.vn/p/{code}/ANY-SERIAL"),
                     ($"/01/0{gtin}/22/V1/10/R-5/21/S1", $"https://trace.example.vn/p/{code}/S1"),
                     ($"/01/0{gtin}/10/KL8G?linkType=gs1:epcis", null),
                 })
        {
            var response = await Anonymous.GetAsync(url);
            Assert.That(response.StatusCode, Is.EqualTo(expected is null ? HttpStatusCode.NotFound : HttpStatusCode.TemporaryRedirect), url);
            Assert.That(response.Headers.Location?.ToString(), Is.EqualTo(expected), url);
        }

        // The product's own record: the product, its OCOP certification, its batches (recalled ones marked).
        var authority = await Api.CreateAuthorityAsync();
        await (await authority.Client.PostAsJsonAsync($"/api/v1/batches/{batch.Id()}/recall", new { reason = "Vi sinh vượt ngưỡng" })).Json(HttpStatusCode.OK);
        var record = await (await Anonymous.SendAsync(PublicScenario.Get($"/products/0{gtin}", "application/json"))).Json(HttpStatusCode.OK);
        Assert.That(record.GetProperty("product").GetProperty("name").GetString(), Is.EqualTo("Chè Shan tuyết Pù Luông"));
        Assert.That(record.GetProperty("ocop").GetProperty("current").GetProperty("stars").GetInt32(), Is.EqualTo(4));
        var listed = record.GetProperty("batches").EnumerateArray().Single();
        Assert.That((listed.GetProperty("code").GetString(), listed.GetProperty("recalled").GetBoolean()), Is.EqualTo((code, true)));
        var html = await (await Anonymous.SendAsync(PublicScenario.Get($"/products/0{gtin}", "text/html"))).Content.ReadAsStringAsync();
        Assert.That(html, Does.Contain("Chè Shan tuyết Pù Luông").And.Contain("Đã thu hồi").And.Contain($"href=\"https://trace.example.vn/p/{code}\""));
        await (await Anonymous.GetAsync("/products/08935049500019")).Json(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task ACompressedDigitalLink_ResolvesAsItsUncompressedForm_WhichItNamesAsOwlSameAs()
    {
        // Compressed by GS1's Digital Link toolkit (compressGS1DigitalLink) from /01/08935999000019/10/C-1 and from
        // /01/08935999000019/10/C-1/21/ITEM7?17=271231; no other test uses this GTIN.
        var product = await Producer.CreateProductAsync("8935999000019", name: "Mắm tép Hậu Lộc");
        var code = (await Producer.CreateBatchAsync(product.Id(), "C-1")).GetProperty("code").GetString()!;
        foreach (var (compressed, location, sameAs) in new[]
                 {
                     ("/CxBBJhebpsYX2o", $"https://trace.example.vn/p/{code}", "https://trace.example.vn/01/08935999000019/10/C-1"),
                     ("/GhBBJhebpsYX2qEb-ykJiGdg", $"https://trace.example.vn/p/{code}/ITEM7?17=271231",
                         "https://trace.example.vn/01/08935999000019/10/C-1/21/ITEM7?17=271231"),
                 })
        {
            var response = await Anonymous.GetAsync(compressed);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TemporaryRedirect), compressed);
            Assert.That(response.Headers.Location?.ToString(), Is.EqualTo(location), compressed);
            Assert.That(response.Headers.GetValues("Link").Single(), Does.Contain($"<{sameAs}>; rel=\"owl:sameAs\""), compressed);
        }
        var linkset = await (await Anonymous.GetAsync("/CxBBJhebpsYX2o?linkType=linkset")).Json(HttpStatusCode.OK);
        Assert.That(linkset.GetProperty("linkset")[0].GetProperty("anchor").GetString(), Is.EqualTo("https://trace.example.vn/01/08935999000019/10/C-1"),
            "the linkset's subject is the uncompressed URI");
        Assert.That((await Anonymous.GetAsync("/AAAAAAAAAAAA")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "an SSCC: not a key this resolver serves");
        Assert.That((await Anonymous.GetAsync("/favicon.ico")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [TestCase("?17=99999X")]
    [TestCase("?17=261340")]
    [TestCase("?99999=1")]
    [TestCase("?10=LOT")]
    [TestCase("/foo")]
    [TestCase("/21/S1/10/L1")]
    [TestCase("/10/L1/10/L2")]
    [TestCase("/99/X")]
    public async Task BadQualifiersAndDataAttributes_Are400(string suffix)
    {
        var (_, _, gtin) = await PublicScenario.RichBatchAsync(Api, Producer, "R-6");
        var response = await Anonymous.GetAsync($"/01/0{gtin}/10/R-6{suffix}");
        await response.Json(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task DescriptionFile_AndPreflightsForGetHeadAndOptions()
    {
        var description = await (await Anonymous.GetAsync("/.well-known/gs1resolver")).Json(HttpStatusCode.OK);
        Assert.That(description.GetProperty("resolverRoot").GetString(), Is.EqualTo("https://trace.example.vn"));
        Assert.That(description.GetProperty("supportedPrimaryKeys").EnumerateArray().Select(k => k.GetString()), Is.EqualTo(new[] { "01" }));

        foreach (var method in new[] { "GET", "HEAD", "OPTIONS", "GET,HEAD,OPTIONS" })
        {
            var preflight = new HttpRequestMessage(HttpMethod.Options, "/01/08935049500018/10/L1");
            preflight.Headers.Add("Origin", "https://shop.example.vn");
            preflight.Headers.TryAddWithoutValidation("Access-Control-Request-Method", method);
            var response = await Anonymous.SendAsync(preflight);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), method);
            Assert.That(response.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo("*"), method);
            Assert.That(response.Headers.GetValues("Access-Control-Allow-Methods").Single(), Is.EqualTo("GET, HEAD, OPTIONS"), method);
        }
    }

    [TestCase("/p/ZZZZZZZZZZ")]
    [TestCase("/p/not-a-code")]
    [TestCase("/01/08935049500018/10/NO-SUCH-LOT")]
    [TestCase("/products/08935049500018")]
    public async Task Unknown_IsAFriendlyPageForBrowsers_ProblemDetailsForApps(string url)
    {
        var page = await Anonymous.SendAsync(PublicScenario.Get(url, "text/html"));
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(page.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("Không tìm thấy mã truy xuất"));

        var app = await Anonymous.SendAsync(PublicScenario.Get(url, "application/json"));
        await app.Json(HttpStatusCode.NotFound);
        Assert.That(app.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [TestCase("/01/08935049500019/10/L1")]
    [TestCase("/01/123/10/L1")]
    [TestCase("/01/08935049500018/10/L%20%C3%94")]
    [TestCase("/01/08935049500018/10/R/2")]
    public async Task BadDigitalLinkSyntax_Is400(string url) =>
        await (await Anonymous.SendAsync(PublicScenario.Get(url, "application/json"))).Json(HttpStatusCode.BadRequest);

    [Test]
    public async Task PublicRecordApi_IsTheSameRecord_AndItsEventsVerifyWithTheThirdPartyScript()
    {
        var (_, batch, _) = await PublicScenario.RichBatchAsync(Api, Producer, "R-4");
        var code = batch.GetProperty("code").GetString()!;
        var record = await (await Anonymous.GetAsync($"/api/v1/public/records/{code}")).Json(HttpStatusCode.OK);

        Assert.Multiple(() =>
        {
            Assert.That(record.GetProperty("events").GetArrayLength(), Is.EqualTo(3));
            Assert.That(record.GetProperty("verification").GetProperty("valid").GetBoolean(), Is.True);
            Assert.That(record.GetProperty("ocop").GetProperty("current").GetProperty("stars").GetInt32(), Is.EqualTo(4));
            Assert.That(record.GetProperty("producer").GetProperty("name").GetString(), Is.EqualTo("Hợp tác xã Nông nghiệp Thọ Xuân"));
            Assert.That(record.GetProperty("links").GetProperty("qrPng").GetString(), Is.EqualTo($"https://trace.example.vn/p/{code}/qr.png"));
        });
        var python = new[] { "/usr/bin/python3", "/usr/local/bin/python3" }.FirstOrDefault(File.Exists);
        if (python is null) return;
        var file = Path.Combine(Path.GetTempPath(), $"record-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, record.GetRawText());
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(python,
            [Path.Combine(TestPaths.RepoRoot(), "docs", "verify-hash-chain.py"), file]) { RedirectStandardOutput = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        File.Delete(file);
        Assert.That(process.ExitCode, Is.EqualTo(0), output);
    }
}
