using System.Net;
using System.Net.Http.Json;
using System.Text;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Api;

public sealed class ProductApiTests
{
    private ApiFactory _api = null!;

    [OneTimeSetUp] public void Start() => _api = new ApiFactory();
    [OneTimeTearDown] public void Stop() => _api.Dispose();

    [Test]
    public async Task CreateProduct_Gtin13_IsStoredAsGtin14()
    {
        var producer = await _api.CreateProducerAsync();
        var gtin = Scenario.NewGtin13();
        var product = await producer.CreateProductAsync(gtin);
        Assert.That(product.GetProperty("gtin").GetString(), Is.EqualTo("0" + gtin));
        Assert.That(product.GetProperty("producerId").GetGuid(), Is.EqualTo(producer.Id));
    }

    [TestCase("8935049500019")]
    [TestCase("893504950001")]
    [TestCase("89350495000A8")]
    public async Task CreateProduct_InvalidGtin_Is400OnGtin(string gtin)
    {
        var producer = await _api.CreateProducerAsync();
        var problem = await (await producer.Client.PostAsJsonAsync("/api/v1/products", new { name = "Chè", category = "beverage", gtin }))
            .Json(HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").TryGetProperty("gtin", out _), Is.True);
    }

    [Test]
    public async Task CreateProduct_DuplicateGtin_Is409()
    {
        var a = await _api.CreateProducerAsync();
        var b = await _api.CreateProducerAsync("HTX B");
        var gtin = Scenario.NewGtin13();
        await a.CreateProductAsync(gtin);
        var response = await b.Client.PostAsJsonAsync("/api/v1/products", new { name = "Khác", category = "food", gtin = "0" + gtin });
        await response.Json(HttpStatusCode.Conflict);
    }

    [Test]
    public async Task ListProducts_PagesWithCursor_InRegistrationOrder_OwnOnly()
    {
        var producer = await _api.CreateProducerAsync();
        var other = await _api.CreateProducerAsync("HTX khác");
        await other.CreateProductAsync(name: "Không phải của tôi");
        var created = new List<Guid>();
        for (var i = 0; i < 5; i++) created.Add((await producer.CreateProductAsync(name: $"Sản phẩm {i}")).Id());

        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = "/api/v1/products?limit=2" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            var page = await (await producer.Client.GetAsync(url)).Json(HttpStatusCode.OK);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(p => p.Id()));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        } while (cursor is not null);

        Assert.That(seen, Is.EqualTo(created));
        Assert.That(pages, Is.EqualTo(3));
    }

    [TestCase("cursor=garbage")]
    [TestCase("limit=0")]
    [TestCase("limit=100000")]
    public async Task ListProducts_BadPaging_Is400(string query)
    {
        var producer = await _api.CreateProducerAsync();
        await (await producer.Client.GetAsync($"/api/v1/products?{query}")).Json(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task PatchProduct_ChangesOnlyGivenFields_NullClears()
    {
        var producer = await _api.CreateProducerAsync();
        var product = await producer.CreateProductAsync();
        var patch = new StringContent("""{"name":"Nem chua Bà Lý","nameEn":null,"standards":["VietGAP","HACCP"]}""", Encoding.UTF8, "application/merge-patch+json");

        var changed = await (await producer.Client.PatchAsync($"/api/v1/products/{product.Id()}", patch)).Json(HttpStatusCode.OK);
        var read = await (await producer.Client.GetAsync($"/api/v1/products/{product.Id()}")).Json(HttpStatusCode.OK);

        Assert.Multiple(() =>
        {
            Assert.That(read.GetProperty("name").GetString(), Is.EqualTo("Nem chua Bà Lý"));
            Assert.That(read.GetProperty("nameEn").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
            Assert.That(read.GetProperty("description").GetString(), Is.EqualTo("Gói lá chuối"));
            Assert.That(read.GetProperty("standards").EnumerateArray().Select(s => s.GetString()), Is.EqualTo(new[] { "VietGAP", "HACCP" }));
            Assert.That(changed.GetProperty("updatedAt").GetDateTimeOffset(), Is.GreaterThanOrEqualTo(product.GetProperty("createdAt").GetDateTimeOffset()));
        });
    }

    [TestCase("""{"name":null}""", "name")]
    [TestCase("""{"shelfLifeDays":"many"}""", "shelfLifeDays")]
    [TestCase("""{"category":"weapons"}""", "category")]
    [TestCase("""{"owner":"me"}""", "owner")]
    [TestCase("""{"imageUrl":"http://insecure.example/x.png"}""", "imageUrl")]
    public async Task PatchProduct_BadField_Is400_AndNothingChanges(string body, string field)
    {
        var producer = await _api.CreateProducerAsync();
        var product = await producer.CreateProductAsync();
        var response = await producer.Client.PatchAsync($"/api/v1/products/{product.Id()}", new StringContent(body, Encoding.UTF8, "application/json"));
        var problem = await response.Json(HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, problem.ToString());
        var read = await (await producer.Client.GetAsync($"/api/v1/products/{product.Id()}")).Json(HttpStatusCode.OK);
        Assert.That(read.ToString(), Is.EqualTo(product.ToString()));
    }

    [Test]
    public async Task PatchProduct_GtinChangeAfterBatches_Is409()
    {
        var producer = await _api.CreateProducerAsync();
        var product = await producer.CreateProductAsync(Scenario.NewGtin13());
        await producer.CreateBatchAsync(product.Id());
        var patch = JsonContent.Create(new { gtin = Scenario.NewGtin13() });
        await (await producer.Client.PatchAsync($"/api/v1/products/{product.Id()}", patch)).Json(HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Authority_CanCreateNoProduct()
    {
        var authority = await _api.CreateAuthorityAsync();
        await (await authority.Client.PostAsJsonAsync("/api/v1/products", new { name = "X", category = "food" })).Json(HttpStatusCode.Forbidden);
    }
}
