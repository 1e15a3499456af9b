using System.Net;
using System.Net.Http.Json;
using System.Text;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Api;

/// <summary>Bad input gets a 4xx problem details response that says what is wrong; never a 500, and nothing stored changes.</summary>
public sealed partial class BadInputTests
{
    private ApiFactory _api = null!;
    private Account _producer = null!;
    private Account _authority = null!;
    private Guid _productId;

    [OneTimeSetUp]
    public async Task Start()
    {
        _api = new ApiFactory();
        _producer = await _api.CreateProducerAsync();
        _authority = await _api.CreateAuthorityAsync("national");
        _productId = (await _producer.CreateProductAsync()).Id();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _document?.Dispose();
        _api.Dispose();
    }

    public static IEnumerable<TestCaseData> Bodies()
    {
        var endpoints = new[] { "producers", "authorities", "products", "batches", "certifications" };
        var bodies = new (string Name, string Body, string? Field)[]
        {
            ("malformed JSON", "{\"name\": ", null),
            ("not an object", "[1,2,3]", null),
            ("JSON null", "null", null),
            ("empty object", "{}", null),
            ("wrong types", """{"name": 12, "kind": true, "category": [], "stars": "five", "productId": "nope", "level": {}, "producedOn": "yesterday"}""", null),
            ("unknown enum", """{"name":"A","kind":"corporation","category":"weapons","level":"district","stars":9,"decisionNumber":"1","issuedBy":"x","issuedOn":"2025-01-01"}""", null),
            ("far too long", "{\"name\":\"" + new string('a', 300_000) + "\"}", null),
            ("deeply nested", new string('[', 5000) + new string(']', 5000), null),
        };
        foreach (var endpoint in endpoints)
        foreach (var (name, body, _) in bodies)
            yield return new TestCaseData(endpoint, body).SetName($"Post_{endpoint}_{name.Replace(' ', '_')}_Is400");
    }

    private (HttpClient Client, string Url) Target(string endpoint) => endpoint switch
    {
        "producers" => (_api.Admin(), "/api/v1/producers"),
        "authorities" => (_api.Admin(), "/api/v1/authorities"),
        "products" => (_producer.Client, "/api/v1/products"),
        "batches" => (_producer.Client, "/api/v1/batches"),
        _ => (_authority.Client, $"/api/v1/products/{_productId}/ocop-certifications"),
    };

    [TestCaseSource(nameof(Bodies))]
    public async Task Post_BadBody_Is400ProblemDetails_NothingStored(string endpoint, string body)
    {
        var before = await CountRows();
        var (client, url) = Target(endpoint);

        var response = await client.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await response.Json(HttpStatusCode.BadRequest);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(problem.GetProperty("title").GetString(), Is.Not.Empty);
        Assert.That(await CountRows(), Is.EqualTo(before));
    }

    [Test]
    public async Task WrongType_NamesTheField()
    {
        var problem = await (await _producer.Client.PostAsync("/api/v1/products",
            new StringContent("""{"name":"Chè","category":"food","shelfLifeDays":"ten"}""", Encoding.UTF8, "application/json"))).Json(HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").TryGetProperty("shelfLifeDays", out _), Is.True, problem.ToString());
    }

    [Test]
    public async Task UnknownField_Is400NamingIt()
    {
        var problem = await (await _producer.Client.PostAsync("/api/v1/batches", new StringContent(
            $$$"""{"productId":"{{{_productId}}}","lotNo":"L1","producedOn":"2025-01-01"}""", Encoding.UTF8, "application/json"))).Json(HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").EnumerateObject().Select(e => e.Name), Does.Contain("lotNo"), problem.ToString());
    }

    [Test]
    public async Task MissingFields_AreAllListedByCamelCasePath()
    {
        var problem = await (await _api.Admin().PostAsJsonAsync("/api/v1/producers", new { address = new { } })).Json(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.That(errors.EnumerateObject().Select(e => e.Name), Is.SupersetOf(new[] { "name", "kind", "address.commune", "address.province" }));
    }

    [Test]
    public async Task OversizedBody_Is413()
    {
        var body = "{\"name\":\"" + new string('a', 2 * 1024 * 1024) + "\"}";
        var response = await _producer.Client.PostAsync("/api/v1/products", new StringContent(body, Encoding.UTF8, "application/json"));
        await response.Json(HttpStatusCode.RequestEntityTooLarge);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [TestCase("text/plain")]
    [TestCase("application/x-www-form-urlencoded")]
    public async Task WrongMediaType_Is415(string mediaType)
    {
        var response = await _producer.Client.PostAsync("/api/v1/products", new StringContent("""{"name":"A","category":"food"}""", Encoding.UTF8, mediaType));
        await response.Json(HttpStatusCode.UnsupportedMediaType);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [TestCase("/api/v1/products/not-a-guid")]
    [TestCase("/api/v1/batches/123")]
    [TestCase("/api/v1/nothing-here")]
    public async Task MalformedIdsAndUnknownPaths_Are404ProblemDetails(string url)
    {
        var response = await _producer.Client.GetAsync(url);
        await response.Json(HttpStatusCode.NotFound);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [TestCase("/api/v1/batches?productId=xyz")]
    [TestCase("/api/v1/products?limit=abc")]
    public async Task MalformedQuery_Is400(string url) =>
        await (await _producer.Client.GetAsync(url)).Json(HttpStatusCode.BadRequest);

    [Test]
    public async Task WrongMethod_Is405()
    {
        var response = await _producer.Client.PutAsync($"/api/v1/products/{_productId}", JsonContent.Create(new { }));
        await response.Json(HttpStatusCode.MethodNotAllowed);
    }

    private async Task<long> CountRows()
    {
        using var db = _api.OpenDatabase();
        var total = 0L;
        foreach (var table in new[] { "producers", "authorities", "api_keys", "products", "ocop_certifications", "batches" })
        {
            await using var command = db.CreateCommand();
            command.CommandText = $"SELECT COUNT(*) FROM {table}";
            total += (long)(await command.ExecuteScalarAsync())!;
        }
        return total;
    }
}
