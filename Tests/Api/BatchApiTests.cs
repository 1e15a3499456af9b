using System.Net;
using System.Net.Http.Json;
using NUnit.Framework;
using Traceability.Domain;
using Traceability.Tests.Support;

namespace Traceability.Tests.Api;

public sealed class BatchApiTests
{
    private ApiFactory _api = null!;

    [OneTimeSetUp] public void Start() => _api = new ApiFactory();
    [OneTimeTearDown] public void Stop() => _api.Dispose();

    [Test]
    public async Task CreateBatch_WithGtin_PublicUrlIsDigitalLink_WithPercentEncodedLot()
    {
        var producer = await _api.CreateProducerAsync();
        var gtin = Scenario.NewGtin13();
        var product = await producer.CreateProductAsync(gtin);

        var batch = await producer.CreateBatchAsync(product.Id(), "A/B+1");

        Assert.That(batch.GetProperty("publicUrl").GetString(), Is.EqualTo($"https://trace.example.vn/01/0{gtin}/10/A%2FB%2B1"));
    }

    [Test]
    public async Task CreateBatch_WithoutGtin_PublicUrlIsTracingCodePage_CodeIsRandomAndUnambiguous()
    {
        var producer = await _api.CreateProducerAsync();
        var product = await producer.CreateProductAsync();
        var first = await producer.CreateBatchAsync(product.Id(), "L1");
        var second = await producer.CreateBatchAsync(product.Id(), "L2");

        var code = first.GetProperty("code").GetString()!;
        Assert.Multiple(() =>
        {
            Assert.That(first.GetProperty("publicUrl").GetString(), Is.EqualTo($"https://trace.example.vn/p/{code}"));
            Assert.That(code, Has.Length.EqualTo(TracingCode.Length));
            Assert.That(code.All(c => TracingCode.Alphabet.Contains(c)), Is.True);
            Assert.That(code, Does.Not.Contain("0").And.Not.Contain("O").And.Not.Contain("1").And.Not.Contain("I"));
            Assert.That(second.GetProperty("code").GetString(), Is.Not.EqualTo(code));
        });
    }

    [Test]
    public async Task CreateBatch_ExpiresOnDefaultsToShelfLife()
    {
        var producer = await _api.CreateProducerAsync();
        var product = await producer.CreateProductAsync(shelfLifeDays: 10);
        var batch = await producer.CreateBatchAsync(product.Id());
        Assert.That(batch.GetProperty("producedOn").GetString(), Is.EqualTo("2025-11-20"));
        Assert.That(batch.GetProperty("expiresOn").GetString(), Is.EqualTo("2025-11-30"));
    }

    [Test]
    public async Task CreateBatch_DuplicateLotOfSameProduct_Is409_OtherProductIsFine()
    {
        var producer = await _api.CreateProducerAsync();
        var product = await producer.CreateProductAsync();
        var other = await producer.CreateProductAsync(name: "Khác");
        await producer.CreateBatchAsync(product.Id(), "LOT-7");

        await (await producer.Client.PostAsJsonAsync("/api/v1/batches", new { productId = product.Id(), lotNumber = "LOT-7", producedOn = "2025-01-01" }))
            .Json(HttpStatusCode.Conflict);
        await producer.CreateBatchAsync(other.Id(), "LOT-7");
    }

    [TestCase("")]
    [TestCase("LÔ-1")]
    [TestCase("ABCDEFGHIJKLMNOPQRSTU")]
    [TestCase("A#1")]
    public async Task CreateBatch_BadLotNumber_Is400(string lot)
    {
        var producer = await _api.CreateProducerAsync();
        var product = await producer.CreateProductAsync();
        var problem = await (await producer.Client.PostAsJsonAsync("/api/v1/batches", new { productId = product.Id(), lotNumber = lot, producedOn = "2025-01-01" }))
            .Json(HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").TryGetProperty("lotNumber", out _), Is.True);
    }

    [Test]
    public async Task GetAndList_ReturnTheBatch_ListFiltersByProduct()
    {
        var producer = await _api.CreateProducerAsync();
        var p1 = await producer.CreateProductAsync();
        var p2 = await producer.CreateProductAsync(name: "Hai");
        var b1 = await producer.CreateBatchAsync(p1.Id(), "X1");
        await producer.CreateBatchAsync(p2.Id(), "X2");

        var read = await (await producer.Client.GetAsync($"/api/v1/batches/{b1.Id()}")).Json(HttpStatusCode.OK);
        var list = await (await producer.Client.GetAsync($"/api/v1/batches?productId={p1.Id()}")).Json(HttpStatusCode.OK);
        var all = await (await producer.Client.GetAsync("/api/v1/batches")).Json(HttpStatusCode.OK);

        Assert.Multiple(() =>
        {
            Assert.That(read.ToString(), Is.EqualTo(b1.ToString()));
            Assert.That(list.GetProperty("items").EnumerateArray().Select(b => b.Id()), Is.EqualTo(new[] { b1.Id() }));
            Assert.That(all.GetProperty("items").GetArrayLength(), Is.EqualTo(2));
            Assert.That(read.GetProperty("origin").GetProperty("name").GetString(), Is.EqualTo("Trại Xuân Lập"));
            Assert.That(read.GetProperty("quantity").GetDecimal(), Is.EqualTo(12.5m));
        });
    }

    [Test]
    public async Task Authority_ReadsAnyBatch()
    {
        var producer = await _api.CreateProducerAsync();
        var batch = await producer.CreateBatchAsync((await producer.CreateProductAsync()).Id());
        var authority = await _api.CreateAuthorityAsync();
        await (await authority.Client.GetAsync($"/api/v1/batches/{batch.Id()}")).Json(HttpStatusCode.OK);
    }
}
