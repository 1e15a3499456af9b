using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using NUnit.Framework;
using Traceability.Tests.Public;
using Traceability.Tests.Support;

namespace Traceability.Tests.Browser;

public sealed class PublicPageBrowserTests : BrowserFixture
{
    /// <summary>The demo's nem chua batch: its product has a GTIN, so its QR code is a GS1 Digital Link.</summary>
    private async Task<string> DemoNemChuaCodeAsync()
    {
        var batches = await (await Api.Admin().GetAsync("/api/v1/batches")).Json(HttpStatusCode.OK);
        return batches.GetProperty("items").EnumerateArray()
            .First(b => b.GetProperty("publicUrl").GetString()!.Contains("/01/")).GetProperty("code").GetString()!;
    }

    [Test]
    public async Task PrintedQrCode_Decoded_OpensTheDemoPage_InVietnamese_OnAPhone()
    {
        var code = await DemoNemChuaCodeAsync();
        var png = await Api.CreateClient().GetByteArrayAsync($"/p/{code}/qr.png");
        var url = QrDecoder.DecodePng(png).Text;
        Assert.That(url, Does.StartWith($"{BaseUrl}/01/08935049500018/10/"));

        var page = await PhoneAsync();
        var response = await page.GotoAsync(url);
        Assert.That(response!.Status, Is.EqualTo(200));
        Assert.That(await page.Locator("html").GetAttributeAsync("lang"), Is.EqualTo("vi"));
        Assert.That(await page.Locator("h1").InnerTextAsync(), Is.EqualTo("Nem chua Thanh Hóa"));
        var text = await page.Locator("body").InnerTextAsync();
        Assert.That(text, Does.Contain("Hành trình sản phẩm").And.Contain("Hợp tác xã Nông nghiệp Xuân Lập").And.Contain("3981/QĐ-UBND").And.Contain(code));
        Assert.That(await page.Locator("#journey li").CountAsync(), Is.EqualTo(3));
        Assert.That(await HasHorizontalScrollAsync(page), Is.False, "no horizontal scroll at 360 px");
        await SaveScreenshotAsync(page, "demo-vi");
    }

    [Test]
    public async Task DemoPage_InEnglish_ByItsLink_VietnameseOnAPhoneSetToEnglish()
    {
        var code = await DemoNemChuaCodeAsync();
        var page = await PhoneAsync("en-US,en;q=0.9");
        await page.GotoAsync($"{BaseUrl}/p/{code}");
        Assert.That(await page.Locator("html").GetAttributeAsync("lang"), Is.EqualTo("vi"), "a phone set to English still gets Vietnamese");
        await page.GetByText("English").ClickAsync();
        Assert.That(await page.Locator("body").InnerTextAsync(), Does.Contain("Product journey").And.Contain("Thanh Hoa fermented pork roll"));
        Assert.That(await HasHorizontalScrollAsync(page), Is.False);
        await SaveScreenshotAsync(page, "demo-en");

        var vietnamese = await PhoneAsync();
        await vietnamese.GotoAsync($"{BaseUrl}/p/{code}?lang=en");
        Assert.That(await vietnamese.Locator("html").GetAttributeAsync("lang"), Is.EqualTo("en"));
        await vietnamese.GetByText("Tiếng Việt").ClickAsync();
        Assert.That(await vietnamese.Locator("html").GetAttributeAsync("lang"), Is.EqualTo("vi"), "the language link switches back");
    }

