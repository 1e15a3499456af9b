using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NUnit.Framework;
using Traceability.Tests.Public;
using Traceability.Tests.Support;

namespace Traceability.Tests.Trust;

/// <summary>Certified facts stay true: a product renamed and re-categorised after its OCOP certification keeps the history
/// of the change, and its page says plainly that the rating was given under the old name, instead of lending the stars
/// to the new one.</summary>
public sealed class CertifiedFactsTests : ApiTest
{
    [Test]
    public async Task ACertifiedProductRenamedAndRecategorised_KeepsTheHistory_AndThePageSaysUnderWhichNameItWasCertified()
    {
        var product = await Producer.CreateProductAsync(Scenario.NewGtin13(), name: "Nem chua Thanh Hóa");
        var batch = await Producer.CreateBatchAsync(product.Id(), "NEM-C1");
        var code = batch.GetProperty("code").GetString()!;
        var authority = await Api.CreateAuthorityAsync();
        await (await authority.Client.PostAsJsonAsync($"/api/v1/products/{product.Id()}/ocop-certifications",
            new { stars = 4, decisionNumber = "3981/QĐ-UBND", issuedBy = "UBND tỉnh Thanh Hóa", issuedOn = "2025-10-15" })).Json(HttpStatusCode.Created);
        var anonymous = Api.ClientWithKey(null);
        var before = await (await anonymous.SendAsync(PublicScenario.Get($"/p/{code}", "text/html"))).Content.ReadAsStringAsync();
        Assert.That(before, Does.Not.Contain("id=\"certified-under\""));

        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/products/{product.Id()}")
        {
            Content = new StringContent("""{"name": "Sâm Ngọc Linh", "category": "herbal"}""", System.Text.Encoding.UTF8, "application/merge-patch+json"),
        };
        await (await Producer.Client.SendAsync(patch)).Json(HttpStatusCode.OK);

        var changes = await (await authority.Client.GetAsync($"/api/v1/products/{product.Id()}/changes")).Json(HttpStatusCode.OK);
        Assert.That(changes.EnumerateArray().Select(c => (c.GetProperty("field").GetString(), c.GetProperty("from").GetString(), c.GetProperty("to").GetString())),
            Is.EqualTo(new[] { ("name", "Nem chua Thanh Hóa", "Sâm Ngọc Linh"), ("category", "food", "herbal") }));
        Assert.That(changes[0].GetProperty("changedByKeyId").GetGuid(), Is.EqualTo(Producer.KeyId), "who made it");

        var record = await (await anonymous.GetAsync($"/api/v1/public/records/{code}")).Json(HttpStatusCode.OK);
        var ocop = record.GetProperty("ocop");
        Assert.That(ocop.GetProperty("changedSinceCertification").EnumerateArray().Select(f => f.GetString()), Is.EqualTo(new[] { "name", "category" }));
        Assert.That(ocop.GetProperty("current").GetProperty("certifiedAs").GetProperty("name").GetString(), Is.EqualTo("Nem chua Thanh Hóa"));
        var page = await (await anonymous.SendAsync(PublicScenario.Get($"/p/{code}", "text/html"))).Content.ReadAsStringAsync();
        Assert.That(WebUtility.HtmlDecode(page), Does.Contain("Lưu ý: chứng nhận OCOP này được cấp cho sản phẩm “Nem chua Thanh Hóa” (Thực phẩm)."));
        var jsonLd = page[(page.IndexOf("application/ld+json", StringComparison.Ordinal))..];
        jsonLd = jsonLd[(jsonLd.IndexOf('>') + 1)..jsonLd.IndexOf("</script>", StringComparison.Ordinal)];
        Assert.That(JsonDocument.Parse(jsonLd).RootElement.TryGetProperty("hasCertification", out _), Is.False,
            "search engines are not told the renamed product holds the rating");
    }
}
