using System.Net;
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
                     ($"/01/0{gtin}/10/R/2", $"/01/0{gtin}/10/R%2F2"),
                     ($"/p/{code.ToLowerInvariant()}", $"/p/{code}"),
                 })
        {
            var response = await Anonymous.GetAsync(url);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.MovedPermanently), url);
            Assert.That(response.Headers.Location?.OriginalString, Is.EqualTo(expected), url);
        }
    }

    [Test]
    public async Task LinkTypes_RedirectToEpcisAndCertification_AndListAllAsALinkset()
    {
        var (_, batch, gtin) = await PublicScenario.RichBatchAsync(Api, Producer, "R-3");
        var code = batch.GetProperty("code").GetString()!;
        var page = $"/01/0{gtin}/10/R-3";

        var epcis = await Anonymous.GetAsync($"{page}?linkType=gs1:epcis");
        Assert.That(epcis.StatusCode, Is.EqualTo(HttpStatusCode.TemporaryRedirect));
        Assert.That(epcis.Headers.Location?.ToString(), Is.EqualTo($"https://trace.example.vn/api/v1/public/records/{code}/epcis"));
        var cert = await Anonymous.GetAsync($"{page}?linkType=gs1:certificationInfo");
        Assert.That(cert.StatusCode, Is.EqualTo(HttpStatusCode.TemporaryRedirect));
        var ocop = await (await Anonymous.GetAsync(new Uri(cert.Headers.Location!.ToString()).PathAndQuery)).Json(HttpStatusCode.OK);
        Assert.That(ocop.GetProperty("current").GetProperty("decisionNumber").GetString(), Is.EqualTo("3981/QĐ-UBND"));
        var pip = await Anonymous.SendAsync(PublicScenario.Get($"{page}?linkType=gs1:pip", "text/html"));
        Assert.That(pip.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        foreach (var request in new[] { PublicScenario.Get($"{page}?linkType=linkset"), PublicScenario.Get(page, "application/linkset+json") })
        {
            var response = await Anonymous.SendAsync(request);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/linkset+json"));
            var linkset = (await response.Json(HttpStatusCode.OK)).GetProperty("linkset")[0];
            Assert.That(linkset.GetProperty("anchor").GetString(), Is.EqualTo($"https://trace.example.vn{page}"));
            Assert.That(linkset.GetProperty("https://gs1.org/voc/epcis")[0].GetProperty("href").GetString(), Does.EndWith("/epcis"));
            Assert.That(linkset.GetProperty("https://gs1.org/voc/pip")[0].GetProperty("href").GetString(), Is.EqualTo($"https://trace.example.vn{page}"));
        }
    }

    [TestCase("/p/ZZZZZZZZZZ")]
    [TestCase("/p/not-a-code")]
    [TestCase("/01/08935049500018/10/NO-SUCH-LOT")]
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
