using System.Net;
using System.Text.Json;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Browser;

/// <summary>Deque's axe-core (from the npm packages .ci/run installs) run in Chromium on the pages shoppers and officers
/// use: no violation of serious or critical impact. Without the package the test is ignored, except in CI, where it fails.</summary>
public sealed class AccessibilityTests : BrowserFixture
{
    private static string Axe => Path.Combine(LinkedData.Tools, "node_modules", "axe-core", "axe.min.js");

    private async Task<IReadOnlyList<string>> SeriousViolationsAsync(string url, int width = 390)
    {
        if (!File.Exists(Axe))
        {
            if (Environment.GetEnvironmentVariable("CI") == "true") Assert.Fail($"axe-core is not installed at {Axe} (.ci/run installs it).");
            Assert.Ignore($"axe-core is not installed at {Axe}; run .ci/run once, or npm install in {LinkedData.Tools}.");
        }
        // The pages' Content-Security-Policy forbids every script, as it should; the scan's own script is let in by the
        // browser for this test only.
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = 900 }, BypassCSP = true, Locale = "vi-VN" });
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync(url);
        Assert.That(response!.Status, Is.LessThan(400), url);
        return await SeriousViolationsOnAsync(page);
    }

    /// <summary>The serious and critical violations axe-core finds on the page as it is (its context must let scripts in:
    /// BypassCSP).</summary>
    public static async Task<IReadOnlyList<string>> SeriousViolationsOnAsync(Microsoft.Playwright.IPage page)
    {
        if (!File.Exists(Axe))
        {
            if (Environment.GetEnvironmentVariable("CI") == "true") Assert.Fail($"axe-core is not installed at {Axe} (.ci/run installs it).");
            Assert.Ignore($"axe-core is not installed at {Axe}; run .ci/run once, or npm install in {LinkedData.Tools}.");
        }
        await page.AddScriptTagAsync(new() { Path = Axe });
        var result = await page.EvaluateAsync<JsonElement>("async () => (await axe.run(document, { resultTypes: ['violations'] })).violations");
        return result.EnumerateArray()
            .Where(v => v.GetProperty("impact").GetString() is "serious" or "critical")
            .Select(v => $"{v.GetProperty("id").GetString()} ({v.GetProperty("impact").GetString()}): {v.GetProperty("help").GetString()} — "
                         + string.Join(" | ", v.GetProperty("nodes").EnumerateArray().Take(3).Select(n => n.GetProperty("html").GetString())))
            .ToList();
    }

    private async Task<string> DemoCodeAsync() =>
        (await (await Api.Admin().GetAsync("/api/v1/batches")).Json(HttpStatusCode.OK)).GetProperty("items")[0].GetProperty("code").GetString()!;

    [Test]
    public async Task TheLotPage_InBothLanguages_HasNoSeriousViolation()
    {
        var code = await DemoCodeAsync();
        Assert.That(await SeriousViolationsAsync($"{BaseUrl}/p/{code}"), Is.Empty);
        Assert.That(await SeriousViolationsAsync($"{BaseUrl}/p/{code}?lang=en"), Is.Empty);
    }

    [Test]
    public async Task AnItemsPage_AndTheReportForm_HaveNoSeriousViolation()
    {
        var code = await DemoCodeAsync();
        Assert.That(await SeriousViolationsAsync($"{BaseUrl}/p/{code}/NOTISSUED01"), Is.Empty);
        Assert.That(await SeriousViolationsAsync($"{BaseUrl}/p/{code}/report"), Is.Empty);
    }

    [Test]
    public async Task TheCatalogue_HasNoSeriousViolation_OnAPhoneOrADesk()
    {
        Assert.That(await SeriousViolationsAsync($"{BaseUrl}/ocop"), Is.Empty);
        Assert.That(await SeriousViolationsAsync($"{BaseUrl}/ocop/thanh-hoa?q=nem", 1280), Is.Empty);
    }
}
