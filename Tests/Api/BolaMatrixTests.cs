using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Api;

/// <summary>Broken object-level authorisation: every producer endpoint, aimed by producer B at producer A's
/// resources, must answer exactly as for a missing resource (404) and change nothing.</summary>
public sealed class BolaMatrixTests
{
    private ApiFactory _api = null!;
    private Account _owner = null!;
    private Account _intruder = null!;
    private Guid _productId;
    private Guid _batchId;
    private string _productBefore = "";

    public sealed record Probe(string Name, Func<BolaMatrixTests, HttpMethod> Method, Func<BolaMatrixTests, Guid, string> Url, Func<BolaMatrixTests, Guid, HttpContent?> Body)
    {
        public override string ToString() => Name;
    }

    private static HttpContent Json(object o) => JsonContent.Create(o);

    public static IEnumerable<Probe> Probes() =>
    [
        new("GET product", _ => HttpMethod.Get, (t, id) => $"/api/v1/products/{id}", (_, _) => null),
        new("PATCH product", _ => HttpMethod.Patch, (t, id) => $"/api/v1/products/{id}", (_, _) => new StringContent("""{"name":"pwned"}""", Encoding.UTF8, "application/json")),
        new("GET certifications", _ => HttpMethod.Get, (t, id) => $"/api/v1/products/{id}/ocop-certifications", (_, _) => null),
        new("GET batch", _ => HttpMethod.Get, (t, id) => $"/api/v1/batches/{t.BatchOr(id)}", (_, _) => null),
        new("GET batches of product", _ => HttpMethod.Get, (t, id) => $"/api/v1/batches?productId={id}", (_, _) => null),
        new("POST batch on product", _ => HttpMethod.Post, (_, _) => "/api/v1/batches", (_, id) => Json(new { productId = id, lotNumber = "EVIL-1", producedOn = "2025-01-01" })),
        new("GET producer", _ => HttpMethod.Get, (t, id) => $"/api/v1/producers/{t.ProducerOr(id)}", (_, _) => null),
        new("POST producer api key", _ => HttpMethod.Post, (t, id) => $"/api/v1/producers/{t.ProducerOr(id)}/api-keys", (_, _) => null),
        new("DELETE producer api key", _ => HttpMethod.Delete, (t, id) => $"/api/v1/producers/{t.ProducerOr(id)}/api-keys/{t.KeyOr(id)}", (_, _) => null),
    ];

    // The probes take the product id as "the target"; these map it to the owner's other resources of the same kind.
    private Guid BatchOr(Guid id) => id == _productId ? _batchId : id;
    private Guid ProducerOr(Guid id) => id == _productId ? _owner.Id : id;
    private Guid KeyOr(Guid id) => id == _productId ? _owner.KeyId : Guid.NewGuid();

    [OneTimeSetUp]
    public async Task Start()
    {
        _api = new ApiFactory();
        _owner = await _api.CreateProducerAsync("Chủ sở hữu");
        _intruder = await _api.CreateProducerAsync("Kẻ xâm nhập");
        var product = await _owner.CreateProductAsync(Scenario.NewGtin13());
        _productId = product.Id();
        _batchId = (await _owner.CreateBatchAsync(_productId)).Id();
        _productBefore = product.ToString();
    }

    [OneTimeTearDown] public void Stop() => _api.Dispose();

    [TestCaseSource(nameof(Probes))]
    public async Task OtherProducersResource_AnswersLikeAMissingOne(Probe probe)
    {
        var foreign = await Send(probe, _productId);
        var missing = await Send(probe, Guid.NewGuid());

        Assert.That(foreign.Status, Is.EqualTo(HttpStatusCode.NotFound), foreign.Body);
        Assert.That(missing.Status, Is.EqualTo(HttpStatusCode.NotFound), missing.Body);
        Assert.That(Shape(foreign.Body), Is.EqualTo(Shape(missing.Body)));

        var product = await (await _owner.Client.GetAsync($"/api/v1/products/{_productId}")).Json(HttpStatusCode.OK);
        Assert.That(product.ToString(), Is.EqualTo(_productBefore), "the owner's product is unchanged");
        await (await _owner.Client.GetAsync("/api/v1/products")).Json(HttpStatusCode.OK);
        var batches = await (await _owner.Client.GetAsync($"/api/v1/batches?productId={_productId}")).Json(HttpStatusCode.OK);
        Assert.That(batches.GetProperty("items").GetArrayLength(), Is.EqualTo(1), "no batch was added to the owner's product");
    }

    [Test]
    public async Task Lists_ShowOnlyTheCallersOwn()
    {
        var products = await (await _intruder.Client.GetAsync("/api/v1/products")).Json(HttpStatusCode.OK);
        var batches = await (await _intruder.Client.GetAsync("/api/v1/batches")).Json(HttpStatusCode.OK);
        Assert.That(products.GetProperty("items").EnumerateArray().Select(p => p.Id()), Does.Not.Contain(_productId));
        Assert.That(batches.GetProperty("items").EnumerateArray().Select(b => b.Id()), Does.Not.Contain(_batchId));
        var filtered = await (await _intruder.Client.GetAsync($"/api/v1/products?producerId={_owner.Id}")).Json(HttpStatusCode.OK);
        Assert.That(filtered.GetProperty("items").GetArrayLength(), Is.EqualTo(0), "a producer cannot widen its list to another producer");
    }

    private async Task<(HttpStatusCode Status, string Body)> Send(Probe probe, Guid target)
    {
        using var request = new HttpRequestMessage(probe.Method(this), probe.Url(this, target)) { Content = probe.Body(this, target) };
        var response = await _intruder.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The problem's type, title and status: what could tell "someone else's" from "missing".</summary>
    private static string Shape(string body)
    {
        var json = JsonDocument.Parse(body).RootElement;
        return $"{json.GetProperty("type")}|{json.GetProperty("title")}|{json.GetProperty("status")}";
    }
}
