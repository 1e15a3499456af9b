using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Api;

public sealed class ProducerApiTests
{
    private ApiFactory _api = null!;

    [OneTimeSetUp] public void Start() => _api = new ApiFactory();
    [OneTimeTearDown] public void Stop() => _api.Dispose();

    [Test]
    public async Task CreateProducer_AsAdmin_ReturnsIdAndWorkingKey()
    {
        var producer = await _api.CreateProducerAsync();

        Assert.That(producer.Key, Does.StartWith("ocop_"));
        var read = await (await producer.Client.GetAsync($"/api/v1/producers/{producer.Id}")).Json(HttpStatusCode.OK);
        Assert.Multiple(() =>
        {
            Assert.That(read.GetProperty("name").GetString(), Is.EqualTo("Hợp tác xã Nông nghiệp Thọ Xuân"));
            Assert.That(read.GetProperty("kind").GetString(), Is.EqualTo("cooperative"));
            Assert.That(read.GetProperty("address").GetProperty("provinceCode").GetString(), Is.EqualTo("38"));
        });
    }

    [Test]
    public async Task CreateProducer_AsProducer_IsForbidden()
    {
        var producer = await _api.CreateProducerAsync();
        var response = await producer.Client.PostAsJsonAsync("/api/v1/producers", new { name = "X", kind = "household", address = new { commune = "A", province = "B" } });
        await response.Json(HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task AnyEndpoint_WithoutOrWithUnknownKey_Is401ProblemDetails()
    {
        foreach (var key in new[] { null, "ocop_not-a-real-key" })
        {
            var response = await _api.ClientWithKey(key).GetAsync("/api/v1/products");
            var problem = await response.Json(HttpStatusCode.Unauthorized);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo(401));
        }
    }

    [Test]
    public async Task ApiKeys_AreStoredOnlyAsSha256Hashes()
    {
        var producer = await _api.CreateProducerAsync();
        using var db = _api.OpenDatabase();
        var hashes = (await db.QueryAsync<byte[]>("SELECT key_hash FROM api_keys")).ToList();
        var everything = string.Join("|", await db.QueryAsync<string>("SELECT hint FROM api_keys"));

        Assert.That(hashes, Has.Some.EqualTo(SHA256.HashData(Encoding.UTF8.GetBytes(producer.Key))));
        Assert.That(everything, Does.Not.Contain(producer.Key));
        foreach (var file in new[] { _api.DatabasePath, _api.DatabasePath + "-wal" }.Where(File.Exists))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream, Encoding.Latin1);
            Assert.That(await reader.ReadToEndAsync(), Does.Not.Contain(producer.Key[10..]), file);
        }
    }

    [Test]
    public async Task NewKey_Works_AndRevokedKey_StopsWorking()
    {
        var producer = await _api.CreateProducerAsync();
        var second = await (await producer.Client.PostAsync($"/api/v1/producers/{producer.Id}/api-keys", null)).Json(HttpStatusCode.Created);
        var secondClient = _api.ClientWithKey(second.GetProperty("apiKey").GetString());
        await (await secondClient.GetAsync("/api/v1/products")).Json(HttpStatusCode.OK);

        await (await secondClient.DeleteAsync($"/api/v1/producers/{producer.Id}/api-keys/{producer.KeyId}")).Json(HttpStatusCode.NoContent);

        await (await producer.Client.GetAsync("/api/v1/products")).Json(HttpStatusCode.Unauthorized);
        await (await secondClient.GetAsync("/api/v1/products")).Json(HttpStatusCode.OK);
    }

    [Test]
    public async Task RevokeKey_UnknownKey_Is404()
    {
        var producer = await _api.CreateProducerAsync();
        await (await producer.Client.DeleteAsync($"/api/v1/producers/{producer.Id}/api-keys/{Guid.NewGuid()}")).Json(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task CreateProducer_NfdVietnamese_IsStoredNfcAndTrimmed()
    {
        var decomposed = "  Hợp tác xã Mường Lát  ".Normalize(NormalizationForm.FormD);
        var producer = await _api.CreateProducerAsync(decomposed);
        var read = await (await producer.Client.GetAsync($"/api/v1/producers/{producer.Id}")).Json(HttpStatusCode.OK);
        var name = read.GetProperty("name").GetString()!;
        Assert.That(name, Is.EqualTo("Hợp tác xã Mường Lát".Normalize(NormalizationForm.FormC)));
        Assert.That(name.IsNormalized(NormalizationForm.FormC), Is.True);
    }

    [Test]
    public async Task Authority_CanReadProducer_AndRegisterOnesOfItsProvinceOnly()
    {
        var producer = await _api.CreateProducerAsync();
        var authority = await _api.CreateAuthorityAsync();
        await (await authority.Client.GetAsync($"/api/v1/producers/{producer.Id}")).Json(HttpStatusCode.OK);
        await (await authority.Client.PostAsJsonAsync("/api/v1/producers",
            new { name = "HTX Huế", kind = "cooperative", address = new { commune = "Phường Thuận Hóa", province = "Huế" } })).Json(HttpStatusCode.Forbidden);
        await (await producer.Client.PostAsJsonAsync("/api/v1/producers", new { })).Json(HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task CreateAuthority_ProvinceLevelWithoutProvince_Is400()
    {
        var problem = await (await _api.Admin().PostAsJsonAsync("/api/v1/authorities", new { name = "Hội đồng", level = "province" }))
            .Json(HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").TryGetProperty("province", out _), Is.True);
    }
}

/// <summary>Keys are cached briefly; a key revoked through another API process stops working within 5 seconds.</summary>
public sealed class ApiKeyCacheTests
{
    [Test]
    public async Task KeyRevokedThroughAnotherProcess_StopsWithinFiveSeconds()
    {
        using var first = new ApiFactory();
        var producer = await first.CreateProducerAsync();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        using var second = new ApiFactory(databasePath: first.DatabasePath).WithClock(clock);
        var other = second.ClientWithKey(producer.Key);
        Assert.That((await other.GetAsync("/api/v1/products")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        // The account keeps a full key of its own (its last one cannot be revoked).
        await (await producer.Client.PostAsync($"/api/v1/producers/{producer.Id}/api-keys", null)).Json(HttpStatusCode.Created);
        await (await first.Admin().DeleteAsync($"/api/v1/producers/{producer.Id}/api-keys/{producer.KeyId}")).Json(HttpStatusCode.NoContent);
        Assert.That((await producer.Client.GetAsync("/api/v1/products")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "at once where it was revoked");

        Assert.That((await other.GetAsync("/api/v1/products")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the other process still trusts its cache");
        clock.Advance(TimeSpan.FromSeconds(5.1));
        Assert.That((await other.GetAsync("/api/v1/products")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "within 5 s elsewhere");
    }
}
