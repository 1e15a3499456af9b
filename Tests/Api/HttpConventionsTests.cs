using System.Net;
using NUnit.Framework;
using Traceability.Tests.Events;
using Traceability.Tests.Public;
using Traceability.Tests.Support;

namespace Traceability.Tests.Api;

/// <summary>HTTP as clients and security reviews expect it, over a real Kestrel socket: HEAD mirrors GET, validators are
/// weak where the bytes change per view, and every answer carries the protective headers.</summary>
public sealed class HttpConventionsTests
{
    private ApiFactory _api = null!;
    private HttpClient _client = null!;
    private string _code = "", _digitalLink = "";
    private Account _producer = null!;
    private Guid _batchId;

    [OneTimeSetUp]
    public async Task Start()
    {
        _api = new ApiFactory();
        _client = _api.StartKestrel();
        _producer = await _api.CreateProducerAsync();
        var (_, batch, gtin) = await PublicScenario.RichBatchAsync(_api, _producer, "HEAD-1");
        _batchId = batch.Id();
        _code = batch.GetProperty("code").GetString()!;
        _digitalLink = $"/01/0{gtin}/10/HEAD-1";
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _client.Dispose();
        _api.Dispose();
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string url, string? accept = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (accept is not null) request.Headers.Accept.ParseAdd(accept);
        return await _client.SendAsync(request);
    }

    [TestCase("/p/{code}", "text/html")]
    [TestCase("/p/{code}", "application/json")]
    [TestCase("{dl}", "text/html")]
    [TestCase("{dl}?linkType=linkset", null)]
    [TestCase("/p/{code}/qr.png", null)]
    [TestCase("/p/{code}/qr.svg", null)]
    [TestCase("/api/v1/public/records/{code}", null)]
    [TestCase("/api/v1/public/records/{code}/certification", null)]
    [TestCase("/api/v1/public/records/{code}/epcis", null)]
    [TestCase("/api/v1/event-types", null)]
    [TestCase("/health/live", null)]
    [TestCase("/health/ready", null)]
    [TestCase("/p/ZZZZZZZZZZ", "text/html")]
    public async Task Head_OnAGetRoute_AnswersLikeTheGet_WithoutABody(string template, string? accept)
    {
        var url = template.Replace("{code}", _code).Replace("{dl}", _digitalLink);
        var get = await Send(HttpMethod.Get, url, accept);
        var head = await Send(HttpMethod.Head, url, accept);
        Assert.That(head.StatusCode, Is.EqualTo(get.StatusCode), url);
        Assert.That(head.Content.Headers.ContentType?.MediaType, Is.EqualTo(get.Content.Headers.ContentType?.MediaType), url);
        Assert.That(await head.Content.ReadAsByteArrayAsync(), Is.Empty, url);
        if (get.Content.Headers.ContentLength is { } length) Assert.That(head.Content.Headers.ContentLength, Is.EqualTo(length), url);
    }

    [Test]
    public async Task Head_OnAPage_IsNotCountedAsAScan()
    {
        var (_, batch, _) = await PublicScenario.RichBatchAsync(_api, _producer, "HEAD-SCAN");
        var code = batch.GetProperty("code").GetString()!;
        for (var i = 0; i < 3; i++) await Send(HttpMethod.Head, $"/p/{code}", "text/html");
        var record = await (await Send(HttpMethod.Get, $"/api/v1/public/records/{code}")).Json(HttpStatusCode.OK);
        Assert.That(record.GetProperty("scans").GetProperty("count").GetInt64(), Is.EqualTo(0));
    }

    [Test]
    public async Task Head_OnAWriteOnlyRoute_Is405()
    {
        var head = await Send(HttpMethod.Head, "/api/v1/events");
        Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
    }

