using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Api;

/// <summary>Keys cannot outgrow their parent: a child never outlives the key that made it, a key revokes only keys within
/// its own scopes and never an account's last full key, an account holds a bounded number of keys and minting more does
/// not multiply its rate; authorities rotate their keys as producers do.</summary>
public sealed class KeyLimitTests
{
    private ApiFactory _api = null!;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.Zero));

    [OneTimeSetUp] public void Start() => _api = new ApiFactory(new() { ["Quotas:MaxActiveKeys"] = "5" }).WithClock(_clock);
    [OneTimeTearDown] public void Stop() => _api.Dispose();

    private static async Task<(Guid Id, string Key, HttpClient Client, System.Text.Json.JsonElement Body)> MintAsync(
        ApiFactory api, HttpClient by, string path, object body)
    {
        var created = await (await by.PostAsJsonAsync(path, body)).Json(HttpStatusCode.Created);
        var key = created.GetProperty("apiKey").GetString()!;
        return (created.Id(), key, api.ClientWithKey(key), created);
    }

    [Test]
    public async Task AKeyExpiringSoon_CannotMintAKeyThatOutlivesIt_AndItsChildDiesWithIt()
    {
        var coop = await _api.CreateProducerAsync();
        var keys = $"/api/v1/producers/{coop.Id}/api-keys";
        var parentExpiry = _clock.GetUtcNow().AddSeconds(6);
        var parent = await MintAsync(_api, coop.Client, keys, new { name = "Sắp hết hạn", expiresAt = parentExpiry });

        // The attack: a child that never expires, or expires in 2099.
        var child = await MintAsync(_api, parent.Client, keys, new { name = "Con" });
        Assert.That(child.Body.GetProperty("expiresAt").GetDateTimeOffset(), Is.LessThanOrEqualTo(parentExpiry), "no expiry asked: the parent's");
        var later = await (await parent.Client.PostAsJsonAsync(keys, new { expiresAt = "2099-01-01T00:00:00Z" })).Json(HttpStatusCode.BadRequest);
        Assert.That(later.GetProperty("errors").GetProperty("expiresAt")[0].GetString(), Does.Contain("cannot outlive"));
        var sooner = await MintAsync(_api, parent.Client, keys, new { expiresAt = _clock.GetUtcNow().AddSeconds(3) });

        await (await child.Client.GetAsync("/api/v1/batches")).Json(HttpStatusCode.OK);
        _clock.Advance(TimeSpan.FromSeconds(7));
        await (await parent.Client.GetAsync("/api/v1/batches")).Json(HttpStatusCode.Unauthorized);
        await (await child.Client.GetAsync("/api/v1/batches")).Json(HttpStatusCode.Unauthorized);
        await (await sooner.Client.GetAsync("/api/v1/batches")).Json(HttpStatusCode.Unauthorized);
        await (await coop.Client.GetAsync("/api/v1/batches")).Json(HttpStatusCode.OK);
    }

    [Test]
    public async Task AKeysManageOnlyKey_CannotRevokeTheOwnersFullKey_ButRevokesKeysWithinItsScopes()
    {
        var coop = await _api.CreateProducerAsync();
        var keys = $"/api/v1/producers/{coop.Id}/api-keys";
        var manager = await MintAsync(_api, coop.Client, keys, new { scopes = new[] { "keys:manage" } });
        var diary = await MintAsync(_api, coop.Client, keys, new { scopes = new[] { "events:write" } });
        var peer = await MintAsync(_api, coop.Client, keys, new { scopes = new[] { "keys:manage" } });

        var refused = await (await manager.Client.DeleteAsync($"{keys}/{coop.KeyId}")).Json(HttpStatusCode.Forbidden);
        Assert.That(refused.GetProperty("detail").GetString(), Does.Contain("lacks"));
        await (await coop.Client.GetAsync("/api/v1/batches")).Json(HttpStatusCode.OK);
        await (await manager.Client.DeleteAsync($"{keys}/{diary.Id}")).Json(HttpStatusCode.Forbidden);

        await (await manager.Client.DeleteAsync($"{keys}/{peer.Id}")).Json(HttpStatusCode.NoContent);
        await (await peer.Client.GetAsync(keys)).Json(HttpStatusCode.Unauthorized);
        await (await coop.Client.DeleteAsync($"{keys}/{diary.Id}")).Json(HttpStatusCode.NoContent);
        await (await coop.Client.DeleteAsync($"{keys}/{diary.Id}")).Json(HttpStatusCode.NoContent);
    }

    [Test]
    public async Task TheLastFullKey_CannotBeRevoked_ByTheOwnerOrTheAdmin_UntilAnotherExists()
    {
        var coop = await _api.CreateProducerAsync();
        var keys = $"/api/v1/producers/{coop.Id}/api-keys";
        var last = await (await coop.Client.DeleteAsync($"{keys}/{coop.KeyId}")).Json(HttpStatusCode.Conflict);
        Assert.That(last.GetProperty("detail").GetString(), Does.Contain("last key"));
        await (await _api.Admin().DeleteAsync($"{keys}/{coop.KeyId}")).Json(HttpStatusCode.Conflict);
        await (await coop.Client.GetAsync("/api/v1/batches")).Json(HttpStatusCode.OK);

        var replacement = await MintAsync(_api, coop.Client, keys, new { name = "Khóa mới" });
        await (await replacement.Client.DeleteAsync($"{keys}/{coop.KeyId}")).Json(HttpStatusCode.NoContent);
        await (await coop.Client.GetAsync("/api/v1/batches")).Json(HttpStatusCode.Unauthorized);
        await (await replacement.Client.DeleteAsync($"{keys}/{replacement.Id}")).Json(HttpStatusCode.Conflict);
    }

    [Test]
    public async Task AnAccount_HoldsAtMostTheConfiguredActiveKeys()
    {
        var coop = await _api.CreateProducerAsync();
        var keys = $"/api/v1/producers/{coop.Id}/api-keys";
        var minted = new List<Guid>();
        for (var i = 0; i < 4; i++) minted.Add((await MintAsync(_api, coop.Client, keys, new { scopes = new[] { "read" } })).Id);
        var full = await (await coop.Client.PostAsJsonAsync(keys, new { scopes = new[] { "read" } })).Json(HttpStatusCode.Conflict);
        Assert.That(full.GetProperty("detail").GetString(), Does.Contain("5 active API keys"));
        Assert.That((await (await coop.Client.GetAsync(keys)).Json(HttpStatusCode.OK)).GetArrayLength(), Is.EqualTo(5), "the refused key was not stored");

        await (await coop.Client.DeleteAsync($"{keys}/{minted[0]}")).Json(HttpStatusCode.NoContent);
        await MintAsync(_api, coop.Client, keys, new { scopes = new[] { "read" } });
    }

    [Test]
    public async Task MintingKeys_DoesNotMultiplyTheAccountsRate()
    {
        using var api = new ApiFactory(new()
        {
            ["RateLimiting:Keys:ReadsPerWindow"] = "4", ["RateLimiting:Keys:AccountReadsPerWindow"] = "6", ["RateLimiting:Keys:WindowSeconds"] = "60",
        }).WithClock(_clock);
        var coop = await api.CreateProducerAsync();
        var neighbour = await api.CreateProducerAsync("Hợp tác xã bên cạnh");
        var keys = $"/api/v1/producers/{coop.Id}/api-keys";
        var clients = new List<HttpClient> { coop.Client };
        for (var i = 0; i < 3; i++) clients.Add((await MintAsync(api, coop.Client, keys, new { scopes = new[] { "read" } })).Client);

        var statuses = new List<HttpStatusCode>();
        foreach (var client in clients)
            for (var i = 0; i < 2; i++) statuses.Add((await client.GetAsync("/api/v1/batches")).StatusCode);
        Assert.That(statuses.Count(s => s == HttpStatusCode.OK), Is.EqualTo(6), "six reads for the account, whichever keys make them");
        var refused = await (await clients[^1].GetAsync("/api/v1/batches")).Json(HttpStatusCode.TooManyRequests);
        Assert.That(refused.GetProperty("detail").GetString(), Does.Contain("This account's keys together"));
        await (await neighbour.Client.GetAsync("/api/v1/batches")).Json(HttpStatusCode.OK);
    }

    [Test]
    public async Task AnAuthority_RotatesALeakedKey()
    {
        var authority = await _api.CreateAuthorityAsync();
        var keys = $"/api/v1/authorities/{authority.Id}/api-keys";
        var fresh = await MintAsync(_api, authority.Client, keys, new { name = "Khóa thay thế" });
        await (await fresh.Client.DeleteAsync($"{keys}/{authority.KeyId}")).Json(HttpStatusCode.NoContent);
        await (await authority.Client.GetAsync($"/api/v1/authorities/{authority.Id}")).Json(HttpStatusCode.Unauthorized);
        await (await fresh.Client.GetAsync($"/api/v1/authorities/{authority.Id}")).Json(HttpStatusCode.OK);

        var listed = await (await fresh.Client.GetAsync(keys)).Json(HttpStatusCode.OK);
        Assert.That(listed.EnumerateArray().Single(k => k.Id() == authority.KeyId).GetProperty("revokedAt").ValueKind, Is.Not.EqualTo(System.Text.Json.JsonValueKind.Null));
        var other = await _api.CreateAuthorityAsync();
        await (await other.Client.GetAsync(keys)).Json(HttpStatusCode.NotFound);
        await (await other.Client.PostAsJsonAsync(keys, new { })).Json(HttpStatusCode.NotFound);
    }
}
