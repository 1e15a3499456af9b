using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Public;

/// <summary>A producer's own links in the GS1 resolver: in the linkset at their level, answering ?linkType= by the
/// shopper's language, never in place of the registry's own links, and only for the producer's own products.</summary>
public sealed class ProducerLinkTests : ApiTest
{
    private HttpClient Anonymous => Api.CreateClient(new() { AllowAutoRedirect = false });

    private async Task<(Guid ProductId, string Gtin14, string Lot)> ProductWithLotAsync(string lot)
    {
        var gtin = Scenario.NewGtin13();
        var product = await Producer.CreateProductAsync(gtin);
        await Producer.CreateBatchAsync(product.Id(), lot);
        return (product.Id(), "0" + gtin, lot);
    }

    private Task<HttpResponseMessage> AddAsync(Guid productId, object link) => Producer.Client.PostAsJsonAsync($"/api/v1/products/{productId}/links", link);

    private async Task<string?> RedirectAsync(string path, string? language = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (language is not null) request.Headers.AcceptLanguage.ParseAdd(language);
        var response = await Anonymous.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TemporaryRedirect), path);
        return response.Headers.Location?.ToString();
    }

    [Test]
    public async Task ALotsAndAProductsLinks_JoinTheLinkset_AndAnswerTheirLinkType_InTheShoppersLanguage()
    {
        var (productId, gtin, lot) = await ProductWithLotAsync("PL-1");
        await (await AddAsync(productId, new { linkType = "gs1:recipeInfo", href = "https://htx.example.vn/cach-an", title = "Cách ăn", language = "vi", isDefault = true }))
            .Json(HttpStatusCode.Created);
        await (await AddAsync(productId, new { linkType = "https://gs1.org/voc/recipeInfo", href = "https://htx.example.vn/en/how-to-eat", title = "How to eat", language = "en" }))
            .Json(HttpStatusCode.Created);
        var lotLink = await (await AddAsync(productId, new { linkType = "gs1:instructions", href = "https://htx.example.vn/lo-pl-1.pdf", title = "Hướng dẫn lô PL-1",
            mediaType = "application/pdf", lotNumber = lot })).Json(HttpStatusCode.Created);
        Assert.That(lotLink.GetProperty("linkType").GetString(), Is.EqualTo("gs1:instructions"));

        var linkset = (await (await Anonymous.GetAsync($"/01/{gtin}/10/{lot}?linkType=linkset")).Json(HttpStatusCode.OK)).GetProperty("linkset").EnumerateArray().ToList();
        var lotLevel = linkset.Single(l => l.GetProperty("anchor").GetString()!.EndsWith($"/10/{lot}", StringComparison.Ordinal));
        var productLevel = linkset.Single(l => l.GetProperty("anchor").GetString()!.EndsWith($"/01/{gtin}", StringComparison.Ordinal));
        Assert.That(lotLevel.GetProperty("https://gs1.org/voc/instructions")[0].GetProperty("type").GetString(), Is.EqualTo("application/pdf"));
        Assert.That(lotLevel.TryGetProperty("https://gs1.org/voc/recipeInfo", out _), Is.False, "the product's links are the product's level");
        var recipes = productLevel.GetProperty("https://gs1.org/voc/recipeInfo").EnumerateArray().ToList();
        Assert.That(recipes.Select(r => r.GetProperty("hreflang")[0].GetString()), Is.EqualTo(new[] { "vi", "en" }));
        Assert.That(lotLevel.GetProperty("https://gs1.org/voc/pip")[0].GetProperty("href").GetString(), Does.Contain("/p/"), "the registry's page stays");

        Assert.That(await RedirectAsync($"/01/{gtin}/10/{lot}?linkType=gs1:recipeInfo", "en-US,en;q=0.8"), Is.EqualTo("https://htx.example.vn/en/how-to-eat"));
        Assert.That(await RedirectAsync($"/01/{gtin}/10/{lot}?linkType=gs1:recipeInfo", "vi"), Is.EqualTo("https://htx.example.vn/cach-an"));
        Assert.That(await RedirectAsync($"/01/{gtin}?linkType=gs1:recipeInfo", "fr"), Is.EqualTo("https://htx.example.vn/cach-an"), "no French: the producer's default");
        Assert.That(await RedirectAsync($"/01/{gtin}/10/{lot}?linkType=gs1:instructions"), Is.EqualTo("https://htx.example.vn/lo-pl-1.pdf"));
        Assert.That((await Anonymous.GetAsync($"/01/{gtin}?linkType=gs1:instructions")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound),
            "a lot's link is not its product's");
    }

    [Test]
    public async Task ALotsDefaultLink_StaysItsProvenancePage_WhatEverTheProducerAdds()
    {
        var (productId, gtin, lot) = await ProductWithLotAsync("PL-2");
        await (await AddAsync(productId, new { linkType = "gs1:homepage", href = "https://htx.example.vn", title = "Trang chủ", isDefault = true })).Json(HttpStatusCode.Created);
        Assert.That(await RedirectAsync($"/01/{gtin}/10/{lot}"), Does.Contain("/p/"), "a scan of the label opens the provenance page, where a recall shows");
        Assert.That(await RedirectAsync($"/01/{gtin}/10/{lot}?linkType=gs1:pip"), Does.Contain("/p/"));
        Assert.That(await RedirectAsync($"/01/{gtin}/10/{lot}?linkType=gs1:homepage"), Is.EqualTo("https://htx.example.vn/"));
    }

    [TestCase("gs1:pip", "https://htx.example.vn", "linkType")]
    [TestCase("gs1:recallStatus", "https://htx.example.vn", "linkType")]
    [TestCase("gs1:verificationService", "https://htx.example.vn", "linkType")]
    [TestCase("gs1:notALinkType", "https://htx.example.vn", "linkType")]
    [TestCase("gs1:recipeInfo", "http://htx.example.vn", "href")]
    [TestCase("gs1:recipeInfo", "https://127.0.0.1/x", "href")]
    [TestCase("gs1:recipeInfo", "https://169.254.169.254/latest", "href")]
    [TestCase("gs1:recipeInfo", "https://user:pw@htx.example.vn/", "href")]
    [TestCase("gs1:recipeInfo", "javascript:alert(1)", "href")]
    public async Task WhatCannotBeALink_IsRefused_SayingWhy(string linkType, string href, string field)
    {
        var (productId, _, _) = await ProductWithLotAsync("PL-3");
        var problem = await (await AddAsync(productId, new { linkType, href, title = "X" })).Json(HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, problem.GetRawText());
        Assert.That(await (await Producer.Client.GetAsync($"/api/v1/products/{productId}/links")).Json(HttpStatusCode.OK), Has.Property("ValueKind").EqualTo(JsonValueKind.Array));
        Assert.That((await (await Producer.Client.GetAsync($"/api/v1/products/{productId}/links")).Json(HttpStatusCode.OK)).GetArrayLength(), Is.Zero, "nothing stored");
    }

    [Test]
    public async Task AnotherProducer_CannotAddOrRemoveLinks_OnAProductNotItsOwn_AndARemovedLinkIsGone()
    {
        var (productId, gtin, _) = await ProductWithLotAsync("PL-4");
        var link = await (await AddAsync(productId, new { linkType = "gs1:hasRetailers", href = "https://htx.example.vn/mua", title = "Nơi bán" })).Json(HttpStatusCode.Created);
        var other = await Api.CreateProducerAsync("Hợp tác xã khác");
        Assert.That((await other.Client.PostAsJsonAsync($"/api/v1/products/{productId}/links",
            new { linkType = "gs1:hasRetailers", href = "https://scam.example.com", title = "Mua rẻ" })).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await other.Client.DeleteAsync($"/api/v1/products/{productId}/links/{link.Id()}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await RedirectAsync($"/01/{gtin}?linkType=gs1:hasRetailers"), Is.EqualTo("https://htx.example.vn/mua"));

        Assert.That((await Producer.Client.DeleteAsync($"/api/v1/products/{productId}/links/{link.Id()}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await Anonymous.GetAsync($"/01/{gtin}?linkType=gs1:hasRetailers")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task ThePagesOwnAddress_KnowsTheProducersLinks_AsTheDigitalLinkDoes()
    {
        var gtin = Scenario.NewGtin13();
        var product = await Producer.CreateProductAsync(gtin);
        var code = (await Producer.CreateBatchAsync(product.Id(), "PL-5")).GetProperty("code").GetString()!;
        await (await AddAsync(product.Id(), new { linkType = "gs1:recipeInfo", href = "https://htx.example.vn/cach-an", title = "Cách ăn", language = "vi" })).Json(HttpStatusCode.Created);
        await (await AddAsync(product.Id(), new { linkType = "gs1:recipeInfo", href = "https://htx.example.vn/en", title = "How to eat", language = "en" })).Json(HttpStatusCode.Created);

        Assert.That(await RedirectAsync($"/p/{code}?linkType=gs1:recipeInfo", "en"), Is.EqualTo("https://htx.example.vn/en"));
        var linkset = (await (await Anonymous.GetAsync($"/p/{code}?linkType=linkset")).Json(HttpStatusCode.OK)).GetProperty("linkset").EnumerateArray();
        Assert.That(linkset.Any(l => l.TryGetProperty("https://gs1.org/voc/recipeInfo", out var r) && r.GetArrayLength() == 2), Is.True);
    }

    [Test]
    public async Task AGtinsOwnDigitalLink_MayDefaultToTheProducersChoice_ButALotsNever()
    {
        var (productId, gtin, lot) = await ProductWithLotAsync("PL-6");
        var refused = await (await AddAsync(productId, new { linkType = "gs1:homepage", href = "https://htx.example.vn", title = "Trang chủ", lotNumber = lot, isDefaultLink = true }))
            .Json(HttpStatusCode.BadRequest);
        Assert.That(refused.GetProperty("errors").TryGetProperty("isDefaultLink", out _), Is.True);
        Assert.That(await RedirectAsync($"/01/{gtin}"), Does.Contain("/products/"), "no choice yet: the product's page");

        await (await AddAsync(productId, new { linkType = "gs1:homepage", href = "https://htx.example.vn/san-pham", title = "Sản phẩm", isDefaultLink = true }))
            .Json(HttpStatusCode.Created);
        Assert.That(await RedirectAsync($"/01/{gtin}"), Is.EqualTo("https://htx.example.vn/san-pham"));
        Assert.That(await RedirectAsync($"/01/{gtin}?linkType=gs1:pip"), Does.Contain("/products/"), "the product's page stays reachable");
        Assert.That(await RedirectAsync($"/01/{gtin}/10/{lot}"), Does.Contain("/p/"), "a lot's label still opens its provenance page");
        var productLevel = (await (await Anonymous.GetAsync($"/01/{gtin}?linkType=linkset")).Json(HttpStatusCode.OK)).GetProperty("linkset")[0];
        Assert.That(productLevel.GetProperty("https://gs1.org/voc/defaultLink")[0].GetProperty("href").GetString(), Is.EqualTo("https://htx.example.vn/san-pham"));
    }

    [Test]
    public async Task TheLotsPage_ListsTheProducersLinks_AsTheProducersAndEncoded_AndForgetsARemovedOne()
    {
        var gtin = Scenario.NewGtin13();
        var product = await Producer.CreateProductAsync(gtin);
        var code = (await Producer.CreateBatchAsync(product.Id(), "PL-7")).GetProperty("code").GetString()!;
        var shopper = Api.CreateClient();
        async Task<string> Page() => await (await shopper.SendAsync(PublicScenario.Get($"/p/{code}", "text/html"))).Content.ReadAsStringAsync();
        Assert.That(await Page(), Does.Not.Contain("producer-links"), "no links, no section");

        var link = await (await AddAsync(product.Id(), new { linkType = "gs1:recipeInfo", href = "https://htx.example.vn/cach-an?a=1&b=2",
            title = "Cách ăn <script>alert(1)</script>", language = "vi" })).Json(HttpStatusCode.Created);
        var page = await Page();
        Assert.That(page, Does.Contain("id=\"producer-links\"").And.Contain("Thêm từ nhà sản xuất"), "the record was rebuilt with the link");
        Assert.That(page, Does.Contain("Cách ăn &lt;script&gt;alert(1)&lt;/script&gt;").And.Not.Contain("<script>alert(1)"));
        Assert.That(page, Does.Contain("href=\"https://htx.example.vn/cach-an?a=1&amp;b=2\"").And.Contain("rel=\"nofollow ugc noopener\""));
        var record = await (await shopper.GetAsync($"/api/v1/public/records/{code}")).Json(HttpStatusCode.OK);
        Assert.That(record.GetProperty("producerLinks")[0].GetProperty("linkType").GetString(), Is.EqualTo("gs1:recipeInfo"));

        Assert.That((await Producer.Client.DeleteAsync($"/api/v1/products/{product.Id()}/links/{link.Id()}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(await Page(), Does.Not.Contain("producer-links"), "removed: the record was rebuilt without it");
    }
}
