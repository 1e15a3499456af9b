using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Api;

/// <summary>Schema rules, part of the bad-input cases. Validation has one mechanism: each request's mapper (FieldErrors: every error at once, camelCase paths).
/// The attributes on the request contracts are not a second one: they are the published schema (openapi.yaml). This
/// proves that every rule the schema declares — required fields, enum values, minimum and maximum — is enforced with
/// a 400 naming the field, so the schema a client is generated from never promises what the API does not check.</summary>
public sealed partial class BadInputTests
{
    private JsonElement _schemas;
    private JsonDocument? _document;

    private async Task<JsonDocument> Document() =>
        _document ??= JsonDocument.Parse(await (await _api.CreateClient().GetAsync("/swagger/v1/swagger.json")).Content.ReadAsStringAsync());

    /// <summary>The route of each endpoint the bad-input cases post to, as the OpenAPI document names it.</summary>
    private static string Route(string endpoint) => endpoint == "certifications" ? "/api/v1/products/{id}/ocop-certifications" : $"/api/v1/{endpoint}";

    private async Task<JsonElement> RequestSchema(string endpoint)
    {
        var document = await Document();
        _schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        var schema = document.RootElement.GetProperty("paths").GetProperty(Route(endpoint)).GetProperty("post").GetProperty("requestBody")
            .GetProperty("content").GetProperty("application/json").GetProperty("schema");
        return Resolve(schema);
    }

    /// <summary>A schema, or the one it references: bare ($ref) or, when it may be null, as allOf: [$ref].</summary>
    private JsonElement Resolve(JsonElement schema) =>
        schema.TryGetProperty("$ref", out var reference) ? _schemas.GetProperty(reference.GetString()!.Split('/')[^1])
        : schema.TryGetProperty("allOf", out var all) && all.GetArrayLength() == 1 ? Resolve(all[0])
        : schema;

    private static IEnumerable<string> Required(JsonElement schema) =>
        schema.TryGetProperty("required", out var required) ? required.EnumerateArray().Select(r => r.GetString()!) : [];

    private async Task<HashSet<string>> ErrorsFor(string endpoint, JsonObject body)
    {
        var (client, url) = Target(endpoint);
        var response = await client.PostAsync(url, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var problem = await response.Json(HttpStatusCode.BadRequest);
        return problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToHashSet();
    }

    public static readonly string[] Endpoints = ["producers", "authorities", "products", "batches", "certifications"];

    [TestCaseSource(nameof(Endpoints))]
    public async Task EveryRequiredField_TheSchemaDeclares_IsEnforced(string endpoint)
    {
        var schema = await RequestSchema(endpoint);
        var body = new JsonObject();
        var expected = new List<string>();
        foreach (var name in Required(schema))
        {
            var property = schema.GetProperty("properties").GetProperty(name);
            var nested = Resolve(property);
            if ((property.TryGetProperty("$ref", out _) || property.TryGetProperty("allOf", out _)) && nested.TryGetProperty("properties", out _))
            {
                body[name] = new JsonObject();  // present but empty: its own required fields are checked
                expected.AddRange(Required(nested).Select(n => $"{name}.{n}"));
            }
            else expected.Add(name);
        }
        Assert.That(expected, Is.Not.Empty, "the schema declares required fields");
        Assert.That(await ErrorsFor(endpoint, body), Is.SupersetOf(expected));
    }

    [TestCaseSource(nameof(Endpoints))]
    public async Task EveryEnumAndRange_TheSchemaDeclares_IsEnforced(string endpoint)
    {
        var schema = await RequestSchema(endpoint);
        var body = new JsonObject();
        var expected = new List<string>();
        foreach (var property in schema.GetProperty("properties").EnumerateObject())
        {
            if (property.Value.TryGetProperty("enum", out _))
            {
                body[property.Name] = "not-one-of-them";
                expected.Add(property.Name);
            }
            else if (property.Value.TryGetProperty("maximum", out var maximum))
            {
                body[property.Name] = maximum.GetInt64() + 1;
                expected.Add(property.Name);
            }
        }
        if (expected.Count == 0) Assert.Ignore($"{endpoint}: the schema declares no enum or range");
        Assert.That(await ErrorsFor(endpoint, body), Is.SupersetOf(expected));
    }
}
