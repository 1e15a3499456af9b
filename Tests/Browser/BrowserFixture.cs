using System.Net;
using System.Net.Sockets;
using Microsoft.Playwright;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Browser;

/// <summary>The real API on a Kestrel socket, with the demo seeded, and Debian's Chromium driven by Playwright
/// (never a downloaded browser). Without Chromium the tests are ignored, unless REQUIRE_BROWSER=1 (CI), where they fail.</summary>
public abstract class BrowserFixture
{
    public const string ChromiumPath = "/usr/bin/chromium";

    protected ApiFactory Api { get; private set; } = null!;
    protected string BaseUrl { get; private set; } = "";
    protected IBrowser Browser { get; private set; } = null!;
    private IPlaywright? _playwright;

    [OneTimeSetUp]
    public async Task StartBrowserAndApi()
    {
        if (!File.Exists(ChromiumPath))
        {
            if (Environment.GetEnvironmentVariable("REQUIRE_BROWSER") == "1")
                Assert.Fail($"REQUIRE_BROWSER=1 but {ChromiumPath} is missing: apt-get install chromium.");
            Assert.Ignore($"Chromium is not installed at {ChromiumPath} (apt-get install chromium); browser tests skipped.");
        }
        var port = TestPaths.FreePort();
        BaseUrl = $"http://127.0.0.1:{port}";
        Api = new ApiFactory(new() { ["Traceability:SeedDemoData"] = "true", ["Traceability:PublicBaseUrl"] = BaseUrl });
        Api.UseKestrel(port);
        Api.StartServer();
        Api.ClientOptions.BaseAddress = new Uri(BaseUrl);

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        Api?.Dispose();
    }

    /// <summary>A phone: 360 × 740 CSS pixels, JavaScript on (so that an injected script would run, and be caught).</summary>
    protected async Task<IPage> PhoneAsync(string? acceptLanguage = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 360, Height = 740 },
            DeviceScaleFactor = 2,
            IsMobile = true,
            HasTouch = true,
            Locale = acceptLanguage is null ? "vi-VN" : acceptLanguage.Split(',')[0],
            ExtraHTTPHeaders = acceptLanguage is null ? null : new Dictionary<string, string> { ["Accept-Language"] = acceptLanguage },
        });
        return await context.NewPageAsync();
    }

    protected static async Task SaveScreenshotAsync(IPage page, string name)
    {
        var dir = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        TestContext.AddTestAttachment(file, name);
    }

    /// <summary>Wider than the phone's 360 px (a mobile browser would zoom out or scroll sideways).</summary>
    protected static async Task<bool> HasHorizontalScrollAsync(IPage page) =>
        await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > 360 || document.body.scrollWidth > 360");
}
