using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Traceability.Api.Auth;
using Traceability.Tests.Support;

namespace Traceability.Tests.Trust;

/// <summary>The public sees what the page shows, nothing it can enumerate: every route that answers without a key is
/// called, in every form a phone or an app asks for, and no answer holds an item serial the caller did not name, a PIN,
/// a key, a webhook's secret or address, or a producer's non-public field (its tax code). A public route added without a
/// line in <see cref="Samples"/> fails the test, so each one is decided (and written in the README's "who sees what").</summary>
public sealed class PublicExposureTests
{
    [Test]
    public async Task EveryPublicRoute_RevealsNoSerialPinKeyOrSecret_TheCallerDidNotBring()
    {
        using var api = new ApiFactory();
        const string taxCode = "2809876543";
        var created = await (await api.Admin().PostAsJsonAsync("/api/v1/producers", new
        {
            name = "HTX Chè Xuân Lập", kind = "cooperative", taxCode,
            address = new { commune = "Xã Xuân Lập", province = "Thanh Hóa" }, phone = "0237 3850 123",
        })).Json(HttpStatusCode.Created);
        var key = created.GetProperty("apiKey").GetString()!;
        var producer = new Account(created.Id(), created.GetProperty("apiKeyId").GetGuid(), key, api.ClientWithKey(key));
        var gtin13 = Scenario.NewGtin13();
        var product = await producer.CreateProductAsync(gtin13, name: "Chè búp Xuân Lập");
        var gtin = product.GetProperty("gtin").GetString()!;
        var batch = await producer.CreateBatchAsync(product.Id(), "CHE-2512");
        var code = batch.GetProperty("code").GetString()!;
        var csv = await (await producer.Client.PostAsJsonAsync($"/api/v1/batches/{batch.Id()}/serials", new { count = 3, withPin = true }))
            .Content.ReadAsStringAsync();
        var rows = csv.TrimEnd('\n').Split('\n').Skip(1).Select(l => l.Split(',')).ToList();
        var serials = rows.Select(r => r[1]).ToList();
        var pins = rows.Select(r => r[^1]).ToList();
        Assert.That(pins, Has.All.Match("^[0-9]{8}$"));
        await (await producer.Client.PostAsJsonAsync($"/api/v1/batches/{batch.Id()}/events", new
        {
            type = "shipping", occurredAt = "2025-11-21T08:00:00+07:00", items = new[] { serials[0], serials[1], serials[2] },
        })).Json(HttpStatusCode.Created);
        var appKey = (await (await producer.Client.PostAsJsonAsync($"/api/v1/producers/{producer.Id}/api-keys",
            new { name = "Ứng dụng kho", scopes = new[] { "read" } })).Json(HttpStatusCode.Created)).GetProperty("apiKey").GetString()!;
        var hook = await (await producer.Client.PostAsJsonAsync("/api/v1/webhooks",
            new { url = "http://127.0.0.1:9/hooks/secret-path-4711", events = new[] { "batch.recalled" } })).Json(HttpStatusCode.Created);
        var authority = await api.CreateAuthorityAsync();
        await (await authority.Client.PostAsJsonAsync($"/api/v1/products/{product.Id()}/ocop-certifications",
            new { stars = 4, decisionNumber = "3981/QĐ-UBND", issuedBy = "UBND tỉnh Thanh Hóa", issuedOn = "2025-10-15" })).Json(HttpStatusCode.Created);

        var held = serials[0];
        using var shopper = api.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var reported = await shopper.PostAsync($"/p/{code}/report", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["reason"] = "suspected_fake", ["message"] = "Tem khác thường", ["phone"] = "0987 654 321" }));
        var receipt = reported.Headers.Location!.ToString()[3..];
        var secrets = new Dictionary<string, string>
        {
            ["a shopper's phone"] = "0987 654 321", ["a shopper's message"] = "Tem khác thường",
            ["another item's serial"] = serials[1], ["a third item's serial"] = serials[2],
            ["the producer's key"] = key, ["an app's key"] = appKey, ["the admin key"] = ApiFactory.AdminKey, ["an authority's key"] = authority.Key,
            ["the webhook secret"] = hook.GetProperty("secret").GetString()!, ["the webhook's address"] = "secret-path-4711",
            ["the tax code"] = taxCode,
        };
        for (var i = 0; i < pins.Count; i++) secrets[$"PIN {i + 1}"] = pins[i];

        var lot = $"/01/{gtin}/10/CHE-2512";
        var samples = Samples(code, gtin, lot, held, receipt);
        var routes = api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null || e.Metadata.GetMetadata<IAuthorizeData>() is null
                        || e.Metadata.GetMetadata<OptionalApiKey>() is not null)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {e.RoutePattern.RawText!.TrimEnd('/')}"))
            .Distinct().ToList();
        Assert.That(routes, Has.Count.GreaterThan(15));
        Assert.That(routes.Where(r => !samples.ContainsKey(r)), Is.Empty, "a public route with no decision about what it reveals: add it here and to the README");

        var anonymous = api.ClientWithKey(null);
        anonymous.DefaultRequestHeaders.Accept.Clear();
        var calls = 0;
        foreach (var route in routes)
        foreach (var url in samples[route])
        foreach (var accept in new[] { "text/html", "application/json", "*/*" })
        {
            using var request = new HttpRequestMessage(new HttpMethod(route.Split(' ')[0]), url);
            request.Headers.Accept.ParseAdd(accept);
            if (request.Method == HttpMethod.Post) request.Content = new FormUrlEncodedContent([new("pin", "00000000")]);
            var response = await anonymous.SendAsync(request);
            var body = (await response.Content.ReadAsByteArrayAsync()).AsSpan();
            var text = System.Text.Encoding.UTF8.GetString(body) + string.Join('\n', response.Headers.Select(h => $"{h.Key}: {string.Join(',', h.Value)}"));
            Assert.That((int)response.StatusCode, Is.LessThan(500), $"{route} {url}");
            foreach (var (what, secret) in secrets)
                Assert.That(text, Does.Not.Contain(secret), $"{route} {url} ({accept}) shows {what}");
            if (!url.Contains(held, StringComparison.Ordinal))
                Assert.That(text, Does.Not.Contain(held), $"{route} {url} ({accept}) shows an item serial it was not asked about");
            calls++;
        }
        Assert.That(calls, Is.GreaterThan(60));
    }

    /// <summary>Every public route, with the addresses that exercise what it can show.</summary>
    private static Dictionary<string, string[]> Samples(string code, string gtin, string lot, string held, string receipt) => new()
    {
        ["GET /p/{code}/report"] = [$"/p/{code}/report"],
        ["POST /p/{code}/report"] = [$"/p/{code}/report"],
        ["GET /p/{code}/{serial}/report"] = [$"/p/{code}/{held}/report"],
        ["POST /p/{code}/{serial}/report"] = [$"/p/{code}/{held}/report"],
        ["GET /r/{receipt}"] = [$"/r/{receipt}", $"/r/{receipt}?lang=en"],
        ["GET /dashboard/sign-in"] = ["/dashboard/sign-in"],
        ["POST /dashboard/sign-in"] = ["/dashboard/sign-in"],
        ["POST /dashboard/sign-out"] = ["/dashboard/sign-out"],
        ["GET /p/{code}"] = [$"/p/{code}", $"/p/{code}?lang=en", $"/p/{code.ToLowerInvariant()}"],
        ["GET /p/{code}/{serial}"] = [$"/p/{code}/{held}", $"/p/{code}/{held}?lang=en", $"/p/{code}/NOT-ISSUED-1"],
        ["POST /p/{code}/{serial}"] = [$"/p/{code}/{held}"],
        ["GET /p/{code}/qr.png"] = [$"/p/{code}/qr.png"],
        ["GET /p/{code}/qr.svg"] = [$"/p/{code}/qr.svg"],
        ["GET /01/{**path}"] = [lot, $"{lot}?linkType=linkset", $"{lot}/21/{held}?linkType=linkset", $"/01/{gtin}?linkType=linkset", $"{lot}?linkType=gs1:epcis"],
        ["GET /products/{gtin}"] = [$"/products/{gtin}"],
        ["GET /ocop"] = ["/ocop", "/ocop?q=che"],
        ["GET /ocop/{province}"] = ["/ocop/thanh-hoa"],
        ["GET /api/v1/public/ocop"] = ["/api/v1/public/ocop?province=38"],
        ["GET /{compressed}"] = ["/AAAAAAAAAAAA"],
        ["GET /.well-known/gs1resolver"] = ["/.well-known/gs1resolver"],
        ["GET /api/v1/public/records/{code}"] = [$"/api/v1/public/records/{code}"],
        ["GET /api/v1/public/records/{code}/certification"] = [$"/api/v1/public/records/{code}/certification"],
        ["GET /api/v1/public/records/{code}/epcis"] = [$"/api/v1/public/records/{code}/epcis"],
        ["GET /api/v1/public/records/{code}/items/{serial}"] = [$"/api/v1/public/records/{code}/items/{held}"],
        ["GET /api/v1/public/products/{gtin}"] = [$"/api/v1/public/products/{gtin}"],
        ["GET /api/v1/public/products/{gtin}/certification"] = [$"/api/v1/public/products/{gtin}/certification"],
        ["GET /api/v1/epcis/events"] = [
            $"/api/v1/epcis/events?MATCH_anyEPCClass=https://id.gs1.org{lot}&perPage=500",
            $"/api/v1/epcis/events?MATCH_anyEPC=https://id.gs1.org/01/{gtin}/21/{held}",
            "/api/v1/epcis/events?perPage=500"],
        ["GET /api/v1/event-types"] = ["/api/v1/event-types"],
        ["GET /api/v1/provinces"] = ["/api/v1/provinces"],
        ["GET /health/live"] = ["/health/live"],
        ["GET /health/ready"] = ["/health/ready"],
    };

}
