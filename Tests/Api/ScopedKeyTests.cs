using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;
using Traceability.Api.Auth;
using Traceability.Domain;
using Traceability.Tests.Support;

namespace Traceability.Tests.Api;

/// <summary>Keys scoped to what an app may do: a farm-diary app's key appends events and nothing else; a key gives
/// another only what it has; owners list their keys with their last use; keys expire; each key has its own rate.</summary>
public sealed class ScopedKeyTests
{
    private ApiFactory _api = null!;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 30, 2, 0, 0, TimeSpan.Zero));

    [OneTimeSetUp] public void Start() => _api = new ApiFactory().WithClock(_clock);
    [OneTimeTearDown] public void Stop() => _api.Dispose();

    private async Task<(Guid Id, string Key, HttpClient Client)> MintAsync(Account owner, object body, HttpClient? by = null)
    {
        var created = await (await (by ?? owner.Client).PostAsJsonAsync($"/api/v1/producers/{owner.Id}/api-keys", body)).Json(HttpStatusCode.Created);
        var key = created.GetProperty("apiKey").GetString()!;
        return (created.Id(), key, _api.ClientWithKey(key));
    }

    [Test]
    public async Task FarmDiaryKey_AppendsEventsToItsOwnBatches_AndNothingElse()
    {
        var coop = await _api.CreateProducerAsync();
        var other = await _api.CreateProducerAsync("Hộ kinh doanh khác");
        var product = await coop.CreateProductAsync();
        var batch = (await coop.CreateBatchAsync(product.Id())).Id();
        var otherBatch = (await other.CreateBatchAsync((await other.CreateProductAsync()).Id())).Id();
        var diary = await MintAsync(coop, new { name = "Nhật ký điện tử", scopes = new[] { "events:write" } });

        var step = new { type = "harvesting", occurredAt = "2026-11-29T07:00:00+07:00", note = "Thu hoạch lô 1" };
        await (await diary.Client.PostAsJsonAsync($"/api/v1/batches/{batch}/events", step)).Json(HttpStatusCode.Created);
        await (await diary.Client.PostAsJsonAsync($"/api/v1/batches/{otherBatch}/events", step)).Json(HttpStatusCode.NotFound);

        var newBatch = await (await diary.Client.PostAsJsonAsync("/api/v1/batches", new { productId = product.Id(), lotNumber = "X", producedOn = "2026-11-29" }))
            .Json(HttpStatusCode.Forbidden);
        Assert.That(newBatch.GetProperty("missingScope").GetString(), Is.EqualTo("batches:write"));
        var read = await (await diary.Client.GetAsync($"/api/v1/batches/{batch}")).Json(HttpStatusCode.Forbidden);
        Assert.That(read.GetProperty("missingScope").GetString(), Is.EqualTo("read"));
        var mint = await (await diary.Client.PostAsJsonAsync($"/api/v1/producers/{coop.Id}/api-keys", new { })).Json(HttpStatusCode.Forbidden);
        Assert.That(mint.GetProperty("missingScope").GetString(), Is.EqualTo("keys:manage"));

        var events = await (await coop.Client.GetAsync($"/api/v1/batches/{batch}/events")).Json(HttpStatusCode.OK);
        Assert.That(events.GetProperty("items").GetArrayLength(), Is.EqualTo(1), "only the event the diary app was allowed to append");
    }

    [Test]
    public async Task AKey_GivesAnotherOnlyTheScopesItHas()
    {
        var coop = await _api.CreateProducerAsync();
        var manager = await MintAsync(coop, new { scopes = new[] { "keys:manage", "events:write" } });

        await MintAsync(coop, new { scopes = new[] { "events:write" } }, manager.Client);
        var wider = await (await manager.Client.PostAsJsonAsync($"/api/v1/producers/{coop.Id}/api-keys", new { scopes = new[] { "batches:write" } }))
            .Json(HttpStatusCode.Forbidden);
        Assert.That(wider.GetProperty("detail").GetString(), Does.Contain("only the scopes it has"));

        var unscoped = await (await manager.Client.PostAsync($"/api/v1/producers/{coop.Id}/api-keys", null)).Json(HttpStatusCode.Created);
        Assert.That(unscoped.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()), Is.EqualTo(new[] { "events:write", "keys:manage" }),
            "a key minted without scopes inherits the minting key's, never more");
    }

    [Test]
    public async Task BadScopesOrExpiry_Are400WithTheField_AndNoKeyIsMade()
    {
        var coop = await _api.CreateProducerAsync();
        var before = (await (await coop.Client.GetAsync($"/api/v1/producers/{coop.Id}/api-keys")).Json(HttpStatusCode.OK)).GetArrayLength();

        var bad = await (await coop.Client.PostAsJsonAsync($"/api/v1/producers/{coop.Id}/api-keys",
            new { scopes = new[] { "read", "admin" }, expiresAt = _clock.GetUtcNow().AddDays(-1) })).Json(HttpStatusCode.BadRequest);
        var errors = bad.GetProperty("errors");
        Assert.That(errors.TryGetProperty("scopes[1]", out _), Is.True, bad.ToString());
        Assert.That(errors.TryGetProperty("expiresAt", out _), Is.True, bad.ToString());
        var after = (await (await coop.Client.GetAsync($"/api/v1/producers/{coop.Id}/api-keys")).Json(HttpStatusCode.OK)).GetArrayLength();
        Assert.That(after, Is.EqualTo(before));
    }

    [Test]
    public async Task Listing_ShowsNameScopesExpiryAndLastUse_NeverTheSecret_AndOnlyToItsOwner()
    {
        var coop = await _api.CreateProducerAsync();
        var other = await _api.CreateProducerAsync("Hộ khác");
        var expires = _clock.GetUtcNow().AddDays(90);
        var diary = await MintAsync(coop, new { name = "Nhật ký điện tử", scopes = new[] { "read", "events:write" }, expiresAt = expires });
        await (await diary.Client.GetAsync("/api/v1/batches")).Json(HttpStatusCode.OK);

        var list = await (await coop.Client.GetAsync($"/api/v1/producers/{coop.Id}/api-keys")).Json(HttpStatusCode.OK);
        var listed = list.EnumerateArray().Single(k => k.Id() == diary.Id);
        Assert.Multiple(() =>
        {
            Assert.That(listed.GetProperty("name").GetString(), Is.EqualTo("Nhật ký điện tử"));
            Assert.That(listed.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()), Is.EqualTo(new[] { "read", "events:write" }));
            Assert.That(listed.GetProperty("expiresAt").GetDateTimeOffset(), Is.EqualTo(expires));
            Assert.That(listed.GetProperty("lastUsedAt").GetDateTimeOffset(), Is.EqualTo(_clock.GetUtcNow()));
            Assert.That(list.ToString(), Does.Not.Contain(diary.Key[8..]), "no secret in the listing");
            Assert.That(list.EnumerateArray().Single(k => k.Id() == coop.KeyId).GetProperty("scopes").GetArrayLength(), Is.EqualTo(KeyScopes.All.Count),
                "the account's first key has every scope");
        });
        await (await other.Client.GetAsync($"/api/v1/producers/{coop.Id}/api-keys")).Json(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task AnExpiredKey_Is401()
    {
        var coop = await _api.CreateProducerAsync();
        var shortLived = await MintAsync(coop, new { name = "Thử nghiệm", expiresAt = _clock.GetUtcNow().AddHours(1) });
        await (await shortLived.Client.GetAsync("/api/v1/batches")).Json(HttpStatusCode.OK);

        _clock.Advance(TimeSpan.FromHours(1));
        await (await shortLived.Client.GetAsync("/api/v1/batches")).Json(HttpStatusCode.Unauthorized);
        await (await coop.Client.GetAsync("/api/v1/batches")).Json(HttpStatusCode.OK);
    }

    /// <summary>The BOLA matrix's scope axis: every authenticated route of the running API, called with a key that has
    /// every scope but the one the route needs, is refused with that scope named; with only that scope, it is not refused
    /// for want of a scope. A route added without a scope needs a key with every scope to change anything.</summary>
    [Test]
    public async Task EveryAuthenticatedRoute_RefusesAKeyWithoutItsScope()
    {
        var coop = await _api.CreateProducerAsync();
        var routes = _api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAuthorizeData>() is not null && e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            // A producer's key is refused the admin's and authorities' routes by role before any scope is looked at.
            .Where(e => !e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy is Policies.Admin or Policies.Authority or Policies.AdminOrAuthority))
            // The dashboard's pages take a session cookie, not a key (DashboardTests: a key that may not read cannot sign in).
            .Where(e => !e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.AuthenticationSchemes == Traceability.Api.Dashboard.DashboardSetup.Scheme))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Endpoint: e, Method: m)))
            .ToList();
        Assert.That(routes, Has.Count.GreaterThan(20));
        var keys = new Dictionary<string, HttpClient>();
        foreach (var scope in KeyScopes.All)
        {
            keys["without " + scope] = (await MintAsync(coop, new { scopes = KeyScopes.All.Where(s => s != scope) })).Client;
            keys["only " + scope] = (await MintAsync(coop, new { scopes = new[] { scope } })).Client;
        }
        foreach (var (endpoint, method) in routes)
        {
            var path = "/" + string.Join('/', endpoint.RoutePattern.PathSegments.Select(s => string.Concat(s.Parts.Select(p => p switch
            {
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart l => l.Content,
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { Name: "id" } => coop.Id.ToString(),
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart => Guid.NewGuid().ToString(),
                _ => "",
            }))));
            var needed = ScopeCheck.Needed(endpoint, method);
            var name = $"{method} {endpoint.RoutePattern.RawText}";
            if (needed is null)
            {
                // Refused by role (the admin's and authorities' routes) or, for a producer's route, for want of every scope.
                var (status, _) = await Call(keys["without read"], method, path);
                Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden), $"{name}: a write with no scope of its own needs every scope");
                continue;
            }
            var refused = await Call(keys["without " + needed], method, path);
            Assert.That(refused, Is.EqualTo((HttpStatusCode.Forbidden, needed)), name);
            var allowed = await Call(keys["only " + needed], method, path);
            Assert.That(allowed.Missing, Is.Null, $"{name}: a key with {needed} is not refused for a scope");
        }
    }

    private static async Task<(HttpStatusCode Status, string? Missing)> Call(HttpClient client, string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT" or "PATCH") request.Content = JsonContent.Create(new { });
        var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        string? missing = null;
        if (response.StatusCode == HttpStatusCode.Forbidden && body.Length > 0
            && System.Text.Json.JsonDocument.Parse(body).RootElement.TryGetProperty("missingScope", out var m)) missing = m.GetString();
        return (response.StatusCode, missing);
    }

    [Test]
    public async Task EachKey_HasItsOwnRate_ReadsAndWritesApart_WithRateLimitFields()
    {
        using var api = new ApiFactory(new Dictionary<string, string?>
        {
            ["RateLimiting:Keys:ReadsPerWindow"] = "4", ["RateLimiting:Keys:WritesPerWindow"] = "2", ["RateLimiting:Keys:WindowSeconds"] = "60",
        }).WithClock(_clock);
        var coop = await api.CreateProducerAsync();
        var neighbour = await api.CreateProducerAsync("Hợp tác xã bên cạnh");
        var batch = (await coop.CreateBatchAsync((await coop.CreateProductAsync()).Id())).Id(); // writes 1 and 2
        var step = new { type = "packing", occurredAt = "2026-11-29T07:00:00+07:00" };

        var first = await coop.Client.GetAsync("/api/v1/batches");
        Assert.That(first.Headers.GetValues("RateLimit-Policy").Single(), Is.EqualTo("\"reads\";q=4;w=60"));
        Assert.That(first.Headers.GetValues("RateLimit").Single(), Does.StartWith("\"reads\";r=3;t="));
        var limited = await coop.Client.PostAsJsonAsync($"/api/v1/batches/{batch}/events", step);
        var problem = await limited.Json(HttpStatusCode.TooManyRequests);
        Assert.That(limited.Headers.RetryAfter?.Delta?.TotalSeconds, Is.InRange(1, 60));
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("2 writes every 60 s"));
        Assert.That(limited.Headers.GetValues("RateLimit").Single(), Does.StartWith("\"writes\";r=0;"));

        await (await coop.Client.GetAsync("/api/v1/batches")).Json(HttpStatusCode.OK);
        await neighbour.CreateProductAsync(); // another key's writes are its own
        _clock.Advance(TimeSpan.FromSeconds(61));
        await (await coop.Client.PostAsJsonAsync($"/api/v1/batches/{batch}/events", step)).Json(HttpStatusCode.Created);
        var events = await (await coop.Client.GetAsync($"/api/v1/batches/{batch}/events")).Json(HttpStatusCode.OK);
        Assert.That(events.GetProperty("items").GetArrayLength(), Is.EqualTo(1), "the refused write stored nothing");
    }
}
