using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NUnit.Framework;
using Traceability.Tests.Events;
using Traceability.Tests.Support;

namespace Traceability.Tests.Trust;

/// <summary>Authorities act within their remit, and their acts can be corrected: a province certifies and recalls only in
/// its province, OCOP's validity rule holds, a province decision cannot replace a current national one, and certifications
/// and recalls are withdrawn by their issuer or a higher level, with the history kept.</summary>
public sealed class RemitTests
{
    private ApiFactory _api = null!;
    private Account _thanhHoa = null!;
    private Account _ngheAn = null!;
    private Account _national = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _api = new ApiFactory();
        _thanhHoa = await _api.CreateAuthorityAsync();
        _ngheAn = await AuthorityAsync("Hội đồng OCOP tỉnh Nghệ An", "province", "Nghệ An", "40");
        _national = await _api.CreateAuthorityAsync("national");
    }

    [OneTimeTearDown] public void Stop() => _api.Dispose();

    private async Task<Account> AuthorityAsync(string name, string level, string? province, string? provinceCode)
    {
        var created = await (await _api.Admin().PostAsJsonAsync("/api/v1/authorities", new { name, level, province, provinceCode })).Json(HttpStatusCode.Created);
        var key = created.GetProperty("apiKey").GetString()!;
        return new Account(created.Id(), created.GetProperty("apiKeyId").GetGuid(), key, _api.ClientWithKey(key));
    }

    private async Task<Account> NgheAnProducerAsync()
    {
        var created = await (await _api.Admin().PostAsJsonAsync("/api/v1/producers", new
        {
            name = "HTX Cam Vinh", kind = "cooperative", address = new { commune = "Xã Quỳ Hợp", province = "Nghệ An" },
        })).Json(HttpStatusCode.Created);
        Assert.That(created.GetProperty("account").GetProperty("address").GetProperty("provinceCode").GetString(), Is.EqualTo("40"), "resolved from the name");
        var key = created.GetProperty("apiKey").GetString()!;
        return new Account(created.Id(), created.GetProperty("apiKeyId").GetGuid(), key, _api.ClientWithKey(key));
    }

    private static object Decision(int stars, string number, string issuedOn = "2026-10-01", string? validUntil = null) =>
        new { stars, decisionNumber = number, issuedBy = "UBND", issuedOn, validUntil };

    [Test]
    public async Task AThanhHoaAuthority_CannotCertifyOrRecallANgheAnProduct_ButNgheAnAndTheNationalLevelCan()
    {
        var coop = await NgheAnProducerAsync();
        var (productId, batchId, _) = await coop.NewBatchAsync("CAM-1");

        var refused = await (await _thanhHoa.Client.PostAsJsonAsync($"/api/v1/products/{productId}/ocop-certifications", Decision(4, "1/QĐ-UBND")))
            .Json(HttpStatusCode.Forbidden);
        Assert.That(refused.GetProperty("detail").GetString(), Does.Contain("Nghệ An").And.Contain("within its province"));
        var recall = await (await _thanhHoa.Client.PostAsJsonAsync($"/api/v1/batches/{batchId}/recall", new { reason = "x" })).Json(HttpStatusCode.Forbidden);
        Assert.That(recall.GetProperty("detail").GetString(), Does.Contain("Thanh Hóa"));
        var batch = await (await coop.Client.GetAsync($"/api/v1/batches/{batchId}")).Json(HttpStatusCode.OK);
        Assert.That(batch.GetProperty("recall").ValueKind, Is.EqualTo(JsonValueKind.Null), "nothing recalled");

        await (await _ngheAn.Client.PostAsJsonAsync($"/api/v1/products/{productId}/ocop-certifications", Decision(4, "2/QĐ-UBND"))).Json(HttpStatusCode.Created);
        await (await _national.Client.PostAsJsonAsync($"/api/v1/batches/{batchId}/recall", new { reason = "Quyết định của Bộ" })).Json(HttpStatusCode.OK);
    }

    [Test]
    public async Task AfterANational5Stars_AProvince3StarsValidUntil2099_IsRefused_AndThePageKeepsTheNationalRating()
    {
        var coop = await _api.CreateProducerAsync();
        var product = (await coop.CreateProductAsync()).Id();
        var batch = await coop.CreateBatchAsync(product, "NEM-5");
        var code = batch.GetProperty("code").GetString()!;
        await (await _national.Client.PostAsJsonAsync($"/api/v1/products/{product}/ocop-certifications", Decision(5, "99/QĐ-BNNMT"))).Json(HttpStatusCode.Created);

        var tooLong = await (await _thanhHoa.Client.PostAsJsonAsync($"/api/v1/products/{product}/ocop-certifications",
            Decision(3, "3/QĐ-UBND", "2026-11-01", "2099-12-31"))).Json(HttpStatusCode.BadRequest);
        Assert.That(tooLong.GetProperty("errors").GetProperty("validUntil")[0].GetString(), Does.Contain("36 months"));
        var replace = await (await _thanhHoa.Client.PostAsJsonAsync($"/api/v1/products/{product}/ocop-certifications",
            Decision(3, "3/QĐ-UBND", "2026-11-01"))).Json(HttpStatusCode.Forbidden);
        Assert.That(replace.GetProperty("detail").GetString(), Does.Contain("national decision"));

        var record = await (await _api.ClientWithKey(null).GetAsync($"/api/v1/public/records/{code}")).Json(HttpStatusCode.OK);
        Assert.That(record.GetProperty("ocop").GetProperty("current").GetProperty("stars").GetInt32(), Is.EqualTo(5));
        Assert.That(record.GetProperty("ocop").GetProperty("history").GetArrayLength(), Is.EqualTo(1), "nothing refused was stored");
    }

    [Test]
    public async Task ACertification_IsWithdrawnByItsIssuerOrTheNationalLevel_NotByAnotherProvince_AndStaysInTheHistory()
    {
        var coop = await _api.CreateProducerAsync();
        var product = (await coop.CreateProductAsync()).Id();
        var code = (await coop.CreateBatchAsync(product, "NEM-W")).GetProperty("code").GetString()!;
        var certification = await (await _thanhHoa.Client.PostAsJsonAsync($"/api/v1/products/{product}/ocop-certifications", Decision(4, "4/QĐ-UBND")))
            .Json(HttpStatusCode.Created);
        var url = $"/api/v1/products/{product}/ocop-certifications/{certification.Id()}/withdrawal";

        await (await _ngheAn.Client.PostAsJsonAsync(url, new { reason = "x" })).Json(HttpStatusCode.Forbidden);
        await (await coop.Client.PostAsJsonAsync(url, new { reason = "x" })).Json(HttpStatusCode.Forbidden);
        await (await _national.Client.PostAsJsonAsync(url, new { reason = " " })).Json(HttpStatusCode.BadRequest);
        var withdrawn = await (await _national.Client.PostAsJsonAsync(url, new { reason = "Sản phẩm không duy trì chất lượng" })).Json(HttpStatusCode.OK);
        Assert.That(withdrawn.GetProperty("status").GetString(), Is.EqualTo("withdrawn"));
        await (await _thanhHoa.Client.PostAsJsonAsync(url, new { reason = "lần hai" })).Json(HttpStatusCode.Conflict);

        var history = await (await coop.Client.GetAsync($"/api/v1/products/{product}/ocop-certifications")).Json(HttpStatusCode.OK);
        Assert.That(history.GetProperty("current").ValueKind, Is.EqualTo(JsonValueKind.Null));
        var item = history.GetProperty("items").EnumerateArray().Single();
        Assert.That(item.GetProperty("withdrawal").GetProperty("reason").GetString(), Is.EqualTo("Sản phẩm không duy trì chất lượng"));
        var record = await (await _api.ClientWithKey(null).GetAsync($"/api/v1/public/records/{code}")).Json(HttpStatusCode.OK);
        Assert.That(record.GetProperty("ocop").GetProperty("current").ValueKind, Is.EqualTo(JsonValueKind.Null), "a withdrawn decision rates nothing");
        Assert.That(record.GetProperty("ocop").GetProperty("history")[0].GetProperty("status").GetString(), Is.EqualTo("withdrawn"));
    }

    [Test]
    public async Task ARecall_IsWithdrawnByItsIssuerOrAHigherAuthority_AndThePageShowsTheRecallThenItsWithdrawal()
    {
        var coop = await _api.CreateProducerAsync();
        var (_, batchId, code) = await coop.NewBatchAsync("NEM-R");
        var recall = await (await _thanhHoa.Client.PostAsJsonAsync($"/api/v1/batches/{batchId}/recall", new { reason = "Nghi nhiễm khuẩn" })).Json(HttpStatusCode.OK);
        var url = $"/api/v1/recalls/{recall.Id()}/withdrawal";

        await (await coop.Client.PostAsJsonAsync(url, new { reason = "Chúng tôi không đồng ý" })).Json(HttpStatusCode.Forbidden);
        await (await _ngheAn.Client.PostAsJsonAsync(url, new { reason = "x" })).Json(HttpStatusCode.Forbidden);
        var withdrawn = await (await _national.Client.PostAsJsonAsync(url, new { reason = "Kết quả kiểm nghiệm lại đạt" })).Json(HttpStatusCode.OK);
        Assert.That((withdrawn.GetProperty("status").GetString(), withdrawn.GetProperty("releasedCount").GetInt64()), Is.EqualTo(("withdrawn", 1L)));

        var record = await (await _api.ClientWithKey(null).GetAsync($"/api/v1/public/records/{code}")).Json(HttpStatusCode.OK);
        Assert.That(record.GetProperty("recall").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(record.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()), Is.EqualTo(new[] { "recalling", "recall_withdrawn" }));
        var page = await (await _api.ClientWithKey(null).GetAsync($"/p/{code}")).Content.ReadAsStringAsync();
        var html = await new HttpClient(_api.Server.CreateHandler()) { BaseAddress = _api.Server.BaseAddress }.GetStringAsync($"/p/{code}");
        Assert.That(html.IndexOf("Thu hồi", StringComparison.Ordinal), Is.LessThan(html.IndexOf("Rút lại lệnh thu hồi", StringComparison.Ordinal)).And.Not.Negative);
        Assert.That(html, Does.Contain("Kết quả kiểm nghiệm lại đạt"));
        Assert.That(page, Is.Not.Empty);

        // The producer withdraws a recall of its own; another producer cannot see it to try.
        var own = await (await coop.Client.PostAsJsonAsync($"/api/v1/batches/{batchId}/recall", new { reason = "Tự thu hồi" })).Json(HttpStatusCode.OK);
        var stranger = await _api.CreateProducerAsync("Người lạ");
        await (await stranger.Client.PostAsJsonAsync($"/api/v1/recalls/{own.Id()}/withdrawal", new { reason = "x" })).Json(HttpStatusCode.NotFound);
        await (await coop.Client.PostAsJsonAsync($"/api/v1/recalls/{own.Id()}/withdrawal", new { reason = "Nhầm lô" })).Json(HttpStatusCode.OK);
        var recalls = await (await coop.Client.GetAsync($"/api/v1/batches/{batchId}/recalls")).Json(HttpStatusCode.OK);
        Assert.That(recalls.EnumerateArray().Select(r => r.GetProperty("status").GetString()), Is.EqualTo(new[] { "withdrawn", "withdrawn" }));
    }

    [Test]
    public async Task ProducersAndAuthorities_CarryAProvinceFromTheOfficialList()
    {
        async Task<JsonElement> Producer(object address, HttpStatusCode expected) =>
            await (await _api.Admin().PostAsJsonAsync("/api/v1/producers", new { name = "HTX", kind = "cooperative", address })).Json(expected);

        var oldSpelling = await Producer(new { commune = "Xã Thọ Xuân", province = "tỉnh Thanh Hoá" }, HttpStatusCode.Created);
        Assert.That(oldSpelling.GetProperty("account").GetProperty("address").GetProperty("provinceCode").GetString(), Is.EqualTo("38"));
        var merged = await Producer(new { commune = "Xã Yên Dũng", province = "Bắc Giang" }, HttpStatusCode.Created);
        Assert.That(merged.GetProperty("account").GetProperty("address").GetProperty("provinceCode").GetString(), Is.EqualTo("24"), "merged into Bắc Ninh in 2025");
        var unknown = await Producer(new { commune = "Xã A", province = "Tỉnh Không Có" }, HttpStatusCode.BadRequest);
        Assert.That(unknown.GetProperty("errors").TryGetProperty("address.province", out _), Is.True);
        var mismatch = await Producer(new { commune = "Xã A", province = "Nghệ An", provinceCode = "38" }, HttpStatusCode.BadRequest);
        Assert.That(mismatch.GetProperty("errors").GetProperty("address.provinceCode")[0].GetString(), Does.Contain("40"));
        await Producer(new { commune = "Xã A", province = "Nghệ An", provinceCode = "99" }, HttpStatusCode.BadRequest);

        var noProvince = await (await _api.Admin().PostAsJsonAsync("/api/v1/authorities", new { name = "Sở", level = "province" })).Json(HttpStatusCode.BadRequest);
        Assert.That(noProvince.GetProperty("errors").TryGetProperty("province", out _), Is.True);
        var coded = await AuthorityAsync("Hội đồng OCOP tỉnh Lào Cai", "province", null, "15");
        var read = await (await coded.Client.GetAsync($"/api/v1/authorities/{coded.Id}")).Json(HttpStatusCode.OK);
        Assert.That((read.GetProperty("province").GetString(), read.GetProperty("provinceCode").GetString()), Is.EqualTo(("Lào Cai", "15")));
    }
}