    [Test]
    public async Task ETag_IsWeakWhereScanFiguresChangeTheBytes_StrongWhereTheBytesAreFixed()
    {
        foreach (var (url, accept) in new[] { ($"/p/{_code}", "text/html"), ($"/p/{_code}", "application/json"), ($"/api/v1/public/records/{_code}", null) })
        {
            var first = await Send(HttpMethod.Get, url, accept);
            Assert.That(first.Headers.ETag?.IsWeak, Is.True, $"{url} {accept}");
            var again = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { IfNoneMatch = { first.Headers.ETag! } } };
            if (accept is not null) again.Headers.Accept.ParseAdd(accept);
            Assert.That((await _client.SendAsync(again)).StatusCode, Is.EqualTo(HttpStatusCode.NotModified), $"{url} revalidates");
        }
        foreach (var url in new[] { $"/p/{_code}/qr.png", $"/p/{_code}/qr.svg", $"{_digitalLink}?linkType=linkset" })
            Assert.That((await Send(HttpMethod.Get, url)).Headers.ETag?.IsWeak, Is.False, url);
    }

    [TestCase("/p/{code}", "text/html", 200)]
    [TestCase("/api/v1/public/records/{code}", null, 200)]
    [TestCase("/p/{code}/qr.png", null, 200)]
    [TestCase("/p/ZZZZZZZZZZ", "application/json", 404)]
    [TestCase("/api/v1/batches", null, 401)]
    public async Task EveryAnswer_CarriesTheSecurityHeaders(string template, string? accept, int status)
    {
        var response = await Send(HttpMethod.Get, template.Replace("{code}", _code), accept);
        Assert.That((int)response.StatusCode, Is.EqualTo(status));
        Assert.That(response.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }));
        Assert.That(response.Headers.Contains("Referrer-Policy"), Is.True);
        Assert.That(response.Headers.Server, Is.Empty, "no Server: Kestrel");
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.That(csp, Does.Contain("default-src 'none'"));
        Assert.That(csp, Does.Contain("frame-ancestors 'none'"));
        Assert.That(csp, Does.Not.Contain("script-src"), "no script is ever allowed");
        if (status == 401)
            Assert.That(response.Headers.WwwAuthenticate.Single().Scheme, Is.EqualTo("ApiKey"));
    }

    [Test]
    public async Task PagePolicy_AllowsItsOwnStylesheet_AndFramingOnlyByConfiguredPartners()
    {
        var page = await Send(HttpMethod.Get, $"/p/{_code}", "text/html");
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        var html = await page.Content.ReadAsStringAsync();
        var css = System.Text.RegularExpressions.Regex.Match(html, "<style>(.*?)</style>", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;
        var hash = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(css)));
        Assert.That(csp, Does.Contain($"style-src 'sha256-{hash}'"), "the inline stylesheet is allowed by its hash, nothing else");
        Assert.That(page.Headers.GetValues("X-Frame-Options").Single(), Is.EqualTo("DENY"));

        using var partner = new ApiFactory(new() { ["Security:FrameAncestors:0"] = "https://ocop.thanhhoa.gov.vn" });
        var client = partner.StartKestrel();
        var health = await client.GetAsync("/health/live");
        Assert.That(health.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("frame-ancestors https://ocop.thanhhoa.gov.vn"));
        Assert.That(health.Headers.Contains("X-Frame-Options"), Is.False);
    }

    [Test]
    public async Task LabelSheet_IsHtmlUnderThePolicy_WithItsStylesheetHashed()
    {
        var sheet = await _producer.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/batches/{_batchId}/labels?count=2")
        {
            Headers = { Accept = { new("text/html") } },
        });
        var html = await sheet.Content.ReadAsStringAsync();
        Assert.That(sheet.StatusCode, Is.EqualTo(HttpStatusCode.OK), html);
        var css = System.Text.RegularExpressions.Regex.Match(html, "<style>(.*?)</style>", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;
        var hash = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(css)));
        Assert.That(sheet.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain($"'sha256-{hash}'"));
        Assert.That(html, Does.Not.Contain("style=\""), "no inline style attribute the policy would block");
    }
}
