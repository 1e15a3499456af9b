using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Trust;

/// <summary>The OCOP office's reports over a hand-countable dataset: two Thanh Hóa products certified now (one ending in 30
/// days with no batch, one with a recalled, reported batch), one whose certification ended, and one in Nghệ An.</summary>
public sealed class OversightTests
{
    private ApiFactory _api = null!;
    private Account _thanhHoa = null!;
    private Account _national = null!;
    private Account _producer = null!;
    private static readonly DateOnly Today = Traceability.Domain.VietnamTime.Today(DateTimeOffset.UtcNow);
    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd");

    [OneTimeSetUp]
    public async Task Start()
    {
        _api = new ApiFactory();
        _thanhHoa = await _api.CreateAuthorityAsync();
        _national = await _api.CreateAuthorityAsync("national");
        _producer = await _api.CreateProducerAsync("=HYPERLINK(\"http://x\")");
        var honey = await Product(_producer, "Mật ong rừng", "food");
        await Certify(_thanhHoa, honey, 4, Day(Today), Day(Today.AddDays(30)));
        var mats = await Product(_producer, "Chiếu cói Nga Sơn", "handicraft");
        await Certify(_thanhHoa, mats, 3, Day(Today), null);
        var lapsed = await Product(_producer, "Nem chua cũ", "food");
        await Certify(_thanhHoa, lapsed, 3, "2021-01-01", "2023-12-31");
        var batch = await (await _producer.Client.PostAsJsonAsync("/api/v1/batches", new { productId = mats.Id(), lotNumber = "MAT-1", producedOn = Day(Today) }))
            .Json(HttpStatusCode.Created);
        await (await _thanhHoa.Client.PostAsJsonAsync($"/api/v1/batches/{batch.Id()}/recall", new { reason = "Mốc" })).Json(HttpStatusCode.OK);
        using var shopper = _api.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await shopper.PostAsync($"/p/{batch.GetProperty("code").GetString()}/report",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["reason"] = "quality_problem", ["message"] = "Chiếu bị mốc" }));

        var ngheAn = await (await _api.Admin().PostAsJsonAsync("/api/v1/producers", new { name = "HTX Cam Vinh", kind = "cooperative", address = new { commune = "Xã Quỳ Hợp", province = "Nghệ An" } }))
            .Json(HttpStatusCode.Created);
        var orange = await Product(new Account(ngheAn.Id(), Guid.Empty, ngheAn.GetProperty("apiKey").GetString()!, _api.ClientWithKey(ngheAn.GetProperty("apiKey").GetString()!)),
            "Cam Vinh", "food");
        await Certify(_national, orange, 4, Day(Today), null);
    }

    [OneTimeTearDown] public void Stop() => _api.Dispose();

    private static async Task<JsonElement> Product(Account producer, string name, string category) =>
        await (await producer.Client.PostAsJsonAsync("/api/v1/products", new { name, gtin = Scenario.NewGtin13(), category })).Json(HttpStatusCode.Created);

    private static async Task Certify(Account authority, JsonElement product, int stars, string issuedOn, string? validUntil) =>
        await (await authority.Client.PostAsJsonAsync($"/api/v1/products/{product.Id()}/ocop-certifications",
            new { stars, decisionNumber = "QĐ-" + Guid.NewGuid().ToString("N")[..6], issuedBy = "UBND", issuedOn, validUntil })).Json(HttpStatusCode.Created);

    [Test]
    public async Task TheProvinces_CertifiedProducts_AreCountedByCommuneCategoryAndStars()
    {
        var report = await (await _thanhHoa.Client.GetAsync("/api/v1/oversight/products")).Json(HttpStatusCode.OK);
        Assert.That(report.GetProperty("scope").GetProperty("provinceCode").GetString(), Is.EqualTo("38"));
        Assert.That(report.GetProperty("certifiedProducts").GetInt32(), Is.EqualTo(2), "not the lapsed one, not Nghệ An's");
        Assert.That(report.GetProperty("counts").EnumerateArray().Select(c => (c.GetProperty("category").GetString(), c.GetProperty("stars").GetInt32(), c.GetProperty("products").GetInt32())),
            Is.EquivalentTo(new[] { ("food", 4, 1), ("handicraft", 3, 1) }));
        var national = await (await _national.Client.GetAsync("/api/v1/oversight/products")).Json(HttpStatusCode.OK);
        Assert.That(national.GetProperty("certifiedProducts").GetInt32(), Is.EqualTo(3));
        var ngheAn = await (await _national.Client.GetAsync("/api/v1/oversight/products?province=nghe-an")).Json(HttpStatusCode.OK);
        Assert.That(ngheAn.GetProperty("certifiedProducts").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public async Task EndingAndEndedCertifications_IdleProducts_RecallsAndShoppersReports()
    {
        var certifications = await (await _thanhHoa.Client.GetAsync("/api/v1/oversight/certifications")).Json(HttpStatusCode.OK);
        var expiring = certifications.GetProperty("expiring").EnumerateArray().Select(l => (l.GetProperty("product").GetString(), l.GetProperty("daysLeft").GetInt32()));
        Assert.That(expiring, Is.EqualTo(new[] { ("Mật ong rừng", 30) }));
        Assert.That(certifications.GetProperty("expired").EnumerateArray().Select(l => l.GetProperty("product").GetString()), Is.EqualTo(new[] { "Nem chua cũ" }));
        Assert.That((await (await _thanhHoa.Client.GetAsync("/api/v1/oversight/certifications?withinDays=10")).Json(HttpStatusCode.OK))
            .GetProperty("expiring").GetArrayLength(), Is.Zero);

        var idle = await (await _thanhHoa.Client.GetAsync("/api/v1/oversight/idle-products")).Json(HttpStatusCode.OK);
        Assert.That(idle.GetProperty("products").EnumerateArray().Select(p => p.GetProperty("product").GetString()), Is.EqualTo(new[] { "Mật ong rừng" }),
            "certified, no batch in a year; the mats were produced today");

        var recalls = await (await _thanhHoa.Client.GetAsync("/api/v1/oversight/recalls")).Json(HttpStatusCode.OK);
        Assert.That((recalls.GetProperty("open").GetInt32(), recalls.GetProperty("withdrawn").GetInt32()), Is.EqualTo((1, 0)));
        Assert.That(recalls.GetProperty("recalls")[0].GetProperty("reason").GetString(), Is.EqualTo("Mốc"));

        var reports = await (await _thanhHoa.Client.GetAsync("/api/v1/oversight/shopper-reports")).Json(HttpStatusCode.OK);
        Assert.That(reports.GetProperty("total").GetInt64(), Is.EqualTo(1));
        Assert.That(reports.GetProperty("counts")[0].GetProperty("reason").GetString(), Is.EqualTo("quality_problem"));
    }

    [Test]
    public async Task Scans_AreCountedPerMonth_PerProductAndCommune()
    {
        var mats = (await (await _producer.Client.GetAsync("/api/v1/batches")).Json(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
            .Single(b => b.GetProperty("lotNumber").GetString() == "MAT-1");
        using var shopper = _api.CreateClient();
        for (var i = 0; i < 3; i++)
            (await shopper.SendAsync(Traceability.Tests.Public.PublicScenario.Get($"/p/{mats.GetProperty("code").GetString()}", "text/html"))).EnsureSuccessStatusCode();
        JsonElement report = default;
        for (var wait = 0; wait < 100; wait++)  // the flusher writes every second; wait for it, whatever the machine's speed
        {
            report = await (await _thanhHoa.Client.GetAsync("/api/v1/oversight/scans?months=3")).Json(HttpStatusCode.OK);
            if (report.GetProperty("totals")[2].GetProperty("scans").GetInt64() >= 3) break;
            await Task.Delay(100);
        }
        var month = $"{Today.Year:D4}-{Today.Month:D2}";
        Assert.That(report.GetProperty("totals").EnumerateArray().Select(t => t.GetProperty("month").GetString()).Last(), Is.EqualTo(month), "three months, this one last");
        Assert.That(report.GetProperty("totals")[2].GetProperty("scans").GetInt64(), Is.EqualTo(3));
        Assert.That(report.GetProperty("totals")[0].GetProperty("scans").GetInt64(), Is.Zero, "a month with no scan is 0, not missing");
        var line = report.GetProperty("lines").EnumerateArray().Single();
        Assert.That((line.GetProperty("product").GetString(), line.GetProperty("commune").GetString(), line.GetProperty("scans").GetInt64()),
            Is.EqualTo(("Chiếu cói Nga Sơn", "Xã Thọ Xuân", 3L)));

        // The dashboard's line reads the months' totals alone: the same figure.
        using var browser = _api.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await (await browser.GetAsync("/dashboard/sign-in")).Content.ReadAsStringAsync();
        var csrf = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(form, "name=\"csrf\" value=\"([^\"]+)\"").Groups[1].Value);
        await browser.PostAsync("/dashboard/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = _thanhHoa.Key, ["csrf"] = csrf }));
        var page = WebUtility.HtmlDecode(await (await browser.GetAsync("/dashboard")).Content.ReadAsStringAsync());
        Assert.That(page, Does.Contain("Lượt quét theo tháng, 12 tháng gần đây: 3<"));
    }

    [Test]
    public async Task AsCsv_ASpreadsheetOpensVietnamese_AndNoFieldRunsAsAFormula()
    {
        var response = await _thanhHoa.Client.GetAsync("/api/v1/oversight/certifications?format=csv");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/csv"));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.That(bytes.Take(3), Is.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }), "a UTF-8 byte-order mark, for Excel");
        var lines = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo("state,product,gtin,producer,commune,stars,decision,validUntil,daysLeft"));
        Assert.That(lines[1], Does.StartWith("expiring,Mật ong rừng,").And.Contain(",\"'=HYPERLINK(\"\"http://x\"\")\","), "quoted, and not a formula");
        Assert.That(lines, Has.Length.EqualTo(3));
    }

    [Test]
    public async Task AProvince_ReadsItsOwn_AProducerNothing()
    {
        var refused = await (await _thanhHoa.Client.GetAsync("/api/v1/oversight/products?province=nghe-an")).Json(HttpStatusCode.Forbidden);
        Assert.That(refused.GetProperty("detail").GetString(), Does.Contain("Nghệ An"));
        Assert.That((await _producer.Client.GetAsync("/api/v1/oversight/products")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        await (await _national.Client.GetAsync("/api/v1/oversight/products?province=atlantis")).Json(HttpStatusCode.NotFound);
    }
}
