using System.Net;
using System.Net.Http.Json;
using Dapper;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Api;

public sealed class HostingTests
{
    [Test]
    public async Task Health_LiveAndReady_AnswerWithoutKey()
    {
        using var api = new ApiFactory();
        var client = api.CreateClient();
        Assert.That((await client.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var ready = await (await client.GetAsync("/health/ready")).Json(HttpStatusCode.OK);
        Assert.That(ready.GetProperty("status").GetString(), Is.EqualTo("healthy"));
    }

    [Test]
    public async Task NoAdminKeyConfigured_FirstStartStoresOneHashedAdminKey_RestartKeepsIt()
    {
        var settings = new Dictionary<string, string?> { ["Traceability:AdminApiKey"] = "" };
        using var first = new ApiFactory(settings);
        first.CreateClient();
        using (var db = first.OpenDatabase())
            Assert.That(await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM api_keys WHERE role = 'admin'"), Is.EqualTo(1));
        // The configured test key is not the admin now.
        await (await first.ClientWithKey(ApiFactory.AdminKey).GetAsync("/api/v1/products")).Json(HttpStatusCode.Unauthorized);

        using var restarted = new ApiFactory(settings, first.DatabasePath);
        restarted.CreateClient();
        using (var db = restarted.OpenDatabase())
            Assert.That(await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM api_keys WHERE role = 'admin'"), Is.EqualTo(1), "no second admin key");
    }

    [Test]
    public async Task SeedDemoData_SeedsAThanhHoaCooperative_Once()
    {
        var settings = new Dictionary<string, string?> { ["Traceability:SeedDemoData"] = "true" };
        using var api = new ApiFactory(settings);
        var admin = api.Admin();

        var products = await (await admin.GetAsync("/api/v1/products")).Json(HttpStatusCode.OK);
        var items = products.GetProperty("items").EnumerateArray().ToList();
        Assert.That(items, Has.Count.EqualTo(2));
        var producer = await (await admin.GetAsync($"/api/v1/producers/{items[0].GetProperty("producerId").GetGuid()}")).Json(HttpStatusCode.OK);
        Assert.That(producer.GetProperty("address").GetProperty("province").GetString(), Is.EqualTo("Thanh Hóa"));
        foreach (var product in items)
        {
            var certs = await (await admin.GetAsync($"/api/v1/products/{product.Id()}/ocop-certifications")).Json(HttpStatusCode.OK);
            Assert.That(certs.GetProperty("current").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Object));
        }
        var batches = await (await admin.GetAsync("/api/v1/batches")).Json(HttpStatusCode.OK);
        Assert.That(batches.GetProperty("items").GetArrayLength(), Is.EqualTo(2));

        using var again = new ApiFactory(settings, api.DatabasePath);
        var after = await (await again.Admin().GetAsync("/api/v1/products")).Json(HttpStatusCode.OK);
        Assert.That(after.GetProperty("items").GetArrayLength(), Is.EqualTo(2), "a second start does not seed again");
    }

    [Test]
    public async Task FirstDevelopmentStart_PrintsWorkingAdminAndDemoKeys_AndADemoPublicUrl()
    {
        using var api = new ApiFactory(new() { ["Traceability:AdminApiKey"] = "", ["Traceability:SeedDemoData"] = "true" });
        api.CreateClient();
        var log = string.Join("\n", api.Logs.Lines);
        string Key(string label) => System.Text.RegularExpressions.Regex.Match(log, label + @"[^\n]*?(ocop_[A-Za-z0-9_-]{43})").Groups[1].Value;

        var admin = Key("admin API key");
        var producer = Key("Demo producer API key");
        Assert.That(admin, Is.Not.Empty, log);
        Assert.That(producer, Is.Not.Empty, log);
        await (await api.ClientWithKey(admin).GetAsync("/api/v1/batches")).Json(HttpStatusCode.OK);
        var own = await (await api.ClientWithKey(producer).GetAsync("/api/v1/products")).Json(HttpStatusCode.OK);
        Assert.That(own.GetProperty("items").GetArrayLength(), Is.EqualTo(2));
        var url = System.Text.RegularExpressions.Regex.Match(log, @"https://trace\.example\.vn/(01|p)/\S+").Value;
        Assert.That(url, Is.Not.Empty, log);
        var page = await api.CreateClient().SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(url).PathAndQuery) { Headers = { { "Accept", "text/html" } } });
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the printed demo URL opens the demo page");
    }
}
