using System.Net;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Api;

/// <summary>openapi.yaml at the root is the published contract: it must be exactly what the running app serves.
/// Regenerate it with scripts/update-openapi.sh after a deliberate change.</summary>
public sealed class OpenApiContractTests
{
    private ApiFactory _api = null!;

    // The default public base URL, so that openapi.yaml names the server `dotnet run --project Api` serves.
    [OneTimeSetUp] public void Start() => _api = new ApiFactory(new() { ["Traceability:PublicBaseUrl"] = "http://localhost:5080" });
    [OneTimeTearDown] public void Stop() => _api.Dispose();

    [Test]
    public async Task CommittedOpenApiYaml_MatchesTheRunningApi()
    {
        var served = Normalize(await (await _api.CreateClient().GetAsync("/swagger/v1/swagger.yaml")).Content.ReadAsStringAsync());
        var path = Path.Combine(TestPaths.RepoRoot(), "openapi.yaml");
        if (Environment.GetEnvironmentVariable("UPDATE_OPENAPI") == "1") await File.WriteAllTextAsync(path, served);

        Assert.That(File.Exists(path), Is.True, "openapi.yaml is missing; run scripts/update-openapi.sh");
        Assert.That(Normalize(await File.ReadAllTextAsync(path)), Is.EqualTo(served),
            "openapi.yaml differs from the running API; run scripts/update-openapi.sh and review the diff");
    }

    [Test]
    public async Task EveryOperation_HasSummaryResponsesAndSecurityUnlessPublic()
    {
        var yaml = await (await _api.CreateClient().GetAsync("/swagger/v1/swagger.json")).Content.ReadAsStringAsync();
        using var doc = System.Text.Json.JsonDocument.Parse(yaml);
        var count = 0;
        foreach (var path in doc.RootElement.GetProperty("paths").EnumerateObject())
        foreach (var op in path.Value.EnumerateObject())
        {
            count++;
            var name = $"{op.Name.ToUpperInvariant()} {path.Name}";
            Assert.That(op.Value.TryGetProperty("summary", out _), Is.True, $"{name} has no summary");
            var responses = op.Value.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
            Assert.That(responses.Any(r => r.StartsWith('2') || r == "303"), Is.True, $"{name} has no success response (a form's is its 303 to the next page)");
            if (PublicPaths.Any(p => path.Name.StartsWith(p, StringComparison.Ordinal)))
            {
                Assert.That(op.Value.TryGetProperty("security", out var none) && none.EnumerateArray().Any(r => !r.EnumerateObject().Any()), Is.True,
                    $"{name} is public: security: [{{}}] says it needs no key");
                continue;
            }
            Assert.That(op.Value.TryGetProperty("security", out _), Is.True, $"{name} has no security requirement");
            Assert.That(responses, Is.SupersetOf(new[] { "401", "403" }), $"{name} lacks its auth errors");
            if (op.Value.TryGetProperty("requestBody", out _)) Assert.That(responses, Does.Contain("400"), $"{name} lacks its validation error");
        }
        Assert.That(count, Is.GreaterThanOrEqualTo(13));
    }

    [Test]
    public async Task SwaggerUi_IsServed()
    {
        var response = await _api.CreateClient().GetAsync("/swagger/index.html");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("swagger-ui"));
    }

    [Test]
    public async Task InProduction_SwaggerUiIsASetting_OffByDefault_AndTheContractIsAlwaysServed()
    {
        using var production = new ApiFactory(environment: "Production");
        var client = production.CreateClient();
        Assert.That((await client.GetAsync("/swagger/index.html")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await client.GetAsync("/swagger/v1/swagger.yaml")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var turnedOn = new ApiFactory(new() { ["Traceability:SwaggerUi"] = "true" }, environment: "Production");
        Assert.That((await turnedOn.CreateClient().GetAsync("/swagger/index.html")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    /// <summary>What anyone may read without a key.</summary>
    private static readonly string[] PublicPaths = ["/health/", "/api/v1/event-types", "/api/v1/public/", "/p/", "/01/", "/products/", "/.well-known/", "/{compressed}",
        "/api/v1/epcis/events", "/api/v1/provinces", "/ocop", "/r/"];

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimEnd() + "\n";
}
