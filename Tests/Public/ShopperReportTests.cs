using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Public;

/// <summary>A shopper reports a lot or an item from its page, follows it by a receipt, and reads the answer; the producer
/// and its province's office read, answer and close it, and only they see the shopper's phone.</summary>
public sealed class ShopperReportTests
{
    private ApiFactory _api = null!;
    private Account _producer = null!;
    private Account _province = null!;
    private string _code = "";
    private JsonElement _batch;

    [OneTimeSetUp]
    public async Task Start()
    {
        _api = new ApiFactory();
        _producer = await _api.CreateProducerAsync("HTX Mật ong Bá Thước");
        _province = await _api.CreateAuthorityAsync();
        var product = await _producer.CreateProductAsync(Scenario.NewGtin13(), name: "Mật ong rừng");
        _batch = await _producer.CreateBatchAsync(product.Id(), "REPORT-1");
        _code = _batch.GetProperty("code").GetString()!;
    }

    [OneTimeTearDown] public void Stop() => _api.Dispose();

    private HttpClient Shopper() => _api.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private static FormUrlEncodedContent Form(string reason, string message, string? phone = null) =>
        new(new Dictionary<string, string> { ["reason"] = reason, ["message"] = message, ["phone"] = phone ?? "" });

    private async Task<string> SendAsync(string path, string reason, string message, string? phone = null)
    {
        var sent = await Shopper().PostAsync(path, Form(reason, message, phone));
        Assert.That(sent.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther), await sent.Content.ReadAsStringAsync());
        var location = sent.Headers.Location!.ToString();
        Assert.That(location, Does.Match("^/r/[A-Z2-9]{10}$"));
        return location[3..];
    }

    [Test]
    public async Task AShopperReports_FollowsTheReceipt_AndReadsTheAnswer_WhileOnlyTheProvinceSeesThePhone()
    {
        var form = await (await Shopper().SendAsync(PublicScenario.Get($"/p/{_code}/report", "text/html"))).Content.ReadAsStringAsync();
        Assert.That(form, Does.Contain("<form method=\"post\"").And.Contain("name=\"message\"").And.Not.Contain("<script"));

        var receipt = await SendAsync($"/p/{_code}/report", "suspected_fake", "Nắp chai khác với lần trước <b>lạ</b>", "0912 345 678");
        var page = System.Net.WebUtility.HtmlDecode(await (await Shopper().SendAsync(PublicScenario.Get($"/r/{receipt}", "text/html"))).Content.ReadAsStringAsync());
        Assert.That(page, Does.Contain(receipt).And.Contain("Đã tiếp nhận").And.Contain("Nghi hàng giả"));
        Assert.That(page, Does.Not.Contain("Nắp chai").And.Not.Contain("0912"), "the receipt never shows the message or the phone");

        var mine = await (await _producer.Client.GetAsync("/api/v1/reports")).Json(HttpStatusCode.OK);
        var report = mine.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("receipt").GetString() == receipt);
        Assert.That((report.GetProperty("message").GetString(), report.GetProperty("phone").GetString()), Is.EqualTo(("Nắp chai khác với lần trước <b>lạ</b>", "0912 345 678")));
        var id = report.Id();
        var byProvince = await (await _province.Client.GetAsync($"/api/v1/reports/{id}")).Json(HttpStatusCode.OK);
        Assert.That(byProvince.GetProperty("phone").GetString(), Is.EqualTo("0912 345 678"), "the province's office follows it up");
        var national = await _api.CreateAuthorityAsync("national");
        var byNational = await (await national.Client.GetAsync($"/api/v1/reports/{id}")).Json(HttpStatusCode.OK);
        Assert.That(byNational.GetProperty("phone").ValueKind, Is.EqualTo(JsonValueKind.Null), "not the national level");
        var other = await _api.CreateProducerAsync("HTX Khác");
        await (await other.Client.GetAsync($"/api/v1/reports/{id}")).Json(HttpStatusCode.NotFound);
        Assert.That((await (await other.Client.GetAsync("/api/v1/reports")).Json(HttpStatusCode.OK)).GetProperty("items").GetArrayLength(), Is.Zero);

        await (await _producer.Client.PostAsJsonAsync($"/api/v1/reports/{id}/handle", new { status = "answered" })).Json(HttpStatusCode.BadRequest);
        await (await _producer.Client.PostAsJsonAsync($"/api/v1/reports/{id}/handle",
            new { status = "answered", answer = "Cảm ơn bạn. Lô này đổi mẫu nắp từ tháng 11; sản phẩm là hàng thật." })).Json(HttpStatusCode.OK);
        var answered = await (await Shopper().SendAsync(PublicScenario.Get($"/r/{receipt}", "application/json"))).Json(HttpStatusCode.OK);
        Assert.That((answered.GetProperty("status").GetString(), answered.GetProperty("answeredBy").GetString()), Is.EqualTo(("answered", "HTX Mật ong Bá Thước")));
        Assert.That(answered.GetProperty("answer").GetString(), Does.StartWith("Cảm ơn bạn"));
        Assert.That(answered.TryGetProperty("message", out _), Is.False);
    }

    [Test]
    public async Task AnItemsReport_NamesItsSerial_AndABadFormComesBackWithWhyAndWhatWasTyped()
    {
        var refused = await Shopper().PostAsync($"/p/{_code}/report", Form("suspected_fake", "  ", "<script>x</script>"));
        var html = await refused.Content.ReadAsStringAsync();
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(html, Does.Contain("id=\"report-errors\"").And.Not.Contain("<script>x"), "what was typed comes back encoded");

        var receipt = await SendAsync($"/p/{_code}/NOTISSUED01/report", "suspected_fake", "Mã này báo không do nhà sản xuất phát hành");
        var items = (await (await _producer.Client.GetAsync("/api/v1/reports?status=received")).Json(HttpStatusCode.OK)).GetProperty("items").EnumerateArray();
        Assert.That(items.Single(r => r.GetProperty("receipt").GetString() == receipt).GetProperty("serial").GetString(), Is.EqualTo("NOTISSUED01"));
        await (await Shopper().SendAsync(PublicScenario.Get("/p/NOSUCHCODE/report", "text/html"))).Content.ReadAsStringAsync();
        Assert.That((await Shopper().GetAsync("/r/AAAAAAAAAA")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task OneClient_SendsAFewReportsAnHour_NotAFlood()
    {
        using var api = new ApiFactory();
        var producer = await api.CreateProducerAsync();
        var batch = await producer.CreateBatchAsync((await producer.CreateProductAsync(Scenario.NewGtin13())).Id(), "FLOOD-1");
        var client = api.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        for (var i = 0; i < Traceability.Domain.ShopperReports.PerClient; i++)
            Assert.That((await client.PostAsync($"/p/{batch.GetProperty("code").GetString()}/report", Form("other", $"Báo cáo {i}"))).StatusCode,
                Is.EqualTo(HttpStatusCode.SeeOther));
        var refused = await client.PostAsync($"/p/{batch.GetProperty("code").GetString()}/report", Form("other", "thêm một"));
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(refused.Headers.RetryAfter, Is.Not.Null);
        var count = (await (await producer.Client.GetAsync("/api/v1/reports")).Json(HttpStatusCode.OK)).GetProperty("items").GetArrayLength();
        Assert.That(count, Is.EqualTo(Traceability.Domain.ShopperReports.PerClient), "nothing stored beyond the limit");
    }

    [Test]
    public async Task TheProducersApp_HearsOfAReport_ByWebhook()
    {
        var hook = await (await _producer.Client.PostAsJsonAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:9/hooks", events = new[] { "report.received" } }))
            .Json(HttpStatusCode.Created);
        await SendAsync($"/p/{_code}/report", "quality_problem", "Mật ong bị lên men");
        var deliveries = await (await _producer.Client.GetAsync($"/api/v1/webhooks/{hook.Id()}/deliveries")).Json(HttpStatusCode.OK);
        Assert.That(deliveries.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("kind").GetString()), Does.Contain("report.received"));
    }
}
