using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Public;

/// <summary>The public OCOP catalogue: certified products only, per province, searched as shoppers type, paged, as a page
/// and as JSON.</summary>
public sealed class CatalogueTests
{
    private ApiFactory _api = null!;
    private Account _thanhHoa = null!;
    private static readonly string Today = Traceability.Domain.VietnamTime.Today(DateTimeOffset.UtcNow).ToString("yyyy-MM-dd");

    [OneTimeSetUp]
    public async Task Start()
    {
        _api = new ApiFactory();
        var authority = await _api.CreateAuthorityAsync("national");
        _thanhHoa = await _api.CreateProducerAsync("HTX Mật ong Bá Thước");
        var ngheAn = await ProducerOf("HTX Cam Vinh", "Nghệ An");
        await Certified(_thanhHoa, "Mật ong rừng Bá Thước", "food", authority, Today);
        await Certified(_thanhHoa, "Chiếu cói Nga Sơn", "handicraft", authority, Today);
        await Certified(_thanhHoa, "Nem chua hết hạn", "food", authority, "2021-01-01", "2023-12-31");
        await _thanhHoa.CreateProductAsync(Scenario.NewGtin13(), name: "Mật ong chưa chứng nhận");
        await Certified(ngheAn, "Cam Vinh", "food", authority, Today);
    }

    [OneTimeTearDown] public void Stop() => _api.Dispose();

    private async Task<Account> ProducerOf(string name, string province)
    {
        var created = await (await _api.Admin().PostAsJsonAsync("/api/v1/producers", new { name, kind = "cooperative", address = new { commune = "Xã A", province } }))
            .Json(HttpStatusCode.Created);
        var key = created.GetProperty("apiKey").GetString()!;
        return new Account(created.Id(), created.GetProperty("apiKeyId").GetGuid(), key, _api.ClientWithKey(key));
    }

    private static async Task Certified(Account producer, string name, string category, Account authority, string issuedOn, string? validUntil = null)
    {
        var product = await (await producer.Client.PostAsJsonAsync("/api/v1/products", new { name, gtin = Scenario.NewGtin13(), category })).Json(HttpStatusCode.Created);
        await (await authority.Client.PostAsJsonAsync($"/api/v1/products/{product.Id()}/ocop-certifications",
            new { stars = 4, decisionNumber = "QĐ-" + Guid.NewGuid().ToString("N")[..6], issuedBy = "Bộ NN&MT", issuedOn, validUntil })).Json(HttpStatusCode.Created);
    }

    private async Task<JsonElement> Json(string url) => await (await _api.CreateClient().SendAsync(PublicScenario.Get(url, "application/json"))).Json(HttpStatusCode.OK);

    private static string[] Names(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("name").GetString()!).ToArray();

    [Test]
    public async Task AProvincesCatalogue_ListsItsCertifiedProducts_Only()
    {
        var thanhHoa = await Json("/ocop/thanh-hoa");
        Assert.That(thanhHoa.GetProperty("provinceCode").GetString(), Is.EqualTo("38"));
        Assert.That(Names(thanhHoa), Is.EquivalentTo(new[] { "Mật ong rừng Bá Thước", "Chiếu cói Nga Sơn" }), "not the expired nor the uncertified one");
        Assert.That(thanhHoa.GetProperty("items")[0].GetProperty("stars").GetInt32(), Is.EqualTo(4));
        Assert.That(Names(await Json("/ocop/nghe-an")), Is.EqualTo(new[] { "Cam Vinh" }));
        Assert.That(Names(await Json("/ocop")), Has.Length.EqualTo(3));
        Assert.That(Names(await Json("/api/v1/public/ocop?province=38")), Has.Length.EqualTo(2), "the JSON twin, by code");
    }

    [Test]
    public async Task Search_NeedsNoAccents_AndCategoryNarrows()
    {
        Assert.That(Names(await Json("/ocop?q=mat%20ong")), Is.EqualTo(new[] { "Mật ong rừng Bá Thước" }));
        Assert.That(Names(await Json("/ocop?q=M%E1%BA%ACT%20ONG")), Is.EqualTo(new[] { "Mật ong rừng Bá Thước" }), "any case, with accents too");
        Assert.That(Names(await Json("/ocop/thanh-hoa?category=handicraft")), Is.EqualTo(new[] { "Chiếu cói Nga Sơn" }));
        Assert.That(Names(await Json("/ocop?q=m_t%20ong")), Is.Empty, "a LIKE wildcard typed (_) is not a wildcard");
    }

    [Test]
    public async Task Pages_FollowTheirCursor()
    {
        var first = await Json("/ocop?limit=2");
        var next = first.GetProperty("nextCursor").GetString()!;
        var second = await Json($"/ocop?limit=2&cursor={next}");
        Assert.That(Names(first).Concat(Names(second)).ToArray(), Is.Unique.And.Length.EqualTo(3));
        Assert.That(second.GetProperty("nextCursor").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task ThePage_IsPlainHtml_WithAnItemList_AndCacheable()
    {
        var response = await _api.CreateClient().SendAsync(PublicScenario.Get("/ocop/thanh-hoa?q=mat ong", "text/html"));
        var html = System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Headers.CacheControl!.Public, Is.True);
        Assert.That(html, Does.Contain("<h1>Sản phẩm OCOP Thanh Hóa</h1>").And.Contain("Mật ong rừng Bá Thước").And.Contain("value=\"mat ong\""));
        var scripts = System.Text.RegularExpressions.Regex.Matches(html, "<script[^>]*>").Select(m => m.Value);
        Assert.That(scripts, Is.EqualTo(new[] { "<script type=\"application/ld+json\">" }), "no JavaScript: a JSON-LD block");
        Assert.That(html, Does.Contain("\"@type\":\"ItemList\"").And.Contain("/products/0"), "an ItemList, each product linked to its record");
    }

    [Test]
    public async Task AnUnknownProvince_Is404_AndAWrongCategory_400()
    {
        await (await _api.CreateClient().SendAsync(PublicScenario.Get("/ocop/atlantis", "application/json"))).Json(HttpStatusCode.NotFound);
        var bad = await (await _api.CreateClient().SendAsync(PublicScenario.Get("/ocop?category=cars", "application/json"))).Json(HttpStatusCode.BadRequest);
        Assert.That(bad.GetProperty("errors").TryGetProperty("category", out _), Is.True);
    }
}
