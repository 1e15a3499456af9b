using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NUnit.Framework;
using Traceability.Tests.Events;
using Traceability.Tests.Support;

namespace Traceability.Tests.Public;

/// <summary>The shopper's verdict in one line at the top of a lot's page, the timeline in the order things happened,
/// and attribute names as words.</summary>
public sealed class VerdictPageTests : ApiTest
{
    private static readonly string Today = Traceability.Domain.VietnamTime.Today(DateTimeOffset.UtcNow).ToString("yyyy-MM-dd");

    private async Task<(string Html, JsonElement Json)> View(string code)
    {
        using var client = Api.CreateClient();
        var html = await (await client.SendAsync(PublicScenario.Get($"/p/{code}", "text/html"))).Content.ReadAsStringAsync();
        var json = await (await client.SendAsync(PublicScenario.Get($"/p/{code}", "application/json"))).Json(HttpStatusCode.OK);
        return (html, json);
    }

    private static string Verdict(string html) =>
        System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, "<p class=\"verdict (\\w+)\" id=\"verdict\">([^<]*)</p>") is { Success: true } m
            ? $"{m.Groups[1].Value}: {m.Groups[2].Value}" : "");

    private async Task<string> NewBatch(JsonElement product, string lot, string? expiresOn = null)
    {
        var batch = await (await Producer.Client.PostAsJsonAsync("/api/v1/batches", new { productId = product.Id(), lotNumber = lot, producedOn = Today, expiresOn }))
            .Json(HttpStatusCode.Created);
        return batch.GetProperty("code").GetString()!;
    }

    private async Task Certify(JsonElement product, string issuedOn, string? validUntil = null) =>
        await (await (await Api.CreateAuthorityAsync()).Client.PostAsJsonAsync($"/api/v1/products/{product.Id()}/ocop-certifications",
            new { stars = 4, decisionNumber = "QĐ-" + Guid.NewGuid().ToString("N")[..6], issuedBy = "UBND tỉnh Thanh Hóa", issuedOn, validUntil }))
            .Json(HttpStatusCode.Created);

    [Test]
    public async Task ACertifiedLot_SaysSoInOneLine_AtTheTop()
    {
        var product = await Producer.CreateProductAsync(Scenario.NewGtin13(), name: "Mật ong rừng Bá Thước");
        await Certify(product, Today);
        var (html, json) = await View(await NewBatch(product, "V-OK", DateOnly.Parse(Today).AddYears(1).ToString("yyyy-MM-dd")));
        Assert.That(json.GetProperty("verdict").GetString(), Is.EqualTo("certified"));
        Assert.That(Verdict(html), Is.EqualTo("good: Sản phẩm OCOP 4 sao, nguồn gốc được ghi nhận đầy đủ."));
        var main = html[html.IndexOf("<main>", StringComparison.Ordinal)..];
        Assert.That(main.IndexOf("id=\"verdict\"", StringComparison.Ordinal), Is.LessThan(main.IndexOf("<h1>", StringComparison.Ordinal)), "before the product's name");
    }

    [Test]
    public async Task ALotPastItsBestBefore_IsSaidToBe_BeforeItsRating()
    {
        var product = await Producer.CreateProductAsync(Scenario.NewGtin13());
        await Certify(product, Today);
        var batch = await (await Producer.Client.PostAsJsonAsync("/api/v1/batches", new { productId = product.Id(), lotNumber = "V-OLD", producedOn = "2025-01-01", expiresOn = "2025-02-01" }))
            .Json(HttpStatusCode.Created);
        var (html, json) = await View(batch.GetProperty("code").GetString()!);
        Assert.That(json.GetProperty("verdict").GetString(), Is.EqualTo("past_best_before"));
        Assert.That(Verdict(html), Is.EqualTo("bad: Đã quá hạn sử dụng (hết hạn ngày 01/02/2025) — không nên sử dụng."));
    }

    [Test]
    public async Task ALotWhoseCertificationEnded_OrThatNeverHadOne_SaysWhich()
    {
        var lapsed = await Producer.CreateProductAsync(Scenario.NewGtin13());
        await Certify(lapsed, "2022-01-01", "2024-12-31");
        var (endedHtml, endedJson) = await View(await NewBatch(lapsed, "V-ENDED"));
        Assert.That(endedJson.GetProperty("verdict").GetString(), Is.EqualTo("certification_ended"));
        Assert.That(Verdict(endedHtml), Does.StartWith("warn: ").And.Contain("đã hết hiệu lực"));

        var never = await Producer.CreateProductAsync(Scenario.NewGtin13());
        var (neverHtml, neverJson) = await View(await NewBatch(never, "V-NEVER"));
        Assert.That(neverJson.GetProperty("verdict").GetString(), Is.EqualTo("recorded"));
        Assert.That(Verdict(neverHtml), Is.EqualTo("good: Nguồn gốc được ghi nhận; sản phẩm chưa có chứng nhận OCOP."));
    }

    [Test]
    public async Task ARecalledLot_SaysDoNotUse()
    {
        var product = await Producer.CreateProductAsync(Scenario.NewGtin13());
        await Certify(product, Today);
        var code = await NewBatch(product, "V-RECALL");
        var batch = await (await Api.CreateClient().SendAsync(PublicScenario.Get($"/p/{code}", "application/json"))).Json(HttpStatusCode.OK);
        var id = (await (await Producer.Client.GetAsync($"/api/v1/batches?productId={product.Id()}")).Json(HttpStatusCode.OK)).GetProperty("items")[0].Id();
        await (await Producer.Client.PostAsJsonAsync($"/api/v1/batches/{id}/recall", new { reason = "Nhiễm khuẩn" })).Json(HttpStatusCode.OK);
        var (html, json) = await View(code);
        Assert.That(json.GetProperty("verdict").GetString(), Is.EqualTo("recalled"), batch.GetProperty("verdict").GetString());
        Assert.That(Verdict(html), Is.EqualTo("bad: Sản phẩm này đã bị thu hồi — không sử dụng."));
    }

    [Test]
    public async Task TheTimeline_RunsInTheOrderThingsHappened_AndACorrectionIsNotAStageOfItsOwn()
    {
        var product = await Producer.CreateProductAsync(Scenario.NewGtin13());
        var batch = await (await Producer.Client.PostAsJsonAsync("/api/v1/batches", new { productId = product.Id(), lotNumber = "V-ORDER", producedOn = "2025-11-22" }))
            .Json(HttpStatusCode.Created);
        var harvest = await Producer.AppendAsync(batch.Id(), new { type = "harvesting", occurredAt = "2025-11-20T06:30:00+07:00", note = "Hái 120 kg" });
        await Producer.AppendAsync(batch.Id(), new { type = "cultivating", occurredAt = "2025-11-18T07:00:00+07:00", note = "Bón phân hữu cơ",
            attributes = new Dictionary<string, string> { ["khốiLượng"] = "120 kg", ["pH"] = "5,5" } });
        await Producer.AppendAsync(batch.Id(), new { type = "harvesting", occurredAt = "2025-11-20T06:30:00+07:00", note = "Sửa: 102 kg", corrects = harvest.Id() });
        var (html, _) = await View(batch.GetProperty("code").GetString()!);
        var journey = System.Net.WebUtility.HtmlDecode(html[html.IndexOf("id=\"journey\"", StringComparison.Ordinal)..]);

        Assert.That(journey.IndexOf("Bước 1 · Chăm sóc", StringComparison.Ordinal), Is.GreaterThan(0), "cultivating (18/11) first, though recorded second");
        Assert.That(journey.IndexOf("Bước 2 · Thu hoạch", StringComparison.Ordinal), Is.GreaterThan(journey.IndexOf("Bước 1", StringComparison.Ordinal)));
        Assert.That(journey, Does.Not.Contain("Bước 3"), "the correction is the harvest's, not a third stage");
        Assert.That(journey, Does.Contain("Sửa: 102 kg").And.Contain("Đã được đính chính").And.Contain("Ghi ban đầu: <s>Thu hoạch · 06:30 20/11/2025 · Hái 120 kg</s>"));
        Assert.That(journey, Does.Contain("Khối lượng: 120 kg").And.Contain("pH: 5,5"), "names as words; one without a word break as written");
    }

    [Test]
    public void Verdicts_TakeTheMostSeriousFirst()
    {
        var today = new DateOnly(2026, 12, 6);
        Assert.Multiple(() =>
        {
            Assert.That(Traceability.Domain.Verdicts.Of(true, false, today.AddDays(-1), true, true, today), Is.EqualTo(Traceability.Domain.Verdict.Recalled));
            Assert.That(Traceability.Domain.Verdicts.Of(false, false, today.AddDays(-1), true, true, today), Is.EqualTo(Traceability.Domain.Verdict.Altered));
            Assert.That(Traceability.Domain.Verdicts.Of(false, true, today.AddDays(-1), true, true, today), Is.EqualTo(Traceability.Domain.Verdict.PastBestBefore));
            Assert.That(Traceability.Domain.Verdicts.Of(false, true, today, true, true, today), Is.EqualTo(Traceability.Domain.Verdict.Certified), "best before today: still good today");
            Assert.That(Traceability.Domain.Verdicts.Of(false, true, null, false, true, today), Is.EqualTo(Traceability.Domain.Verdict.CertificationEnded));
            Assert.That(Traceability.Domain.Verdicts.Of(false, true, null, false, false, today), Is.EqualTo(Traceability.Domain.Verdict.Recorded));
            Assert.That(Traceability.Domain.Verdicts.NextChange(today, [], today), Is.EqualTo(today.AddDays(1)), "the record is rebuilt the day after its best-before");
        });
    }
}
