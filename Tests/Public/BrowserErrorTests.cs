using System.Net;
using System.Net.Http.Json;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Public;

/// <summary>A browser always gets a page, an app always gets problem details: rate limits, malformed links and unknown
/// codes answer a phone's browser with a small page in its language (never an empty 500), apps with problem+json; the
/// official not-found page never prints a sentence someone wrote into a link; client mistakes log nothing at warning.</summary>
public sealed class BrowserErrorTests
{
    /// <summary>What Chrome on Android sends for a page.</summary>
    private const string Chrome = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";

    private static async Task<(HttpStatusCode Status, string Type, string Body, HttpResponseMessage Response)> GetAsync(HttpClient client, string url, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Clear();
        request.Headers.TryAddWithoutValidation("Accept", accept);
        var response = await client.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType ?? "", await response.Content.ReadAsStringAsync(), response);
    }

    [Test]
    public async Task ARateLimitedPage_AnswersChromeWithAPageThatSaysWhen_AndAnAppWithProblemDetails()
    {
        using var api = new ApiFactory(new() { ["RateLimiting:Public:PermitLimit"] = "2", ["RateLimiting:Public:WindowSeconds"] = "60" });
        var client = api.ClientWithKey(null);
        for (var i = 0; i < 2; i++) await client.GetAsync("/p/AAAAAAAAAA");
        var page = await GetAsync(client, "/p/AAAAAAAAAA", Chrome);
        Assert.That((page.Status, page.Type), Is.EqualTo(((HttpStatusCode)429, "text/html")), page.Body);
        Assert.That(WebUtility.HtmlDecode(page.Body), Does.Match(@"Hãy thử lại sau \d+ giây\."));
        Assert.That(page.Response.Headers.RetryAfter, Is.Not.Null);
        var app = await GetAsync(client, "/p/AAAAAAAAAA", "application/json");
        Assert.That((app.Status, app.Type), Is.EqualTo(((HttpStatusCode)429, "application/problem+json")));
        var neither = await GetAsync(client, "/p/AAAAAAAAAA", "image/png");
        Assert.That((neither.Status, neither.Body.Length > 0), Is.EqualTo(((HttpStatusCode)429, true)), "never an empty body");
        Assert.That(api.Logs.Errors, Is.Empty);
    }

    [Test]
    public async Task AMistypedDigitalLink_AnswersABrowserWithAPageInItsLanguage_AndLogsNoStackTrace()
    {
        using var api = new ApiFactory();
        var client = api.ClientWithKey(null);
        var vi = await GetAsync(client, "/01/08935049500019/10/LOT", Chrome);
        Assert.That((vi.Status, vi.Type), Is.EqualTo((HttpStatusCode.BadRequest, "text/html")));
        Assert.That(WebUtility.HtmlDecode(vi.Body), Does.Contain("Đường dẫn không hợp lệ").And.Contain("<html lang=\"vi\">"));
        var en = await GetAsync(client, "/01/08935049500019/10/LOT?lang=en", Chrome);
        Assert.That(en.Body, Does.Contain("Not a valid link"));
        var app = await GetAsync(client, "/01/08935049500019/10/LOT", "application/json");
        Assert.That((app.Status, app.Type), Is.EqualTo((HttpStatusCode.BadRequest, "application/problem+json")));
        for (var i = 0; i < 20; i++) await client.GetAsync($"/01/0893504950001{i % 10}/10/L{i}/foo");
        Assert.That(api.Logs.Lines, Is.Empty, "a flood of malformed links logs nothing at warning or above");
    }

    [Test]
    public async Task TheNotFoundPage_NeverPrintsASentenceWrittenIntoALink_ButRepeatsACodeThatCouldBeOurs()
    {
        using var api = new ApiFactory();
        var client = api.ClientWithKey(null);
        var forged = "/p/" + Uri.EscapeDataString("Cảnh báo: sản phẩm này là HÀNG GIẢ. Gọi ngay 0909 123 456");
        var page = await GetAsync(client, forged, Chrome);
        Assert.That(page.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(WebUtility.HtmlDecode(page.Body), Does.Not.Contain("HÀNG GIẢ").And.Not.Contain("0909").And.Contain("không phải là một mã truy xuất"));
        var app = await GetAsync(client, forged, "application/json");
        Assert.That(app.Body, Does.Not.Contain("0909"));
        var code = await GetAsync(client, "/p/ABCDEFGHJK", Chrome);
        Assert.That(code.Body, Does.Contain("ABCDEFGHJK"), "a code with our syntax is repeated, so the shopper can compare it with the label");
    }

    [Test]
    public async Task DuplicateKeysAndUnknownFields_Are400InTheRequestsTerms_NeverDotNetsTypes()
    {
        using var api = new ApiFactory();
        var producer = await api.CreateProducerAsync();
        async Task<string> Post(string json)
        {
            var response = await producer.Client.PostAsync("/api/v1/products", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
            var body = await response.Content.ReadAsStringAsync();
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), body);
            return body;
        }
        var twice = await Post("""{"name": "a", "name": "b", "category": "food"}""");
        Assert.That(twice, Does.Contain("Given twice"));
        foreach (var body in new[] { twice, await Post("""{"name": "a", "category": "food", "colour": "red"}"""), await Post("""{"name": "a", "category": "food", "shelfLifeDays": "x"}""") })
            Assert.That(body, Does.Not.Contain("Traceability.").And.Not.Contain("System."));
        var list = await (await producer.Client.GetAsync("/api/v1/products")).Json(HttpStatusCode.OK);
        Assert.That(list.GetProperty("items").GetArrayLength(), Is.Zero);
    }
}
