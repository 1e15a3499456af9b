using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using NUnit.Framework;
using Traceability.Tests.Events;
using Traceability.Tests.Support;

namespace Traceability.Tests.Api;

/// <summary>Input crafted to break things: numbers that are not numbers, dates at the ends of the calendar, quantities a
/// database would round, bodies and parameters that do not bind, text that imitates the page's slots. Each gets a 400
/// naming its field, and nothing stored changes.</summary>
public sealed class HostileInputTests
{
    private ApiFactory _api = null!;
    private Account _producer = null!;
    private Account _authority = null!;
    private Guid _productId, _batchId;

    [OneTimeSetUp]
    public async Task Start()
    {
        _api = new ApiFactory();
        _producer = await _api.CreateProducerAsync();
        _authority = await _api.CreateAuthorityAsync("national");
        _productId = (await _producer.CreateProductAsync(Scenario.NewGtin13())).Id();
        _batchId = (await _producer.CreateBatchAsync(_productId, "HOSTILE-1")).Id();
    }

    [OneTimeTearDown] public void Stop() => _api.Dispose();

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<long> Rows()
    {
        using var db = _api.OpenDatabase();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT (SELECT COUNT(*) FROM batches) + (SELECT COUNT(*) FROM events) + (SELECT COUNT(*) FROM ocop_certifications)";
        return await Task.FromResult(Convert.ToInt64(command.ExecuteScalar()!, System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task AssertFieldError(HttpClient client, string url, string body, string field)
    {
        var before = await Rows();
        var response = await client.PostAsync(url, Json(body));
        var problem = await response.Json(HttpStatusCode.BadRequest);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var errors = problem.GetProperty("errors");
        Assert.That(errors.TryGetProperty(field, out _), Is.True, $"expected an error for {field}: {problem}");
        Assert.That(await Rows(), Is.EqualTo(before), "nothing stored");
    }

    [TestCase("\"NaN\"")]
    [TestCase("\"Infinity\"")]
    [TestCase("\"-Infinity\"")]
    [TestCase("\"19.9\"")]
    public async Task LatitudeThatIsNotANumber_Is400WithItsPath_OnEventBulkAndOrigin(string latitude)
    {
        await AssertFieldError(_producer.Client, $"/api/v1/batches/{_batchId}/events",
            $$$"""{"type":"harvesting","occurredAt":"2025-11-20T06:30:00+07:00","location":{"name":"Đồi","latitude":{{{latitude}}},"longitude":105.4}}""",
            "location.latitude");
        await AssertFieldError(_producer.Client, "/api/v1/events",
            $$$"""{"events":[{"batchId":"{{{_batchId}}}","type":"harvesting","occurredAt":"2025-11-20T06:30:00+07:00","location":{"latitude":{{{latitude}}},"longitude":105.4}}]}""",
            "events[0].location.latitude");
        await AssertFieldError(_producer.Client, "/api/v1/batches",
            $$$"""{"productId":"{{{_productId}}}","lotNumber":"NAN-1","producedOn":"2025-11-20","origin":{"name":"Trại","latitude":{{{latitude}}},"longitude":105.4}}""",
            "origin.latitude");
    }

    [TestCase("issuedOn", """{"stars":4,"decisionNumber":"1/QĐ","issuedBy":"UBND","issuedOn":"9999-12-31"}""")]
    [TestCase("issuedOn", """{"stars":4,"decisionNumber":"1/QĐ","issuedBy":"UBND","issuedOn":"0001-01-01"}""")]
    [TestCase("validUntil", """{"stars":4,"decisionNumber":"1/QĐ","issuedBy":"UBND","issuedOn":"2025-01-01","validUntil":"9999-12-31"}""")]
    public async Task CertificationDateOutsideTheRange_Is400(string field, string body) =>
        await AssertFieldError(_authority.Client, $"/api/v1/products/{_productId}/ocop-certifications", body, field);

    [TestCase("producedOn", "\"producedOn\":\"0001-01-01\"")]
    [TestCase("producedOn", "\"producedOn\":\"1999-12-31\"")]
    [TestCase("expiresOn", "\"producedOn\":\"2025-11-20\",\"expiresOn\":\"9999-12-31\"")]
    [TestCase("quantity", "\"producedOn\":\"2025-11-20\",\"quantity\":1.2345,\"unit\":\"KGM\"")]
    [TestCase("quantity", "\"producedOn\":\"2025-11-20\",\"quantity\":1000000000000,\"unit\":\"KGM\"")]
    [TestCase("quantity", "\"producedOn\":\"2025-11-20\",\"quantity\":\"200\",\"unit\":\"KGM\"")]
    [TestCase("parents[0].quantity", "\"producedOn\":\"2025-11-20\",\"parents\":[{\"batchId\":\"{batch}\",\"quantity\":0.0001}]")]
    public async Task BatchOutsideTheBounds_Is400(string field, string fields) =>
        await AssertFieldError(_producer.Client, "/api/v1/batches",
            $$"""{"productId":"{{_productId}}","lotNumber":"BOUNDS-1",{{fields.Replace("{batch}", _batchId.ToString())}}}""", field);

    [TestCase("occurredAt", "\"occurredAt\":\"1999-12-31T23:00:00Z\"")]
    [TestCase("occurredAt", "\"occurredAt\":\"9999-12-31T23:59:59+14:00\"")]
    [TestCase("certificates[0].validUntil", "\"occurredAt\":\"2025-11-20T06:30:00+07:00\",\"certificates\":[{\"name\":\"VietGAP\",\"validUntil\":\"2100-01-01\"}]")]
    public async Task EventOutsideTheRange_Is400(string field, string fields) =>
        await AssertFieldError(_producer.Client, $"/api/v1/batches/{_batchId}/events", $$"""{"type":"harvesting",{{fields}}}""", field);

    [TestCase("200", "200")]
    [TestCase("12.50", "12.5")]
    [TestCase("0.001", "0.001")]
    [TestCase("999999999999.999", "999999999999.999")]
    public async Task Quantity_AnswersTheNumberItWasGiven(string given, string answered)
    {
        var lot = "Q-" + Guid.NewGuid().ToString("N")[..8];
        var created = await _producer.Client.PostAsync("/api/v1/batches",
            Json($$"""{"productId":"{{_productId}}","lotNumber":"{{lot}}","producedOn":"2025-11-20","quantity":{{given}},"unit":"KGM"}"""));
        var text = await created.Content.ReadAsStringAsync();
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), text);
        Assert.That(text, Does.Contain($"\"quantity\":{answered},"));
        var id = JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
        var read = await (await _producer.Client.GetAsync($"/api/v1/batches/{id}")).Content.ReadAsStringAsync();
        Assert.That(read, Does.Contain($"\"quantity\":{answered},"), "read back from the database");
    }

    [Test]
    public async Task NullBody_Is400NamingTheBody()
    {
        var response = await _producer.Client.PostAsync("/api/v1/batches", Json("null"));
        var problem = await response.Json(HttpStatusCode.BadRequest);
        Assert.That(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty("body", out _), Is.True, problem.ToString());
    }

    [TestCase("/api/v1/batches?limit=1e9", "limit")]
    [TestCase("/api/v1/batches?limit=99999999999", "limit")]
    [TestCase("/api/v1/batches?productId=nope", "productId")]
    public async Task QueryThatDoesNotBind_Is400NamingTheParameter(string url, string field)
    {
        var problem = await (await _producer.Client.GetAsync(url)).Json(HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, problem.ToString());
    }

    [Test]
    public async Task TextImitatingThePageSlots_IsShownAsText_AndBreaksNoOtherPage()
    {
        var markers = string.Concat(Enumerable.Repeat("@@SCAN_COUNT@@<!--@scan-count@-->@@OTHER_LANGUAGE@@<!--@other-language@-->", 4));
        var forger = await _api.CreateProducerAsync("HTX " + markers[..190]);
        var forged = await forger.CreateProductAsync(name: "Chè " + markers[..180]);
        var input = await forger.CreateBatchAsync(forged.Id(), "SLOT-1");
        var made = await (await _producer.Client.PostAsJsonAsync("/api/v1/batches", new
        {
            productId = _productId, lotNumber = "SLOT-3", producedOn = "2025-11-21",
            parents = new[] { new { code = input.GetProperty("code").GetString(), quantity = 2 } },
        })).Json(HttpStatusCode.Created);

        foreach (var code in new[] { input.GetProperty("code").GetString()!, made.GetProperty("code").GetString()! })
        {
            var client = _api.CreateClient();
            var first = await client.GetStringAsync($"/p/{code}?lang=vi");
            Assert.That(first, Does.Contain("@@SCAN_COUNT@@&lt;!--@scan-count@--&gt;"), "the producer's text is shown as it was written");
            Assert.That(first, Does.Not.Contain("<!--@"), "every slot is filled");
            var second = await client.GetStringAsync($"/p/{code}?lang=vi");
            Assert.That(System.Text.RegularExpressions.Regex.Match(second, "id=\"scan-count\">(\\d+)<").Groups[1].Value, Is.EqualTo("2"), "the scan count slot");
            Assert.That(second, Does.Contain($"href=\"/p/{code}?lang=en\""), "the language link slot");
        }
    }
}
