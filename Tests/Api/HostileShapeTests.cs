using System.Net;
using System.Net.Http.Json;
using System.Text;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Api;

/// <summary>Each family of hostile shapes is refused by a cheap limit with a 400 (or 413) that names what is wrong, and
/// stores nothing: huge counts, deep nesting, long strings, many parents, many serials, many items.</summary>
public sealed class HostileShapeTests : ApiTest
{
    private async Task<System.Text.Json.JsonElement> PostRaw(string url, string json, HttpStatusCode expected) =>
        await (await Producer.Client.PostAsync(url, new StringContent(json, Encoding.UTF8, "application/json"))).Json(expected);

    [Test]
    public async Task DeepNesting_Is400_NotAStackOverflow()
    {
        var deep = new string('[', 10_000) + new string(']', 10_000);
        var problem = await PostRaw("/api/v1/products", $$"""{"name": "a", "category": "food", "standards": {{deep}}}""", HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").EnumerateObject().Any(), Is.True);
        var capture = await (await Producer.Client.PostAsync("/api/v1/epcis/capture",
            new StringContent($$"""{"type": "EPCISDocument", "x": {{deep}}}""", Encoding.UTF8, "application/ld+json"))).Json(HttpStatusCode.BadRequest);
        Assert.That(capture.GetProperty("status").GetInt32(), Is.EqualTo(400));
    }

    [Test]
    public async Task HugeCounts_AreRefusedBeforeAnyWork()
    {
        var batch = (await Producer.CreateBatchAsync((await Producer.CreateProductAsync(Scenario.NewGtin13())).Id(), "HUGE-1")).Id();
        foreach (var count in new[] { "2147483647", "1000001", "-1", "1e9" })
        {
            var response = await Producer.Client.PostAsync($"/api/v1/batches/{batch}/serials", new StringContent($$"""{"count": {{count}}}""", Encoding.UTF8, "application/json"));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), count);
        }
        await (await Producer.Client.GetAsync($"/api/v1/batches/{batch}/labels?count=100000")).Json(HttpStatusCode.BadRequest);
        await (await Producer.Client.GetAsync("/api/v1/batches?limit=100000")).Json(HttpStatusCode.BadRequest);
        await (await Api.ClientWithKey(null).GetAsync($"/p/ABCDEFGHJK/qr.png?size=100000")).Json(HttpStatusCode.BadRequest);
        var issues = await (await Producer.Client.GetAsync($"/api/v1/batches/{batch}/serials")).Json(HttpStatusCode.OK);
        Assert.That(issues.GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task LongStrings_AreRefusedNamingTheField()
    {
        var problem = await (await Producer.Client.PostAsJsonAsync("/api/v1/products", new { name = new string('a', 201), category = "food" }))
            .Json(HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").GetProperty("name")[0].GetString(), Does.Contain("At most 200"));
        var huge = await (await Producer.Client.PostAsJsonAsync("/api/v1/products", new { name = "a", category = "food", description = new string('b', 2_000_000) }))
            .Json(HttpStatusCode.RequestEntityTooLarge);
        Assert.That(huge.GetProperty("status").GetInt32(), Is.EqualTo(413), "the body's size is checked before it is read");
    }

    [Test]
    public async Task ManyParentsAndManyItems_AreRefused()
    {
        var product = (await Producer.CreateProductAsync()).Id();
        var parents = Enumerable.Range(0, 101).Select(_ => new { code = "ABCDEFGHJK" }).ToArray();
        var problem = await (await Producer.Client.PostAsJsonAsync("/api/v1/batches", new { productId = product, lotNumber = "MANY", producedOn = "2025-11-20", parents }))
            .Json(HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").GetProperty("parents")[0].GetString(), Does.Contain("At most 100"));
        var batch = (await Producer.CreateBatchAsync(product, "ITEMS")).Id();
        var items = Enumerable.Range(0, 1001).Select(i => $"S{i}").ToArray();
        var tooMany = await (await Producer.Client.PostAsJsonAsync($"/api/v1/batches/{batch}/events", new { type = "shipping", occurredAt = "2025-11-21T08:00:00+07:00", items }))
            .Json(HttpStatusCode.BadRequest);
        Assert.That(tooMany.GetProperty("errors").TryGetProperty("items", out _), Is.True, tooMany.ToString());
        var sync = await (await Producer.Client.PostAsJsonAsync("/api/v1/events", new
        {
            events = Enumerable.Range(0, 1001).Select(_ => new { batchId = batch, type = "storing", occurredAt = "2025-11-21T08:00:00+07:00" }).ToArray(),
        })).Json(HttpStatusCode.BadRequest);
        Assert.That(sync.GetProperty("errors").TryGetProperty("events", out _), Is.True, sync.ToString());
        var stored = await (await Producer.Client.GetAsync($"/api/v1/batches/{batch}/events")).Json(HttpStatusCode.OK);
        Assert.That(stored.GetProperty("items").GetArrayLength(), Is.Zero);
    }
}
