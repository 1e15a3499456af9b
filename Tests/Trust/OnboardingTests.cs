using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NUnit.Framework;
using Traceability.Tests.Public;
using Traceability.Tests.Support;

namespace Traceability.Tests.Trust;

/// <summary>The province runs its programme: its authority registers its cooperatives and hands over their first key,
/// deactivates and reactivates them with a reason, and every such act is kept; none of it reaches outside its province.</summary>
public sealed class OnboardingTests
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
        var created = await (await _api.Admin().PostAsJsonAsync("/api/v1/authorities", new { name = "Hội đồng OCOP tỉnh Nghệ An", level = "province", province = "Nghệ An" }))
            .Json(HttpStatusCode.Created);
        _ngheAn = new Account(created.Id(), created.GetProperty("apiKeyId").GetGuid(), created.GetProperty("apiKey").GetString()!,
            _api.ClientWithKey(created.GetProperty("apiKey").GetString()!));
        _national = await _api.CreateAuthorityAsync("national");
    }

    [OneTimeTearDown] public void Stop() => _api.Dispose();

    private static object Cooperative(string name, string province) =>
        new { name, kind = "cooperative", address = new { commune = "Xã Thọ Xuân", province } };

    private async Task<Account> RegisterAsync(Account by, string name, string province = "Thanh Hóa")
    {
        var created = await (await by.Client.PostAsJsonAsync("/api/v1/producers", Cooperative(name, province))).Json(HttpStatusCode.Created);
        var key = created.GetProperty("apiKey").GetString()!;
        return new Account(created.Id(), created.GetProperty("apiKeyId").GetGuid(), key, _api.ClientWithKey(key));
    }

    [Test]
    public async Task AProvinceAuthority_RegistersItsOwnCooperatives_NotAnotherProvinces()
    {
        var coop = await RegisterAsync(_thanhHoa, "HTX Mật ong Bá Thước");
        await coop.CreateProductAsync(Scenario.NewGtin13());  // the key it handed over works

        var refused = await (await _thanhHoa.Client.PostAsJsonAsync("/api/v1/producers", Cooperative("HTX Cam Vinh", "Nghệ An"))).Json(HttpStatusCode.Forbidden);
        Assert.That(refused.GetProperty("detail").GetString(), Does.Contain("Nghệ An").And.Contain("Thanh Hóa"));
        await RegisterAsync(_ngheAn, "HTX Cam Vinh", "Nghệ An");
        await RegisterAsync(_national, "HTX Cam Xã Đoài", "Nghệ An");

        var byProducer = await coop.Client.PostAsJsonAsync("/api/v1/producers", Cooperative("HTX Giả", "Thanh Hóa"));
        Assert.That(byProducer.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "a producer registers nobody");
    }

    [Test]
    public async Task ADeactivatedProducer_ReadsButCannotWrite_ItsPageStaysWithANotice_UntilReactivated()
    {
        var coop = await RegisterAsync(_thanhHoa, "HTX Chè Pù Luông");
        var product = await coop.CreateProductAsync(Scenario.NewGtin13());
        var batch = await coop.CreateBatchAsync(product.Id(), "DEACT-1");

        var deactivated = await (await _thanhHoa.Client.PostAsJsonAsync($"/api/v1/producers/{coop.Id}/deactivate", new { reason = "Không còn sản xuất" }))
            .Json(HttpStatusCode.OK);
        Assert.That(deactivated.GetProperty("deactivation").GetProperty("reason").GetString(), Is.EqualTo("Không còn sản xuất"));

        var write = await (await coop.Client.PostAsJsonAsync("/api/v1/batches", new { productId = product.Id(), lotNumber = "DEACT-2", producedOn = "2025-11-20" }))
            .Json(HttpStatusCode.Forbidden);
        Assert.That(write.GetProperty("detail").GetString(), Does.Contain("deactivated").And.Contain("Không còn sản xuất"));
        (await coop.Client.GetAsync($"/api/v1/batches/{batch.Id()}")).EnsureSuccessStatusCode();

        var page = await (await _api.CreateClient().SendAsync(PublicScenario.Get($"/p/{batch.GetProperty("code").GetString()}", "text/html"))).Content.ReadAsStringAsync();
        Assert.That(System.Net.WebUtility.HtmlDecode(page), Does.Contain("Nhà sản xuất này đã ngừng hoạt động trên hệ thống từ").And.Contain("DEACT-1"),
            "what it recorded is still shown, with a notice");

        await (await _thanhHoa.Client.PostAsJsonAsync($"/api/v1/producers/{coop.Id}/deactivate", new { reason = "lần nữa" })).Json(HttpStatusCode.Conflict);
        await (await _thanhHoa.Client.PostAsJsonAsync($"/api/v1/producers/{coop.Id}/reactivate", new { reason = "Đã sản xuất lại" })).Json(HttpStatusCode.OK);
        await (await coop.Client.PostAsJsonAsync("/api/v1/batches", new { productId = product.Id(), lotNumber = "DEACT-2", producedOn = "2025-11-20" }))
            .Json(HttpStatusCode.Created);
    }

    [Test]
    public async Task OnlyTheProvincesOwn_OrTheNationalLevel_MayDeactivate_AndNoReasonIsNoAct()
    {
        var coop = await RegisterAsync(_thanhHoa, "HTX Nem chua Thọ Xuân");
        var outside = await (await _ngheAn.Client.PostAsJsonAsync($"/api/v1/producers/{coop.Id}/deactivate", new { reason = "thử" })).Json(HttpStatusCode.Forbidden);
        Assert.That(outside.GetProperty("detail").GetString(), Does.Contain("within its province"));
        Assert.That((await coop.Client.PostAsJsonAsync($"/api/v1/producers/{coop.Id}/deactivate", new { reason = "tự" })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var noReason = await (await _national.Client.PostAsJsonAsync($"/api/v1/producers/{coop.Id}/deactivate", new { reason = " " })).Json(HttpStatusCode.BadRequest);
        Assert.That(noReason.GetProperty("errors").TryGetProperty("reason", out _), Is.True);
        await (await _national.Client.PostAsJsonAsync($"/api/v1/producers/{coop.Id}/deactivate", new { reason = "Kiểm tra vi phạm" })).Json(HttpStatusCode.OK);
        await (await _ngheAn.Client.GetAsync($"/api/v1/producers/{coop.Id}/acts")).Json(HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task EveryAct_IsListed_WithWhoWhenAndWhy()
    {
        var coop = await RegisterAsync(_thanhHoa, "HTX Gạo Nga Sơn");
        await (await _thanhHoa.Client.PostAsJsonAsync($"/api/v1/producers/{coop.Id}/deactivate", new { reason = "Tạm dừng" })).Json(HttpStatusCode.OK);
        await (await _national.Client.PostAsJsonAsync($"/api/v1/producers/{coop.Id}/reactivate", new { reason = "Đủ điều kiện" })).Json(HttpStatusCode.OK);
        var acts = await (await _thanhHoa.Client.GetAsync($"/api/v1/producers/{coop.Id}/acts")).Json(HttpStatusCode.OK);
        Assert.That(acts.EnumerateArray().Select(a => (a.GetProperty("act").GetString(), a.GetProperty("byName").GetString(), a.GetProperty("reason").GetString())),
            Is.EqualTo(new[]
            {
                ("registered", "Hội đồng OCOP tỉnh Thanh Hóa", (string?)null),
                ("deactivated", "Hội đồng OCOP tỉnh Thanh Hóa", "Tạm dừng"),
                ("reactivated", "Bộ Nông nghiệp và Môi trường", "Đủ điều kiện"),
            }));
        Assert.That(acts.EnumerateArray().All(a => a.GetProperty("at").ValueKind == JsonValueKind.String));
    }
}
