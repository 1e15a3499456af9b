using System.Net;
using System.Net.Http.Json;
using System.Text;
using NUnit.Framework;
using Traceability.Tests.Events;
using Traceability.Tests.Support;

namespace Traceability.Tests.Public;

/// <summary>The page a shopper sees: everything circular 02/2024/TT-BKHCN asks for, Vietnamese first, light.</summary>
public sealed class PublicPageTests : ApiTest
{
    private async Task<string> Page(string url, string? language = null)
    {
        var response = await Api.CreateClient().SendAsync(PublicScenario.Get(url, "text/html", language));
        var html = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), html);
        return html;
    }

    [Test]
    public async Task Page_ShowsWhatTheCircularRequires_InVietnamese()
    {
        var (_, batch, gtin) = await PublicScenario.RichBatchAsync(Api, Producer, "P-1");
        var code = batch.GetProperty("code").GetString()!;
        var html = await Page($"/p/{code}");

        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Contain("<html lang=\"vi\">"));
            Assert.That(html, Does.Contain("Chè Shan tuyết Pù Luông"), "product name");
            Assert.That(html, Does.Contain("Hợp tác xã Nông nghiệp Thọ Xuân").And.Contain("Xã Thọ Xuân, Thanh Hóa"), "producer and address");
            Assert.That(html, Does.Contain(code).And.Contain($"0{gtin}").And.Contain("P-1"), "tracing code, GTIN, lot");
            Assert.That(html, Does.Contain("Ngày sản xuất").And.Contain("20/11/2025").And.Contain("Hạn sử dụng").And.Contain("20/12/2025"), "dates");
            Assert.That(html, Does.Contain("TCVN 7050:2009").And.Contain("VietGAP"), "standards and certificates");
            Assert.That(html, Does.Contain("Hành trình sản phẩm").And.Contain("Thu hoạch").And.Contain("Đóng gói"), "stages");
            Assert.That(html, Does.Contain("06:30 20/11/2025").And.Contain("09:00 21/11/2025").And.Contain("Xưởng Pù Luông"), "each stage with its time and place");
            Assert.That(html, Does.Contain("★★★★").And.Contain("3981/QĐ-UBND").And.Contain("UBND tỉnh Thanh Hóa").And.Contain("15/10/2025 – 15/10/2028"), "OCOP");
            Assert.That(html, Does.Contain("Đã được đính chính").And.Contain("Ghi ban đầu"), "the corrected stage is marked, what was first recorded kept");
            Assert.That(html, Does.Contain("Hái 120 kg").And.Contain("Sửa: 102 kg"));
            Assert.That(html, Does.Contain("Chuỗi dữ liệu toàn vẹn: 3 bước"), "verification");
            Assert.That(html, Does.Contain("Lượt quét"), "scans");
            Assert.That(html, Does.Contain("<dd>12,5 kg</dd>").And.Not.Contain("KGM"), "the quantity in words, in Vietnamese number format");
            Assert.That(html, Does.Match($"<link rel=\"linkset\" type=\"application/linkset(\\+|&#x2B;)json\" href=\"https://trace.example.vn/01/0{gtin}/10/P-1\\?linkType=linkset\""),
                "GS1 tools find the linkset from the page");
            Assert.That(System.Text.RegularExpressions.Regex.Matches(html, "<script[^>]*>").Select(m => m.Value),
                Is.EqualTo(new[] { "<script type=\"application/ld+json\">" }), "no JavaScript: the one script element is a JSON-LD data block");
        });
    }

    [Test]
    public async Task Page_DescribesItsProductForSearchEnginesAndGs1Tools_AsSchemaOrgJsonLd()
    {
        var (_, batch, gtin) = await PublicScenario.RichBatchAsync(Api, Producer, "P-LD");
        var html = await Page($"/p/{batch.GetProperty("code").GetString()}");
        var block = System.Text.RegularExpressions.Regex.Match(html, "<script type=\"application/ld\\+json\">(.*?)</script>").Groups[1].Value;
        var product = System.Text.Json.JsonDocument.Parse(block).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(product.GetProperty("@context").GetString(), Is.EqualTo("https://schema.org"));
            Assert.That(product.GetProperty("@type").GetString(), Is.EqualTo("Product"));
            Assert.That(product.GetProperty("name").GetString(), Is.EqualTo("Chè Shan tuyết Pù Luông"));
            Assert.That(product.GetProperty("gtin").GetString(), Is.EqualTo($"0{gtin}"));
            Assert.That(product.GetProperty("hasGS1DigitalLink").GetString(), Is.EqualTo($"https://trace.example.vn/01/0{gtin}/10/P-LD"));
            Assert.That(product.GetProperty("manufacturer").GetProperty("name").GetString(), Is.EqualTo("Hợp tác xã Nông nghiệp Thọ Xuân"));
            var certification = product.GetProperty("hasCertification")[0];
            Assert.That(certification.GetProperty("certificationIdentification").GetString(), Is.EqualTo("3981/QĐ-UBND"));
            Assert.That(certification.GetProperty("certificationRating").GetProperty("ratingValue").GetInt32(), Is.EqualTo(4));
            Assert.That(certification.GetProperty("certificationStatus").GetString(), Is.EqualTo("https://schema.org/CertificationActive"));
        });
    }

    [Test]
    public async Task ProducerText_CannotCloseTheJsonLdBlock()
    {
        var product = await Producer.CreateProductAsync(Scenario.NewGtin13(), name: "</script><script>alert(1)</script><!--@scan-count@-->");
        var batch = await Producer.CreateBatchAsync(product.Id(), "P-XSS");
        var html = await Page($"/p/{batch.GetProperty("code").GetString()}");
        Assert.That(System.Text.RegularExpressions.Regex.Matches(html, "<script").Count, Is.EqualTo(1), "only the data block opens a script element");
        Assert.That(html, Does.Contain("\\u003C/script\\u003E"), "the name is in the block, its angle brackets escaped");
    }

    [Test]
    public async Task StoredPage_ShowsThisViewsScanCount_AndALanguageLinkForThePage()
    {
        var (_, batch, gtin) = await PublicScenario.RichBatchAsync(Api, Producer, "P-SLOT");
        var code = batch.GetProperty("code").GetString()!;
        await Page($"/p/{code}");
        // The label's Digital Link redirects to the page: one scan, counted where the page is served.
        var byLink = await Page($"/01/0{gtin}/10/P-SLOT");
        Assert.That(byLink, Does.Contain("id=\"scan-count\">2<"), "this view is the second");
        Assert.That(byLink, Does.Contain($"href=\"/p/{code}?lang=en\""));
        Assert.That(byLink, Does.Not.Contain("@@"), "every slot is filled");
    }

    [Test]
    public async Task Page_InEnglish_WhenItsLinkAsks()
    {
        var (_, batch, _) = await PublicScenario.RichBatchAsync(Api, Producer, "P-EN");
        var html = await Page($"/p/{batch.GetProperty("code").GetString()}?lang=en");
        Assert.That(html, Does.Contain("<html lang=\"en\">").And.Contain("Product journey").And.Contain("Harvesting").And.Contain("Fermented pork roll"));
        Assert.That(html, Does.Not.Contain("Hành trình sản phẩm"));
        Assert.That(html, Does.Contain("<dd>12.5 kg</dd>"), "the quantity in words, in English number format");
    }

    /// <summary>Many Vietnamese shoppers keep their phones in English: the page stays Vietnamese, its English link at the top.</summary>
    [Test]
    public async Task Page_StaysVietnamese_OnAPhoneSetToEnglish()
    {
        var (_, batch, _) = await PublicScenario.RichBatchAsync(Api, Producer, "P-PHONE-EN");
        var code = batch.GetProperty("code").GetString()!;
        var html = await Page($"/p/{code}", "en-US,en;q=0.9");
        Assert.That(html, Does.Contain("<html lang=\"vi\">").And.Contain("Hành trình sản phẩm"));
        var main = html[html.IndexOf("<main>", StringComparison.Ordinal)..];
        Assert.That(main.IndexOf("hreflang=\"en\"", StringComparison.Ordinal), Is.LessThan(main.IndexOf("id=\"verdict\"", StringComparison.Ordinal)),
            "the English link comes before anything else");
    }

    [TestCase("H87", 500, "vi", "500 cái")]
    [TestCase("H87", 500, "en", "500 pieces")]
    [TestCase("H87", 1, "en", "1 piece")]
    [TestCase("LTR", 2.5, "vi", "2,5 lít")]
    [TestCase("TNE", 1200, "vi", "1.200 tấn")]
    [TestCase("XYZ", 3, "en", "3 XYZ")]
    public void Quantities_AreShownInWords(string unit, decimal quantity, string lang, string shown) =>
        Assert.That(Traceability.Api.Pages.PageText.For(lang).Amount(quantity, unit), Is.EqualTo(shown));

    [Test]
    public async Task RecalledBatch_ShowsARedBannerFirst()
    {
        var (_, batch, _) = await PublicScenario.RichBatchAsync(Api, Producer, "P-RC");
        await (await Producer.Client.PostAsJsonAsync($"/api/v1/batches/{batch.Id()}/recall", new { reason = "Nhiễm vi sinh vượt ngưỡng" })).Json(HttpStatusCode.OK);
        var html = await Page($"/p/{batch.GetProperty("code").GetString()}");
        var body = html[html.IndexOf("<body>", StringComparison.Ordinal)..];
        Assert.That(body.IndexOf("class=\"recall\"", StringComparison.Ordinal), Is.LessThan(body.IndexOf("<main>", StringComparison.Ordinal)));
        Assert.That(body, Does.Contain("SẢN PHẨM ĐÃ BỊ THU HỒI").And.Contain("Nhiễm vi sinh vượt ngưỡng"));
    }

    [Test]
    public async Task ExpiredCertification_IsShownAsExpired_NotAsStars()
    {
        var product = await Producer.CreateProductAsync(name: "Nước mắm Hải Thanh");
        var batch = await Producer.CreateBatchAsync(product.Id(), "EXP-1");
        var national = await Api.CreateAuthorityAsync("national");
        await (await national.Client.PostAsJsonAsync($"/api/v1/products/{product.Id()}/ocop-certifications",
            new { stars = 5, decisionNumber = "781/QĐ-BNN", issuedBy = "Bộ Nông nghiệp và PTNT", issuedOn = "2020-05-01" })).Json(HttpStatusCode.Created);
        var html = await Page($"/p/{batch.GetProperty("code").GetString()}");
        Assert.That(html, Does.Contain("Chứng nhận OCOP đã hết hạn").And.Contain("781/QĐ-BNN"));
        Assert.That(html, Does.Not.Contain("★"));
    }

    [Test]
    public async Task Page_MadeFromOtherBatches_LinksToThem()
    {
        var (_, parent, _) = await PublicScenario.RichBatchAsync(Api, Producer, "P-PARENT");
        var product = await Producer.CreateProductAsync(name: "Trà túi lọc");
        var child = await (await Producer.Client.PostAsJsonAsync("/api/v1/batches", new
        {
            productId = product.Id(), lotNumber = "P-CHILD", producedOn = "2025-11-25", parents = new[] { new { batchId = parent.Id(), quantity = 12.5 } },
        })).Json(HttpStatusCode.Created);
        var html = await Page($"/p/{child.GetProperty("code").GetString()}");
        Assert.That(html, Does.Contain("Được làm từ").And.Contain(parent.GetProperty("publicUrl").GetString()!).And.Contain("P-PARENT"));
    }

    [Test]
    public async Task Page_WithThirtyEvents_IsUnder50KB()
    {
        var (_, batch, _) = await PublicScenario.RichBatchAsync(Api, Producer, "P-BIG");
        for (var i = 0; i < 27; i++)
            await Producer.AppendAsync(batch.Id(), EventScenario.Harvest(note: $"Chăm sóc vườn chè lần thứ {i}: làm cỏ, bón phân hữu cơ vi sinh, tưới nước giữ ẩm"));
        var html = await Page($"/p/{batch.GetProperty("code").GetString()}");
        Assert.That(Encoding.UTF8.GetByteCount(html), Is.LessThan(50 * 1024));
    }

    [Test]
    public async Task ProducerText_IsHtmlEncodedEverywhere()
    {
        const string payload = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\">";
        var (_, batch) = await HostilePayloads.SeedAsync(Api, payload);
        var html = await Page($"/p/{batch.GetProperty("code").GetString()}");
        Assert.That(html, Does.Not.Contain("<script>window").And.Not.Contain("<img src=x"));
        Assert.That(html, Does.Contain("&lt;script&gt;window.__xss=1&lt;/script&gt;"));
    }

    [Test]
    public async Task Responses_CarryETag_AndRevalidateWith304_UntilSomethingChanges()
    {
        var (_, batch, _) = await PublicScenario.RichBatchAsync(Api, Producer, "P-ETAG");
        var url = $"/p/{batch.GetProperty("code").GetString()}";
        var client = Api.CreateClient();
        var first = await client.SendAsync(PublicScenario.Get(url, "text/html"));
        Assert.That(first.Headers.ETag, Is.Not.Null);
        Assert.That((first.Headers.CacheControl?.Private, first.Headers.CacheControl?.NoCache), Is.EqualTo((true, true)),
            "a scan's view: no shared cache keeps it (each view is counted), the browser asks again at every view (a recall shows)");
        Assert.That(first.Headers.Vary, Does.Contain("Accept-Language"));
        var forApps = await client.GetAsync($"/api/v1/public/records/{batch.GetProperty("code").GetString()}");
        Assert.That((forApps.Headers.CacheControl?.Public, forApps.Headers.CacheControl?.MaxAge), Is.EqualTo((true, (TimeSpan?)TimeSpan.FromSeconds(60))),
            "the record for apps is not a scan: any cache may keep it for Traceability:PublicCacheSeconds");

        var again = PublicScenario.Get(url, "text/html");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        Assert.That((await client.SendAsync(again)).StatusCode, Is.EqualTo(HttpStatusCode.NotModified), "scans alone do not change the ETag");

        await Producer.AppendAsync(batch.Id(), new { type = "shipping", occurredAt = "2025-11-22T08:00:00+07:00" });
        var changed = PublicScenario.Get(url, "text/html");
        changed.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        var after = await client.SendAsync(changed);
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(after.Headers.ETag, Is.Not.EqualTo(first.Headers.ETag));

        var english = await client.SendAsync(PublicScenario.Get(url + "?lang=en", "text/html"));
        Assert.That(english.Headers.ETag, Is.Not.EqualTo(after.Headers.ETag), "each language is its own representation");
    }

    [Test]
    public async Task ETag_ChangesWhenTheProductOrCertificationChanges()
    {
        var (product, batch, _) = await PublicScenario.RichBatchAsync(Api, Producer, "P-ETAG2");
        var url = $"/api/v1/public/records/{batch.GetProperty("code").GetString()}";
        var client = Api.CreateClient();
        var before = (await client.GetAsync(url)).Headers.ETag;
        await (await Producer.Client.PatchAsync($"/api/v1/products/{product.Id()}", JsonContent.Create(new { description = "Mô tả mới" }))).Json(HttpStatusCode.OK);
        var afterProduct = (await client.GetAsync(url)).Headers.ETag;
        var authority = await Api.CreateAuthorityAsync("national");
        await (await authority.Client.PostAsJsonAsync($"/api/v1/products/{product.Id()}/ocop-certifications",
            new { stars = 5, decisionNumber = "12/QĐ-TTg", issuedBy = "Bộ NN&MT", issuedOn = "2025-11-01" })).Json(HttpStatusCode.Created);
        var afterCert = (await client.GetAsync(url)).Headers.ETag;
        Assert.That(new[] { before, afterProduct, afterCert }.Distinct().Count(), Is.EqualTo(3));
    }
}
