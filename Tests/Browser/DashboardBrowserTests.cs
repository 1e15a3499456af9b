using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Browser;

/// <summary>The dashboard as an officer uses it in Chromium (signing in through its form, at a desk and on a phone), and
/// the lot page in each of its verdicts, each saved as a screenshot with the test's results; the dashboard passes axe-core.</summary>
public sealed class DashboardBrowserTests : BrowserFixture
{
    private async Task<IPage> SignedInAsync(string key, int width)
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = 900 }, BypassCSP = true, Locale = "vi-VN" });
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{BaseUrl}/dashboard");
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/dashboard/sign-in"), "no session: the sign-in form");
        await page.FillAsync("input[name=key]", key);
        await page.ClickAsync("button[type=submit]");
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/dashboard"));
        return page;
    }

    [Test]
    public async Task TheOfficesDashboard_AtADeskAndOnAPhone_WithCharts_AndNoSeriousAccessibilityViolation()
    {
        var office = await Api.CreateAuthorityAsync();
        foreach (var (width, name) in new[] { (1280, "dashboard-1280"), (390, "dashboard-390") })
        {
            var page = await SignedInAsync(office.Key, width);
            Assert.That(await page.Locator("h1").InnerTextAsync(), Is.EqualTo("Bảng điều khiển OCOP"));
            Assert.That(await page.Locator("svg.chart").CountAsync(), Is.EqualTo(3), "scans per month, stars and groups as charts");
            Assert.That(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth"), Is.False, $"no sideways scroll at {width} px");
            await SaveScreenshotAsync(page, name);
            if (width == 1280) Assert.That(await AccessibilityTests.SeriousViolationsOnAsync(page), Is.Empty);
            await page.ClickAsync("form.signout button");
            Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/dashboard/sign-in"), "signed out");
        }
    }

    [Test]
    public async Task TheLotPage_InEachVerdict_IsSavedAsAScreenshot()
    {
        var producer = await Api.CreateProducerAsync("HTX Ảnh chụp");
        var authority = await Api.CreateAuthorityAsync();
        var today = Traceability.Domain.VietnamTime.Today(DateTimeOffset.UtcNow);
        async Task<string> Lot(string name, string lot, string producedOn, string? expiresOn, (string IssuedOn, string? ValidUntil)? certification)
        {
            var product = await (await producer.Client.PostAsJsonAsync("/api/v1/products", new { name, gtin = Scenario.NewGtin13(), category = "food" })).Json(HttpStatusCode.Created);
            if (certification is { } c)
                await (await authority.Client.PostAsJsonAsync($"/api/v1/products/{product.Id()}/ocop-certifications",
                    new { stars = 4, decisionNumber = "QĐ-" + lot, issuedBy = "UBND tỉnh Thanh Hóa", issuedOn = c.IssuedOn, validUntil = c.ValidUntil })).Json(HttpStatusCode.Created);
            var batch = await (await producer.Client.PostAsJsonAsync("/api/v1/batches", new { productId = product.Id(), lotNumber = lot, producedOn, expiresOn })).Json(HttpStatusCode.Created);
            return batch.GetProperty("code").GetString()!;
        }
        var day = today.ToString("yyyy-MM-dd");
        var states = new Dictionary<string, string>
        {
            ["certified"] = await Lot("Mật ong rừng", "V-OK", day, today.AddYears(1).ToString("yyyy-MM-dd"), (day, null)),
            ["recorded"] = await Lot("Bánh gai", "V-NEW", day, null, null),
            ["certification_ended"] = await Lot("Nem chua", "V-END", day, null, ("2022-01-01", "2024-12-31")),
            ["past_best_before"] = await Lot("Chè lam", "V-OLD", "2025-01-01", "2025-02-01", (day, null)),
        };
        var recalled = await Lot("Giò me", "V-RECALL", day, null, (day, null));
        var id = (await (await producer.Client.GetAsync("/api/v1/batches?limit=200")).Json(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
            .Single(b => b.GetProperty("code").GetString() == recalled).Id();
        await (await producer.Client.PostAsJsonAsync($"/api/v1/batches/{id}/recall", new { reason = "Nhiễm khuẩn" })).Json(HttpStatusCode.OK);
        states["recalled"] = recalled;

        foreach (var (verdict, code) in states)
        {
            var page = await PhoneAsync();
            await page.GotoAsync($"{BaseUrl}/p/{code}");
            var json = await (await Api.CreateClient().SendAsync(Traceability.Tests.Public.PublicScenario.Get($"/p/{code}", "application/json"))).Json(HttpStatusCode.OK);
            Assert.That(json.GetProperty("verdict").GetString(), Is.EqualTo(verdict));
            Assert.That(await page.Locator("#verdict").IsVisibleAsync(), Is.True, verdict);
            await SaveScreenshotAsync(page, $"verdict-{verdict}");
        }
    }
}
