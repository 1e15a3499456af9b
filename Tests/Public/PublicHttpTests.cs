using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Public;

/// <summary>Rate limits per client address, trusted proxies, compression and CORS of the public endpoints, over a real Kestrel socket.</summary>
public sealed class PublicHttpTests
{
    private static (ApiFactory Api, HttpClient Client) Kestrel(Dictionary<string, string?> settings)
    {
        var api = new ApiFactory(settings);
        return (api, api.StartKestrel());
    }

    private static HttpRequestMessage Get(string url, string? forwardedFor = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("application/json");
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        return request;
    }

    [Test]
    public async Task OverTheLimit_Is429WithRetryAfter_AndProblemDetails()
    {
        var (api, client) = Kestrel(new() { ["RateLimiting:Public:PermitLimit"] = "3", ["RateLimiting:Public:WindowSeconds"] = "60" });
        using var _ = api;
        for (var i = 0; i < 3; i++) Assert.That((await client.SendAsync(Get("/api/v1/event-types"))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var limited = await client.SendAsync(Get("/api/v1/event-types"));
        Assert.That(limited.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(limited.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero));
        Assert.That(limited.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That((await client.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "only public endpoints are limited");
    }

    [Test]
    public async Task ForwardedFor_IsIgnoredUnlessTheProxyIsTrusted()
    {
        var limits = new Dictionary<string, string?> { ["RateLimiting:Public:PermitLimit"] = "2" };
        var (untrusted, client) = Kestrel(limits);
        using (untrusted)
        {
            var codes = new List<HttpStatusCode>();
            for (var i = 0; i < 3; i++) codes.Add((await client.SendAsync(Get("/api/v1/event-types", $"203.0.113.{i}"))).StatusCode);
            Assert.That(codes[2], Is.EqualTo(HttpStatusCode.TooManyRequests), "a client cannot dodge the limit with a made-up X-Forwarded-For");
        }

        var (trusted, proxied) = Kestrel(new(limits) { ["ReverseProxy:TrustedProxies:0"] = "127.0.0.1" });
        using (trusted)
        {
            var codes = new List<HttpStatusCode>();
            for (var i = 0; i < 3; i++) codes.Add((await proxied.SendAsync(Get("/api/v1/event-types", $"203.0.113.{i}"))).StatusCode);
            Assert.That(codes, Is.All.EqualTo(HttpStatusCode.OK), "behind a trusted proxy each shopper has their own limit");
            codes.Clear();
            for (var i = 0; i < 3; i++) codes.Add((await proxied.SendAsync(Get("/api/v1/event-types", "198.51.100.7"))).StatusCode);
            Assert.That(codes[2], Is.EqualTo(HttpStatusCode.TooManyRequests));
        }
    }

    [TestCase("br")]
    [TestCase("gzip")]
    public async Task PublicResponses_AreCompressed_AuthenticatedOnesAreNot(string encoding)
    {
        var (api, client) = Kestrel(new());
        using var _ = api;
        var producer = await api.CreateProducerAsync();
        var (_, batch, _) = await PublicScenario.RichBatchAsync(api, producer, "H-1");
        var page = new HttpRequestMessage(HttpMethod.Get, $"/p/{batch.GetProperty("code").GetString()}");
        page.Headers.AcceptEncoding.ParseAdd(encoding);
        var compressed = await client.SendAsync(page);
        Assert.That(compressed.Content.Headers.ContentEncoding, Is.EqualTo(new[] { encoding }));

        var privateRequest = new HttpRequestMessage(HttpMethod.Get, "/api/v1/products");
        privateRequest.Headers.Add("X-Api-Key", producer.Key);
        privateRequest.Headers.AcceptEncoding.ParseAdd(encoding);
        Assert.That((await client.SendAsync(privateRequest)).Content.Headers.ContentEncoding, Is.Empty);
    }

    [Test]
    public async Task APhonesRequest_GetsTheStoredGzip_WhichReadsAsThePlainAnswer()
    {
        var (api, client) = Kestrel(new());
        using var _ = api;
        var producer = await api.CreateProducerAsync();
        var (_, batch, gtin) = await PublicScenario.RichBatchAsync(api, producer, "H-GZ");
        var code = batch.GetProperty("code").GetString()!;
        foreach (var (url, accept) in new[] { ($"/p/{code}", "text/html"), ($"/p/{code}", "application/json"),
                     ($"/api/v1/public/records/{code}", "application/json"), ($"/p/{code}?lang=en", "text/html") })
        {
            var phone = new HttpRequestMessage(HttpMethod.Get, url);
            phone.Headers.Accept.ParseAdd(accept);
            phone.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, deflate, br, zstd");
            var zipped = await client.SendAsync(phone);
            Assert.That(zipped.StatusCode, Is.EqualTo(HttpStatusCode.OK), url);
            Assert.That(zipped.Content.Headers.ContentEncoding, Is.EqualTo(new[] { "gzip" }), url);
            Assert.That(zipped.Headers.Vary.ToString(), Does.Contain("Accept-Encoding"), url);
            using var gunzip = new System.IO.Compression.GZipStream(await zipped.Content.ReadAsStreamAsync(), System.IO.Compression.CompressionMode.Decompress);
            var text = await new StreamReader(gunzip).ReadToEndAsync();

            var plain = new HttpRequestMessage(HttpMethod.Get, url);
            plain.Headers.Accept.ParseAdd(accept);
            var answer = await client.SendAsync(plain);
            Assert.That(answer.Content.Headers.ContentEncoding, Is.Empty, url);
            // The same answer but for the scan figures, which count each view.
            static string WithoutScans(string s) => System.Text.RegularExpressions.Regex.Replace(s, "(\"count\":|scan-count\">)\\d+", "$1N");
            Assert.That(WithoutScans(text), Is.EqualTo(WithoutScans(await answer.Content.ReadAsStringAsync())), url);
            Assert.That(text, Does.Contain("Chè Shan tuyết Pù Luông"), url);

            var again = new HttpRequestMessage(HttpMethod.Get, url);
            again.Headers.Accept.ParseAdd(accept);
            again.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
            again.Headers.TryAddWithoutValidation("If-None-Match", zipped.Headers.ETag!.ToString());
            Assert.That((await client.SendAsync(again)).StatusCode, Is.EqualTo(HttpStatusCode.NotModified), url);
            Assert.That(zipped.Headers.ETag!.Tag, Is.Not.EqualTo(answer.Headers.ETag!.Tag), "each encoding has its own validator");
        }
    }

    [Test]
    public async Task PublicGets_AllowAnyOrigin_AuthenticatedEndpointsDoNot()
    {
        var (api, client) = Kestrel(new());
        using var _ = api;
        var producer = await api.CreateProducerAsync();
        var (_, batch, _) = await PublicScenario.RichBatchAsync(api, producer, "H-2");
        var request = Get($"/api/v1/public/records/{batch.GetProperty("code").GetString()}");
        request.Headers.Add("Origin", "https://shop.example.vn");
        var response = await client.SendAsync(request);
        Assert.That(response.Headers.GetValues("Access-Control-Allow-Origin"), Is.EqualTo(new[] { "*" }));
        var query = Get("/api/v1/epcis/events?perPage=1");   // the EPCIS query, anonymously, from a partner's web page
        query.Headers.Add("Origin", "https://cong-ocop.example.gov.vn");
        Assert.That((await client.SendAsync(query)).Headers.GetValues("Access-Control-Allow-Origin"), Is.EqualTo(new[] { "*" }));

        var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/v1/products");
        preflight.Headers.Add("Origin", "https://evil.example");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        preflight.Headers.Add("Access-Control-Request-Headers", "X-Api-Key");
        var denied = await client.SendAsync(preflight);
        Assert.That(denied.Headers.Contains("Access-Control-Allow-Origin"), Is.False);
        var authed = new HttpRequestMessage(HttpMethod.Get, "/api/v1/products");
        authed.Headers.Add("Origin", "https://evil.example");
        authed.Headers.Add("X-Api-Key", producer.Key);
        Assert.That((await client.SendAsync(authed)).Headers.Contains("Access-Control-Allow-Origin"), Is.False);
    }
}