    /// <summary>On an item's page the item's own verdict comes first; a suspect item's warning is the only verdict shown
    /// (the lot's "certified" must not sit beside "not issued"); the PIN form is big enough for a thumb.</summary>
    [Test]
    public async Task AnItemsVerdict_ComesFirst_ASuspectOneAlone_AndThePinFormFitsAThumb()
    {
        var code = await DemoNemChuaCodeAsync();
        var suspect = await PhoneAsync();
        await suspect.GotoAsync($"{BaseUrl}/p/{code}/NOTISSUED01");
        Assert.That(await suspect.Locator("#item-warning").IsVisibleAsync(), Is.True);
        Assert.That(await suspect.Locator("#verdict").IsVisibleAsync(), Is.False, "the lot's verdict is not shown beside a suspect item");
        await SaveScreenshotAsync(suspect, "item-not-issued");

        var producer = await Api.CreateProducerAsync("HTX Tem riêng");
        var product = await producer.CreateProductAsync(Scenario.NewGtin13());
        var batch = await producer.CreateBatchAsync(product.Id(), "ITEM-1");
        var csv = await (await producer.Client.PostAsJsonAsync($"/api/v1/batches/{batch.Id()}/serials", new { count = 1, withPin = true })).Content.ReadAsStringAsync();
        var serial = csv.TrimEnd('\n').Split('\n')[1].Split(',')[1];
        var page = await PhoneAsync();
        await page.GotoAsync($"{BaseUrl}/p/{batch.GetProperty("code").GetString()}/{serial}");
        Assert.That(await page.Locator("#verdict").IsVisibleAsync(), Is.True, "a good item: the lot's verdict stands");
        var input = await page.Locator("#item input[name=pin]").BoundingBoxAsync();
        var button = await page.Locator("#item button").BoundingBoxAsync();
        Assert.That(Math.Min(input!.Height, Math.Min(button!.Height, button.Width)), Is.GreaterThanOrEqualTo(44), "touch targets of at least 44 px");
        Assert.That(await HasHorizontalScrollAsync(page), Is.False);
        await SaveScreenshotAsync(page, "item-pin");
    }

    [Test]
    public async Task RecalledBatch_ShowsTheRedBannerAtTheTop()
    {
        var producer = await Api.CreateProducerAsync("HTX Thu hồi");
        var product = await producer.CreateProductAsync(name: "Giò lụa Thanh Hóa");
        var batch = await producer.CreateBatchAsync(product.Id(), "REC-1");
        await (await producer.Client.PostAsJsonAsync($"/api/v1/batches/{batch.Id()}/recall", new { reason = "Phát hiện nhiễm khuẩn Listeria" })).Json(HttpStatusCode.OK);

        var page = await PhoneAsync();
        await page.GotoAsync(batch.GetProperty("publicUrl").GetString()!);
        var banner = page.Locator("#recall");
        Assert.That(await banner.IsVisibleAsync(), Is.True);
        Assert.That(await banner.InnerTextAsync(), Does.Contain("SẢN PHẨM ĐÃ BỊ THU HỒI").And.Contain("Phát hiện nhiễm khuẩn Listeria"));
        var bannerBox = await banner.BoundingBoxAsync();
        var titleBox = await page.Locator("h1").BoundingBoxAsync();
        Assert.That(bannerBox!.Y, Is.LessThan(titleBox!.Y), "the banner comes before anything else");
        Assert.That(bannerBox.Y, Is.LessThan(5));
        Assert.That(await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('#recall')).backgroundColor"), Is.EqualTo("rgb(185, 28, 28)"));
        Assert.That(await HasHorizontalScrollAsync(page), Is.False);
        await SaveScreenshotAsync(page, "recalled");
    }

    [Test]
    public async Task InjectedMarkupAndScripts_StayInertText()
    {
        const string payload = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\"><b onmouseover=alert(1)>đậm</b>";
        var (_, batch) = await HostilePayloads.SeedAsync(Api, payload);
        var page = await PhoneAsync();
        var dialogs = 0;
        page.Dialog += async (_, dialog) => { dialogs++; await dialog.DismissAsync(); };

        await page.GotoAsync(batch.GetProperty("publicUrl").GetString()!);

        Assert.That(await page.EvaluateAsync<object?>("() => window.__xss"), Is.Null, "no injected script ran");
        Assert.That(dialogs, Is.Zero);
        Assert.That(await page.EvaluateAsync<string[]>("() => [...document.scripts].map(s => s.type)"), Is.EqualTo(new[] { "application/ld+json" }),
            "no executable script element: the one there is the schema.org data block");
        Assert.That(await page.EvaluateAsync<string>("() => JSON.parse(document.scripts[0].textContent).name"), Does.Contain("<script>window.__xss=1</script>"),
            "the data block still reads as the producer wrote it");
        Assert.That(await page.EvaluateAsync<int>("() => document.querySelectorAll('img[src=\"x\"], [onerror], [onmouseover]').length"), Is.Zero);
        var text = await page.Locator("body").InnerTextAsync();
        Assert.That(text, Does.Contain("<script>window.__xss=1</script>"), "the payload is shown as text");
        Assert.That(await HasHorizontalScrollAsync(page), Is.False, "long hostile strings wrap");
        await SaveScreenshotAsync(page, "hostile");
    }
}
