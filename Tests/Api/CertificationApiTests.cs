using System.Net;
using System.Net.Http.Json;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Api;

public sealed class CertificationApiTests
{
    private ApiFactory _api = null!;

    [OneTimeSetUp] public void Start() => _api = new ApiFactory();
    [OneTimeTearDown] public void Stop() => _api.Dispose();

    private static object Decision(int stars, string issuedOn, string? validUntil = null) =>
        new { stars, decisionNumber = "3981/QĐ-UBND", issuedBy = "UBND tỉnh Thanh Hóa", issuedOn, validUntil };

    [Test]
    public async Task ProvinceAuthority_Certifies4Stars_ValidFor36MonthsByDefault()
    {
        var producer = await _api.CreateProducerAsync();
        var product = await producer.CreateProductAsync();
        var province = await _api.CreateAuthorityAsync("province");

        var cert = await (await province.Client.PostAsJsonAsync($"/api/v1/products/{product.Id()}/ocop-certifications", Decision(4, "2025-10-15")))
            .Json(HttpStatusCode.Created);

        Assert.Multiple(() =>
        {
            Assert.That(cert.GetProperty("stars").GetInt32(), Is.EqualTo(4));
            Assert.That(cert.GetProperty("validUntil").GetString(), Is.EqualTo("2028-10-15"));
            Assert.That(cert.GetProperty("decisionNumber").GetString(), Is.EqualTo("3981/QĐ-UBND"));
            Assert.That(cert.GetProperty("authorityId").GetGuid(), Is.EqualTo(province.Id));
        });
    }

    [Test]
    public async Task ProvinceAuthority_5Stars_Is403_NationalMayGive5()
    {
        var producer = await _api.CreateProducerAsync();
        var product = await producer.CreateProductAsync();
        var url = $"/api/v1/products/{product.Id()}/ocop-certifications";

        await (await (await _api.CreateAuthorityAsync("province")).Client.PostAsJsonAsync(url, Decision(5, "2025-10-15"))).Json(HttpStatusCode.Forbidden);
        await (await (await _api.CreateAuthorityAsync("national")).Client.PostAsJsonAsync(url, Decision(5, "2025-10-15"))).Json(HttpStatusCode.Created);

        var history = await (await producer.Client.GetAsync(url)).Json(HttpStatusCode.OK);
        Assert.That(history.GetProperty("items").GetArrayLength(), Is.EqualTo(1), "the refused decision left nothing behind");
    }

    [TestCase(2)]
    [TestCase(6)]
    public async Task Stars_OutsideThreeToFive_Is400(int stars)
    {
        var producer = await _api.CreateProducerAsync();
        var product = await producer.CreateProductAsync();
        var national = await _api.CreateAuthorityAsync("national");
        var problem = await (await national.Client.PostAsJsonAsync($"/api/v1/products/{product.Id()}/ocop-certifications", Decision(stars, "2025-01-01")))
            .Json(HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").TryGetProperty("stars", out _), Is.True);
    }

    [Test]
    public async Task History_IsNewestFirst_CurrentIsNewestStillValid()
    {
        var producer = await _api.CreateProducerAsync();
        var product = await producer.CreateProductAsync();
        var province = await _api.CreateAuthorityAsync("province");
        var url = $"/api/v1/products/{product.Id()}/ocop-certifications";
        var old = await (await province.Client.PostAsJsonAsync(url, Decision(3, "2020-03-01"))).Json(HttpStatusCode.Created);
        var current = await (await province.Client.PostAsJsonAsync(url, Decision(4, "2024-06-01"))).Json(HttpStatusCode.Created);

        var history = await (await producer.Client.GetAsync(url)).Json(HttpStatusCode.OK);

        var items = history.GetProperty("items").EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(items.Select(i => i.Id()), Is.EqualTo(new[] { current.Id(), old.Id() }));
            Assert.That(items[1].GetProperty("status").GetString(), Is.EqualTo("expired"));
            Assert.That(history.GetProperty("current").Id(), Is.EqualTo(current.Id()));
        });
    }

    [Test]
    public async Task Producer_CannotCertify_AndUnknownProductIs404()
    {
        var producer = await _api.CreateProducerAsync();
        var product = await producer.CreateProductAsync();
        await (await producer.Client.PostAsJsonAsync($"/api/v1/products/{product.Id()}/ocop-certifications", Decision(4, "2025-01-01")))
            .Json(HttpStatusCode.Forbidden);
        var province = await _api.CreateAuthorityAsync();
        await (await province.Client.PostAsJsonAsync($"/api/v1/products/{Guid.NewGuid()}/ocop-certifications", Decision(4, "2025-01-01")))
            .Json(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task IssuedOnInFuture_OrValidUntilBeforeIssue_Is400()
    {
        var producer = await _api.CreateProducerAsync();
        var product = await producer.CreateProductAsync();
        var province = await _api.CreateAuthorityAsync();
        var url = $"/api/v1/products/{product.Id()}/ocop-certifications";
        var future = DateTime.UtcNow.AddDays(10).ToString("yyyy-MM-dd");
        await (await province.Client.PostAsJsonAsync(url, Decision(4, future))).Json(HttpStatusCode.BadRequest);
        await (await province.Client.PostAsJsonAsync(url, Decision(4, "2025-01-01", "2024-01-01"))).Json(HttpStatusCode.BadRequest);
    }
}
