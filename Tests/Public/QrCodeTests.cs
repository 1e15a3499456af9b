using System.Net;
using System.Net.Http.Headers;
using NUnit.Framework;
using Traceability.Api.PublicRecords.Serving;
using Traceability.Tests.Events;
using Traceability.Tests.Support;

namespace Traceability.Tests.Public;

public sealed class QrCodeTests : ApiTest
{
    [Test]
    public async Task Png_DecodesToTheDigitalLink_WhenTheProductHasAGtin()
    {
        var gtin = Scenario.NewGtin13();
        var product = await Producer.CreateProductAsync(gtin);
        var batch = await Producer.CreateBatchAsync(product.Id(), "LÔ-1".Replace("Ô", "O") + "/A");
        var png = batch.GetProperty("qr").GetProperty("png").GetString()!;

        var response = await Api.CreateClient().GetAsync(new Uri(png).PathAndQuery);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("image/png"));
        var (text, _, _) = QrDecoder.DecodePng(await response.Content.ReadAsByteArrayAsync());

        Assert.That(text, Is.EqualTo($"https://trace.example.vn/01/0{gtin}/10/LO-1%2FA"));
        Assert.That(text, Is.EqualTo(batch.GetProperty("publicUrl").GetString()));
    }

    [Test]
    public async Task PngAndSvg_DecodeToTheCodePage_WithoutGtin()
    {
        var (_, _, code) = await Producer.NewBatchAsync("QR-2");
        var client = Api.CreateClient();
        var png = await client.GetByteArrayAsync($"/p/{code}/qr.png?size=500&ecc=H");
        var svg = await client.GetStringAsync($"/p/{code}/qr.svg");

        Assert.That(QrDecoder.DecodePng(png).Text, Is.EqualTo($"https://trace.example.vn/p/{code}"));
        Assert.That(QrDecoder.DecodeSvg(svg), Is.EqualTo($"https://trace.example.vn/p/{code}"));
    }

    [Test]
    public async Task Png_HasAFourModuleQuietZone_AndTheRequestedSize()
    {
        var (_, _, code) = await Producer.NewBatchAsync("QR-3");
        var svg = await Api.CreateClient().GetStringAsync($"/p/{code}/qr.svg?size=400");
        Assert.That(svg, Does.Match("d=\"M4 4h7v1h-7z"), "the finder pattern starts 4 modules in");
        Assert.That(svg, Does.Contain("width=\"400\" height=\"400\""));

        var (text, width, rgba) = QrDecoder.DecodePng(await Api.CreateClient().GetByteArrayAsync($"/p/{code}/qr.png?size=400"));
        Assert.That((text, width), Is.EqualTo(($"https://trace.example.vn/p/{code}", 400)), "exactly the size asked for");
        var modules = int.Parse(System.Text.RegularExpressions.Regex.Match(svg, "viewBox=\"0 0 (\\d+)").Groups[1].Value);
        var (perModule, _) = Traceability.Api.PublicRecords.Serving.QrCodes.Layout(modules, 400);
        var start = (400 - perModule * modules) / 2 + 4 * perModule;   // the leftover pixels widen the quiet zone
        for (var x = 0; x < start; x++)
            Assert.That(rgba[(width * (width / 2) + x) * 4], Is.EqualTo(255), $"pixel {x} of the quiet zone is white");
        Assert.That(rgba[(width * start + start) * 4], Is.EqualTo(0), "the finder pattern begins after it");
    }

    [TestCase(64)]
    [TestCase(300)]
    [TestCase(600)]
    [TestCase(2048)]
    public async Task Png_IsExactlyTheSizeAsked_OrTheSmallestThatDecodes(int size)
    {
        var (_, _, code) = await Producer.NewBatchAsync($"QR-S{size}");
        var (text, width, _) = QrDecoder.DecodePng(await Api.CreateClient().GetByteArrayAsync($"/p/{code}/qr.png?size={size}"));
        Assert.That(text, Is.EqualTo($"https://trace.example.vn/p/{code}"));
        var modules = int.Parse(System.Text.RegularExpressions.Regex.Match(await Api.CreateClient().GetStringAsync($"/p/{code}/qr.svg"),
            "viewBox=\"0 0 (\\d+)").Groups[1].Value);
        var smallest = Traceability.Api.PublicRecords.Serving.QrCodes.MinPixelsPerModule * modules;
        Assert.That(width, Is.EqualTo(Math.Max(size, smallest)), $"{modules} modules");
    }

    [Test]
    public async Task Qr_IsCacheable_AndRevalidatesWith304()
    {
        var (_, _, code) = await Producer.NewBatchAsync("QR-4");
        var client = Api.CreateClient();
        var first = await client.GetAsync($"/p/{code}/qr.png");
        Assert.That(first.Headers.CacheControl?.Public, Is.True);
        Assert.That(first.Headers.CacheControl?.MaxAge, Is.GreaterThanOrEqualTo(TimeSpan.FromDays(7)));
        var request = new HttpRequestMessage(HttpMethod.Get, $"/p/{code}/qr.png");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        Assert.That((await client.SendAsync(request)).StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        var other = await client.GetAsync($"/p/{code}/qr.png?size=600");
        Assert.That(other.Headers.ETag, Is.Not.EqualTo(first.Headers.ETag), "another size is another image");
    }

    [TestCase("size=10")]
    [TestCase("size=99999")]
    [TestCase("ecc=Z")]
    [TestCase("size=abc")]
    public async Task Qr_BadOptions_Are400(string query)
    {
        var (_, _, code) = await Producer.NewBatchAsync($"QR-{query.GetHashCode() & 0xffff}");
        await (await Api.CreateClient().GetAsync($"/p/{code}/qr.png?{query}")).Json(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Qr_UnknownCode_Is404()
    {
        await (await Api.CreateClient().GetAsync("/p/ZZZZZZZZZZ/qr.png")).Json(HttpStatusCode.NotFound);
        await (await Api.CreateClient().GetAsync("/p/nope/qr.svg")).Json(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Labels_AreAnA4SheetWithTheCodeAndText_ForTheOwnerOnly()
    {
        var product = await Producer.CreateProductAsync(name: "Mật ong <b>rừng</b>");
        var batch = await Producer.CreateBatchAsync(product.Id(), "LB-1");
        var code = batch.GetProperty("code").GetString()!;

        var response = await Producer.Client.GetAsync($"/api/v1/batches/{batch.Id()}/labels?count=30");
        var html = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), html);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        Assert.That(System.Text.RegularExpressions.Regex.Matches(html, "class=\"label c\\d r\\d\"").Count, Is.EqualTo(30));
        Assert.That(System.Text.RegularExpressions.Regex.Matches(html, "class=\"sheet\"").Count, Is.EqualTo(2), "24 to a sheet of stock");
        Assert.That(html, Does.Contain("size: 210mm 297mm").And.Contain(code).And.Contain("LB-1"));
        Assert.That(html, Does.Contain("Mật ong &lt;b&gt;rừng&lt;/b&gt;"), "the name is HTML-encoded");
        var symbol = System.Text.RegularExpressions.Regex.Match(html, "<symbol id=\"qr\" viewBox=\"([^\"]+)\">(.*?)</symbol>", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.That(QrDecoder.DecodeSvg($"<svg viewBox=\"{symbol.Groups[1].Value}\">{symbol.Groups[2].Value}</svg>"), Is.EqualTo($"https://trace.example.vn/p/{code}"));

        await (await Producer.Client.GetAsync($"/api/v1/batches/{batch.Id()}/labels?count=501")).Json(HttpStatusCode.BadRequest);
        var intruder = await Api.CreateProducerAsync("Khác");
        await (await intruder.Client.GetAsync($"/api/v1/batches/{batch.Id()}/labels")).Json(HttpStatusCode.NotFound);
    }
}
