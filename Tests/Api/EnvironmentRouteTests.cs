using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Traceability.Tests.Events;
using Traceability.Tests.Support;

namespace Traceability.Tests.Api;

/// <summary>Every route, answered by the host as people run it: Development (what `dotnet run --project Api` starts,
/// with the container's scope and build validation on) and Production. No route may answer 5xx or log a failure,
/// and a route added without being walked here fails the coverage check.</summary>
[TestFixture("Development")]
[TestFixture("Production")]
public sealed class EnvironmentRouteTests(string environment)
{
    private ApiFactory _api = null!;
    private readonly List<(string Method, string Template)> _walked = [];

    [OneTimeSetUp]
    public void Start() => _api = new ApiFactory(new()
    {
        ["Traceability:SeedDemoData"] = "true",
        ["Backup:Folder"] = Path.Combine(Path.GetTempPath(), "traceability-tests", "backups-" + Guid.NewGuid().ToString("N")),
    }, environment: environment);

    [OneTimeTearDown]
    public void Stop() => _api.Dispose();

    [Test]
    public async Task EveryRoute_AnswersWithoutServerError_AndLogsNoFailure()
    {
        var producer = await _api.CreateProducerAsync();
        var authority = await _api.CreateAuthorityAsync();
        var admin = _api.Admin();
        var anonymous = _api.ClientWithKey(null);
        var gtin = Scenario.NewGtin13();

        var producerId = producer.Id;
        // A subscription to everything, aimed at a port where nothing listens: its deliveries fail and are retried.
        var hook = (await Walk(producer.Client, "POST", "/api/v1/webhooks", "/api/v1/webhooks",
            new { url = "http://127.0.0.1:9/hooks", events = new[] { "batch.created", "event.recorded", "serials.issued", "batch.recalled" } }, HttpStatusCode.Created)).Id();
        var product = await Walk(producer.Client, "POST", "/api/v1/products", "/api/v1/products",
            new { name = "Chè lam Phủ Quảng", gtin, category = "food", shelfLifeDays = 90 }, HttpStatusCode.Created);
        var productId = product.Id();
        var parent = await Walk(producer.Client, "POST", "/api/v1/batches", "/api/v1/batches",
            new { productId, lotNumber = "ROUTE-1", producedOn = "2025-11-20", quantity = 10, unit = "KGM" }, HttpStatusCode.Created);
        var batch = await producer.CreateBatchAsync(productId, "ROUTE-2");
        var batchId = batch.Id();
        var code = batch.GetProperty("code").GetString()!;
        var lot = "ROUTE-2";

        await Walk(admin, "GET", "/api/v1/producers/{id:guid}", $"/api/v1/producers/{producerId}");
        var household = await Walk(admin, "POST", "/api/v1/producers", "/api/v1/producers", new
        {
            name = "Hộ kinh doanh Lê Văn An", kind = "household",
            address = new { line = "Thôn 1", commune = "Xã Quảng Phú", province = "Thanh Hóa" },
        }, HttpStatusCode.Created);
        await Walk(authority.Client, "POST", "/api/v1/producers/{id:guid}/deactivate", $"/api/v1/producers/{household.Id()}/deactivate", new { reason = "Tạm dừng" });
        await Walk(authority.Client, "POST", "/api/v1/producers/{id:guid}/reactivate", $"/api/v1/producers/{household.Id()}/reactivate", new { reason = "Hoạt động lại" });
        await Walk(authority.Client, "GET", "/api/v1/producers/{id:guid}/acts", $"/api/v1/producers/{household.Id()}/acts");
        var key = await Walk(producer.Client, "POST", "/api/v1/producers/{id:guid}/api-keys", $"/api/v1/producers/{producerId}/api-keys", null, HttpStatusCode.Created);
        await Walk(producer.Client, "GET", "/api/v1/producers/{id:guid}/api-keys", $"/api/v1/producers/{producerId}/api-keys");
        await Walk(producer.Client, "DELETE", "/api/v1/producers/{id:guid}/api-keys/{keyId:guid}",
            $"/api/v1/producers/{producerId}/api-keys/{key.GetProperty("id").GetGuid()}", null, HttpStatusCode.NoContent);
        var newAuthority = await Walk(admin, "POST", "/api/v1/authorities", "/api/v1/authorities",
            new { name = "Bộ Nông nghiệp và Môi trường", level = "national" }, HttpStatusCode.Created);
        await Walk(admin, "GET", "/api/v1/authorities/{id:guid}", $"/api/v1/authorities/{newAuthority.Id()}");
        var authorityKey = await Walk(authority.Client, "POST", "/api/v1/authorities/{id:guid}/api-keys", $"/api/v1/authorities/{authority.Id}/api-keys", null,
            HttpStatusCode.Created);
        await Walk(authority.Client, "GET", "/api/v1/authorities/{id:guid}/api-keys", $"/api/v1/authorities/{authority.Id}/api-keys");
        await Walk(authority.Client, "DELETE", "/api/v1/authorities/{id:guid}/api-keys/{keyId:guid}",
            $"/api/v1/authorities/{authority.Id}/api-keys/{authorityKey.Id()}", null, HttpStatusCode.NoContent);

        await Walk(producer.Client, "GET", "/api/v1/products", "/api/v1/products");
        await Walk(producer.Client, "GET", "/api/v1/products/{id:guid}", $"/api/v1/products/{productId}");
        await Walk(producer.Client, "PATCH", "/api/v1/products/{id:guid}", $"/api/v1/products/{productId}",
            new { description = "Bánh chè lam truyền thống" }, HttpStatusCode.OK, "application/merge-patch+json");
        var withdrawnLater = await Walk(authority.Client, "POST", "/api/v1/products/{id:guid}/ocop-certifications", $"/api/v1/products/{productId}/ocop-certifications",
            new { stars = 3, decisionNumber = "1520/QĐ-UBND", issuedBy = "UBND tỉnh Thanh Hóa", issuedOn = "2025-09-15" }, HttpStatusCode.Created);
        await Walk(authority.Client, "POST", "/api/v1/products/{id:guid}/ocop-certifications/{certificationId:guid}/withdrawal",
            $"/api/v1/products/{productId}/ocop-certifications/{withdrawnLater.Id()}/withdrawal", new { reason = "Ghi nhầm quyết định" });
        await Walk(authority.Client, "POST", "/api/v1/products/{id:guid}/ocop-certifications", $"/api/v1/products/{productId}/ocop-certifications",
            new { stars = 4, decisionNumber = "3981/QĐ-UBND", issuedBy = "UBND tỉnh Thanh Hóa", issuedOn = "2025-10-15" }, HttpStatusCode.Created);
        await Walk(producer.Client, "GET", "/api/v1/products/{id:guid}/ocop-certifications", $"/api/v1/products/{productId}/ocop-certifications");
        await Walk(authority.Client, "GET", "/api/v1/products/{id:guid}/changes", $"/api/v1/products/{productId}/changes");
        var productLink = await Walk(producer.Client, "POST", "/api/v1/products/{id:guid}/links", $"/api/v1/products/{productId}/links",
            new { linkType = "gs1:recipeInfo", href = "https://htx.example.vn/cach-an", title = "Cách ăn", language = "vi" }, HttpStatusCode.Created);
        await Walk(producer.Client, "GET", "/api/v1/products/{id:guid}/links", $"/api/v1/products/{productId}/links");
        await Walk(producer.Client, "DELETE", "/api/v1/products/{id:guid}/links/{linkId:guid}", $"/api/v1/products/{productId}/links/{productLink.Id()}", null,
            HttpStatusCode.NoContent);

        await Walk(producer.Client, "GET", "/api/v1/batches", "/api/v1/batches");
        await Walk(producer.Client, "GET", "/api/v1/batches/{id:guid}", $"/api/v1/batches/{batchId}");
        var harvest = await Walk(producer.Client, "POST", "/api/v1/batches/{id:guid}/events", $"/api/v1/batches/{batchId}/events",
            EventScenario.Harvest(), HttpStatusCode.Created);
        await Walk(producer.Client, "POST", "/api/v1/events", "/api/v1/events",
            new { events = new[] { new { batchId, type = "packing", occurredAt = "2025-11-21T09:00:00+07:00" } } }, HttpStatusCode.Created);
        await Walk(producer.Client, "GET", "/api/v1/batches/{id:guid}/events", $"/api/v1/batches/{batchId}/events");
        await Walk(producer.Client, "GET", "/api/v1/batches/{id:guid}/events/{eventId:guid}", $"/api/v1/batches/{batchId}/events/{harvest.Id()}");
        await Walk(producer.Client, "GET", "/api/v1/batches/{id:guid}/verification", $"/api/v1/batches/{batchId}/verification");
        await Walk(producer.Client, "GET", "/api/v1/batches/{id:guid}/lineage", $"/api/v1/batches/{batchId}/lineage");
        await Walk(producer.Client, "GET", "/api/v1/batches/{id:guid}/labels", $"/api/v1/batches/{batchId}/labels?count=3", accept: "text/html");
        await Walk(producer.Client, "POST", "/api/v1/batches/{id:guid}/serials", $"/api/v1/batches/{batchId}/serials", new { count = 5, withPin = true },
            HttpStatusCode.Created, accept: "text/csv");
        var issues = await Walk(producer.Client, "GET", "/api/v1/batches/{id:guid}/serials", $"/api/v1/batches/{batchId}/serials");
        var issueId = issues[0].GetProperty("id").GetGuid();
        await Walk(producer.Client, "GET", "/api/v1/batches/{id:guid}/serials/{issueId:guid}", $"/api/v1/batches/{batchId}/serials/{issueId}", accept: "text/csv");
        await Walk(producer.Client, "GET", "/api/v1/batches/{id:guid}/serials/{issueId:guid}/labels", $"/api/v1/batches/{batchId}/serials/{issueId}/labels?count=2",
            accept: "text/html");
        await Walk(producer.Client, "GET", "/api/v1/batches/{id:guid}/serials/activity", $"/api/v1/batches/{batchId}/serials/activity");
        await Walk(producer.Client, "POST", "/api/v1/batches/{id:guid}/serials/void", $"/api/v1/batches/{batchId}/serials/void",
            new { issueId, from = 5, to = 5 });
        foreach (var accept in new[] { "text/html", "application/json" })
            await Walk(anonymous, "GET", "/p/{code}/{serial}", $"/p/{code}/NOT-ISSUED-1", accept: accept);
        await Walk(anonymous, "GET", "/api/v1/public/records/{code}/items/{serial}", $"/api/v1/public/records/{code}/items/NOT-ISSUED-1");
        var form = new HttpRequestMessage(HttpMethod.Post, $"/p/{code}/NOT-ISSUED-1")
            { Content = new FormUrlEncodedContent([new("pin", "12345678")]) };
        Assert.That((int)(await anonymous.SendAsync(form)).StatusCode, Is.EqualTo(200), $"{environment}: the PIN form");
        _walked.Add(("POST", "/p/{code}/{serial}"));
        await Walk(anonymous, "GET", "/api/v1/event-types", "/api/v1/event-types");
        await Walk(anonymous, "GET", "/api/v1/provinces", "/api/v1/provinces");

        foreach (var accept in new[] { "text/html", "application/json" })
        {
            await Walk(anonymous, "GET", "/p/{code}", $"/p/{code}", accept: accept);
            await Walk(anonymous, "GET", "/01/{**path}", $"/01/0{gtin}/10/{lot}", accept: accept, expected: HttpStatusCode.TemporaryRedirect);
            await Walk(anonymous, "GET", "/products/{gtin}", $"/products/0{gtin}", accept: accept);
            await Walk(anonymous, "GET", "/ocop", "/ocop?q=che", accept: accept);
            await Walk(anonymous, "GET", "/ocop/{province}", "/ocop/thanh-hoa", accept: accept);
        }
        using var shopper = _api.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await Walk(shopper, "GET", "/p/{code}/report", $"/p/{code}/report", accept: "text/html");
        await Walk(shopper, "GET", "/p/{code}/{serial}/report", $"/p/{code}/ITEM-1/report", accept: "text/html");
        var refused = await shopper.PostAsync($"/p/{code}/ITEM-1/report", new FormUrlEncodedContent(new Dictionary<string, string> { ["reason"] = "other" }));
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), $"{environment}: a report without a message");
        _walked.Add(("POST", "/p/{code}/{serial}/report"));
        var receipt = await shopper.PostAsync($"/p/{code}/report", new FormUrlEncodedContent(new Dictionary<string, string> { ["reason"] = "other", ["message"] = "Hỏi" }));
        Assert.That(receipt.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        _walked.Add(("POST", "/p/{code}/report"));
        await Walk(shopper, "GET", "/r/{receipt}", receipt.Headers.Location!.ToString(), accept: "text/html");
        var report = (await Walk(producer.Client, "GET", "/api/v1/reports", "/api/v1/reports")).GetProperty("items")[0].Id();
        await Walk(producer.Client, "GET", "/api/v1/reports/{id:guid}", $"/api/v1/reports/{report}");
        await Walk(producer.Client, "POST", "/api/v1/reports/{id:guid}/handle", $"/api/v1/reports/{report}/handle", new { status = "closed" });
        foreach (var name in new[] { "products", "certifications", "idle-products", "scans", "signals", "recalls", "shopper-reports" })
        {
            await Walk(authority.Client, "GET", $"/api/v1/oversight/{name}", $"/api/v1/oversight/{name}");
            await Walk(admin, "GET", $"/api/v1/oversight/{name}", $"/api/v1/oversight/{name}?province=thanh-hoa&format=csv", track: false);
        }
        await Walk(admin, "POST", "/api/v1/admin/backups", "/api/v1/admin/backups", expected: HttpStatusCode.Created);
        await Walk(admin, "GET", "/api/v1/admin/backups", "/api/v1/admin/backups");
        await Walk(producer.Client, "GET", "/api/v1/producers/{id:guid}/export", $"/api/v1/producers/{producerId}/export");
        // The dashboard, through its forms as a browser signs in and out (the session cookie and the antiforgery token).
        using var officer = _api.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
            { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri("https://localhost") });
        await Walk(officer, "GET", "/dashboard", "/dashboard", expected: HttpStatusCode.Redirect);
        var signInPage = await (await officer.GetAsync("/dashboard/sign-in")).Content.ReadAsStringAsync();
        _walked.Add(("GET", "/dashboard/sign-in"));
        string Token(string html) => WebUtility.HtmlDecode(Regex.Match(html, "name=\"csrf\" value=\"([^\"]+)\"").Groups[1].Value);
        var signedIn = await officer.PostAsync("/dashboard/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["csrf"] = Token(signInPage), ["key"] = authority.Key }));
        Assert.That(signedIn.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther), $"{environment}: sign-in");
        _walked.Add(("POST", "/dashboard/sign-in"));
        var dashboard = await (await officer.GetAsync("/dashboard")).Content.ReadAsStringAsync();
        _walked.Add(("GET", "/dashboard"));
        await Walk(officer, "GET", "/dashboard/{report}.csv", "/dashboard/recalls.csv");
        var signedOut = await officer.PostAsync("/dashboard/sign-out", new FormUrlEncodedContent(new Dictionary<string, string> { ["csrf"] = Token(dashboard) }));
        Assert.That(signedOut.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther), $"{environment}: sign-out");
        _walked.Add(("POST", "/dashboard/sign-out"));
        await Walk(anonymous, "GET", "/api/v1/public/ocop", "/api/v1/public/ocop?province=thanh-hoa&category=food");
        await Walk(anonymous, "GET", "/p/{code}", $"/p/{code}?lang=en", accept: "text/html");
        await Walk(anonymous, "GET", "/01/{**path}", $"/01/0{gtin}/10/{lot}?linkType=linkset");
        await Walk(anonymous, "GET", "/01/{**path}", $"/01/0{gtin}/10/{lot}?linkType=gs1:epcis", expected: HttpStatusCode.TemporaryRedirect);
        await Walk(anonymous, "GET", "/01/{**path}", $"/01/{gtin}/10/{lot}", expected: HttpStatusCode.MovedPermanently);
        await Walk(anonymous, "GET", "/01/{**path}", $"/01/0{gtin}/10/{lot}/21/ITEM-1?linkType=linkset");
        await Walk(anonymous, "GET", "/01/{**path}", $"/01/0{gtin}/10/{lot}/foo", expected: HttpStatusCode.BadRequest);
        await Walk(anonymous, "GET", "/01/{**path}", $"/01/0{gtin}?linkType=gs1:nosuchlt", expected: HttpStatusCode.NotFound);
        await Walk(anonymous, "GET", "/.well-known/gs1resolver", "/.well-known/gs1resolver");
        await Walk(anonymous, "GET", "/{compressed}", "/AAAAAAAAAAAA", expected: HttpStatusCode.NotFound);
        await Walk(anonymous, "GET", "/api/v1/public/products/{gtin}", $"/api/v1/public/products/0{gtin}");
        await Walk(anonymous, "GET", "/api/v1/public/products/{gtin}/certification", $"/api/v1/public/products/0{gtin}/certification");
        await Walk(anonymous, "GET", "/p/{code}", "/p/ZZZZZZZZZZ", accept: "text/html", expected: HttpStatusCode.NotFound);
        await Walk(anonymous, "GET", "/p/{code}/qr.png", $"/p/{code}/qr.png");
        await Walk(anonymous, "GET", "/p/{code}/qr.png", $"/p/{code}/qr.png?size=600");
        await Walk(anonymous, "GET", "/p/{code}/qr.svg", $"/p/{code}/qr.svg");
        await Walk(anonymous, "GET", "/api/v1/public/records/{code}", $"/api/v1/public/records/{code}");
        await Walk(anonymous, "GET", "/api/v1/public/records/{code}/certification", $"/api/v1/public/records/{code}/certification");
        await Walk(anonymous, "GET", "/api/v1/public/records/{code}/epcis", $"/api/v1/public/records/{code}/epcis");
        var recall = await Walk(authority.Client, "POST", "/api/v1/batches/{id:guid}/recall", $"/api/v1/batches/{parent.Id()}/recall",
            new { reason = "Kiểm tra định kỳ phát hiện vi sinh vượt ngưỡng" });
        await Walk(authority.Client, "GET", "/api/v1/recalls/{id:guid}", $"/api/v1/recalls/{recall.Id()}");
        await Walk(producer.Client, "GET", "/api/v1/recalls/{id:guid}/batches", $"/api/v1/recalls/{recall.Id()}/batches");
        await Walk(producer.Client, "GET", "/api/v1/batches/{id:guid}/recalls", $"/api/v1/batches/{parent.Id()}/recalls");
        await Walk(producer.Client, "POST", "/api/v1/batches/{id:guid}/recall", $"/api/v1/batches/{parent.Id()}/recall", new { reason = "Tự thu hồi" });
        await Walk(authority.Client, "POST", "/api/v1/recalls/{id:guid}/withdrawal", $"/api/v1/recalls/{recall.Id()}/withdrawal",
            new { reason = "Kết quả kiểm nghiệm lại đạt" });
        await Walk(anonymous, "GET", "/p/{code}", $"/p/{parent.GetProperty("code").GetString()}", accept: "text/html");
        var capture = await Walk(producer.Client, "POST", "/api/v1/epcis/capture", "/api/v1/epcis/capture", new Dictionary<string, object>
        {
            ["@context"] = new[] { "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld" }, ["type"] = "EPCISDocument", ["schemaVersion"] = "2.0",
            ["creationDate"] = "2025-11-21T10:00:00Z",
            ["epcisBody"] = new { eventList = new[] { new Dictionary<string, object>
            {
                ["type"] = "ObjectEvent", ["eventTime"] = "2025-11-21T09:30:00+07:00", ["eventTimeZoneOffset"] = "+07:00", ["action"] = "OBSERVE",
                ["bizStep"] = "storing", ["quantityList"] = new[] { new { epcClass = $"https://id.gs1.org/01/0{gtin}/10/{lot}" } },
            } } },
        }, HttpStatusCode.Accepted, contentType: "application/ld+json");
        await Walk(producer.Client, "GET", "/api/v1/epcis/capture/{captureId:guid}", $"/api/v1/epcis/capture/{capture.GetProperty("captureID").GetString()}");
        foreach (var query in new[] { "", $"?MATCH_anyEPCClass=https://id.gs1.org/01/0{gtin}/10/{lot}&EQ_bizStep=storing|packing&perPage=1" })
            foreach (var client in new[] { anonymous, producer.Client, authority.Client })
                await Walk(client, "GET", "/api/v1/epcis/events", "/api/v1/epcis/events" + query,
                    expected: client == anonymous && query == "" ? HttpStatusCode.BadRequest : HttpStatusCode.OK);
        await Walk(producer.Client, "POST", "/api/v1/epcis/queries", "/api/v1/epcis/queries", new Dictionary<string, object>
        {
            ["name"] = "walk", ["query"] = new Dictionary<string, object> { ["EQ_bizStep"] = new[] { "storing", "packing" } },
        }, HttpStatusCode.Created);
        await Walk(producer.Client, "GET", "/api/v1/epcis/queries", "/api/v1/epcis/queries");
        await Walk(producer.Client, "GET", "/api/v1/epcis/queries/{name}", "/api/v1/epcis/queries/walk");
        await Walk(producer.Client, "GET", "/api/v1/epcis/queries/{name}/events", "/api/v1/epcis/queries/walk/events?perPage=1");
        var subscription = await Walk(producer.Client, "POST", "/api/v1/epcis/queries/{name}/subscriptions", "/api/v1/epcis/queries/walk/subscriptions",
            new { dest = "http://127.0.0.1:9/epcis", schedule = new Dictionary<string, string> { ["minute"] = "0", ["hour"] = "6" } }, HttpStatusCode.Created);
        await Walk(producer.Client, "GET", "/api/v1/epcis/queries/{name}/subscriptions", "/api/v1/epcis/queries/walk/subscriptions");
        await Walk(producer.Client, "DELETE", "/api/v1/epcis/queries/{name}/subscriptions/{subscriptionId:guid}",
            $"/api/v1/epcis/queries/walk/subscriptions/{subscription.GetProperty("subscriptionID").GetString()}", expected: HttpStatusCode.NoContent);
        await Walk(producer.Client, "DELETE", "/api/v1/epcis/queries/{name}", "/api/v1/epcis/queries/walk", expected: HttpStatusCode.NoContent);
        await Walk(producer.Client, "GET", "/api/v1/webhooks", "/api/v1/webhooks");
        await Walk(producer.Client, "GET", "/api/v1/webhooks/{id:guid}", $"/api/v1/webhooks/{hook}");
        await Walk(producer.Client, "PATCH", "/api/v1/webhooks/{id:guid}", $"/api/v1/webhooks/{hook}", new { description = "Thử nghiệm" });
        await Walk(producer.Client, "POST", "/api/v1/webhooks/{id:guid}/rotate-secret", $"/api/v1/webhooks/{hook}/rotate-secret");
        var deliveries = await Walk(producer.Client, "GET", "/api/v1/webhooks/{id:guid}/deliveries", $"/api/v1/webhooks/{hook}/deliveries");
        await Walk(producer.Client, "POST", "/api/v1/webhooks/{id:guid}/deliveries/{deliveryId:guid}/redeliver",
            $"/api/v1/webhooks/{hook}/deliveries/{deliveries.GetProperty("items")[0].Id()}/redeliver", expected: HttpStatusCode.Accepted);
        await Walk(producer.Client, "DELETE", "/api/v1/webhooks/{id:guid}", $"/api/v1/webhooks/{hook}", expected: HttpStatusCode.NoContent);
        await Walk(anonymous, "GET", "/health/live", "/health/live");
        await Walk(anonymous, "GET", "/health/ready", "/health/ready");
        await Walk(anonymous, "GET", "/swagger/v1/swagger.yaml", "/swagger/v1/swagger.yaml", expected: HttpStatusCode.OK, track: false);

        Assert.That(_api.Logs.Errors, Is.Empty, $"{environment} logged failures");
        var routes = _api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (m, e.RoutePattern.RawText!.TrimEnd('/'))))
            .ToList();
        Assert.That(routes, Is.Not.Empty);
        Assert.That(routes.Except(_walked).ToList(), Is.Empty, "routes this walk does not exercise yet");
    }

    private async Task<System.Text.Json.JsonElement> Walk(HttpClient client, string method, string template, string url, object? body = null,
        HttpStatusCode expected = HttpStatusCode.OK, string? contentType = null, string? accept = null, bool track = true)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (body is not null)
            request.Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, contentType ?? "application/json");
        if (accept is not null) { request.Headers.Accept.Clear(); request.Headers.Accept.ParseAdd(accept); }
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.LessThan(500), $"{environment}: {method} {url} → {(int)response.StatusCode} {text}");
        Assert.That(response.StatusCode, Is.EqualTo(expected), $"{environment}: {method} {url}: {text}");
        if (track) _walked.Add((method, template));
        return response.Content.Headers.ContentType?.MediaType?.Contains("json") == true && text.Length > 0 && !Regex.IsMatch(text, @"^\s*[^{\[]")
            ? System.Text.Json.JsonDocument.Parse(text).RootElement.Clone()
            : default;
    }
}
