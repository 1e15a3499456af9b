using System.Net;
using System.Net.Http.Json;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Api;

/// <summary>Quotas that keep one account from costing everyone: webhook subscriptions per account and per host (one
/// event must not fan out into a hundred signed POSTs), and serials per producer. Each refusal is a 422 that says which
/// quota and stores nothing.</summary>
public sealed class QuotaTests
{
    [Test]
    public async Task WebhookSubscriptions_AreBoundedPerAccountAndPerHost()
    {
        using var api = new ApiFactory(new() { ["Quotas:WebhooksPerAccount"] = "3", ["Quotas:WebhooksPerHost"] = "2" });
        var coop = await api.CreateProducerAsync();
        async Task<HttpResponseMessage> Subscribe(string url) => await coop.Client.PostAsJsonAsync("/api/v1/webhooks", new { url, events = new[] { "batch.created" } });
        await (await Subscribe("http://127.0.0.1:9/a")).Json(HttpStatusCode.Created);
        await (await Subscribe("http://127.0.0.1:9/b")).Json(HttpStatusCode.Created);
        var sameHost = await (await Subscribe("http://127.0.0.1:9/c")).Json(HttpStatusCode.UnprocessableEntity);
        Assert.That(sameHost.GetProperty("detail").GetString(), Does.Contain("WebhooksPerHost"));
        var other = await (await Subscribe("http://localhost:9/d")).Json(HttpStatusCode.Created);
        var full = await (await Subscribe("http://[::1]:9/e")).Json(HttpStatusCode.UnprocessableEntity);
        Assert.That(full.GetProperty("detail").GetString(), Does.Contain("WebhooksPerAccount"));

        using var move = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/webhooks/{other.Id()}") { Content = JsonContent.Create(new { url = "http://127.0.0.1:9/f" }) };
        await (await coop.Client.SendAsync(move)).Json(HttpStatusCode.UnprocessableEntity);
        Assert.That((await (await coop.Client.GetAsync("/api/v1/webhooks")).Json(HttpStatusCode.OK)).GetArrayLength(), Is.EqualTo(3));
    }

    [Test]
    public async Task Serials_AreBoundedPerProducer()
    {
        using var api = new ApiFactory(new() { ["Quotas:SerialsPerProducer"] = "100" });
        var coop = await api.CreateProducerAsync();
        var batch = (await coop.CreateBatchAsync((await coop.CreateProductAsync(Scenario.NewGtin13())).Id())).Id();
        var url = $"/api/v1/batches/{batch}/serials";
        Assert.That((await coop.Client.PostAsJsonAsync(url, new { count = 60 })).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var over = await (await coop.Client.PostAsJsonAsync(url, new { count = 50 })).Json(HttpStatusCode.UnprocessableEntity);
        Assert.That(over.GetProperty("detail").GetString(), Does.Contain("SerialsPerProducer"));
        Assert.That((await coop.Client.PostAsJsonAsync(url, new { count = 40 })).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var issues = await (await coop.Client.GetAsync(url)).Json(HttpStatusCode.OK);
        Assert.That(issues.EnumerateArray().Sum(i => i.GetProperty("count").GetInt32()), Is.EqualTo(100));
    }
}
