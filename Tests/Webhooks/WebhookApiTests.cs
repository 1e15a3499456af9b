using System.Net;
using System.Net.Http.Json;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Webhooks;

/// <summary>Subscriptions: made, read, changed, rotated and deleted by their owner only; targets and kinds checked.</summary>
public sealed class WebhookApiTests
{
    private ApiFactory _api = null!;

    [OneTimeSetUp] public void Start() => _api = new ApiFactory();
    [OneTimeTearDown] public void Stop() => _api.Dispose();

    [Test]
    public async Task Owner_MakesListsChangesAndDeletes_TheSecretShownOnce_AndOthersSeeNothing()
    {
        var coop = await _api.CreateProducerAsync();
        var other = await _api.CreateProducerAsync("Hộ khác");
        var created = await (await coop.Client.PostAsJsonAsync("/api/v1/webhooks", new
        {
            url = "https://nhatky.example.vn/hooks/ocop", events = new[] { "event.recorded", "batch.created" }, description = "Nhật ký điện tử",
        })).Json(HttpStatusCode.Created);
        var id = created.Id();
        var secret = created.GetProperty("secret").GetString()!;
        Assert.That(secret, Does.Match("^whsec_[A-Za-z0-9+/]{43}=$"));
        Assert.That(created.GetProperty("webhook").GetProperty("events").EnumerateArray().Select(e => e.GetString()),
            Is.EqualTo(new[] { "batch.created", "event.recorded" }));

        using (var db = _api.OpenDatabase())
        {
            var stored = await Dapper.SqlMapper.ExecuteScalarAsync<string>(db, "SELECT secret FROM webhooks");
            Assert.That(stored, Does.StartWith("sealed1:").And.Not.Contain(secret[6..]), "the secret is sealed at rest (Webhooks:SecretKey)");
        }
        var read = await (await coop.Client.GetAsync($"/api/v1/webhooks/{id}")).Json(HttpStatusCode.OK);
        var list = await (await coop.Client.GetAsync("/api/v1/webhooks")).Json(HttpStatusCode.OK);
        Assert.That(read.ToString() + list, Does.Not.Contain(secret[6..]), "the secret is shown once");
        Assert.That(list.GetArrayLength(), Is.EqualTo(1));
        Assert.That((await (await other.Client.GetAsync("/api/v1/webhooks")).Json(HttpStatusCode.OK)).GetArrayLength(), Is.EqualTo(0));
        foreach (var (method, path) in new[] { ("GET", ""), ("PATCH", ""), ("DELETE", ""), ("POST", "/rotate-secret"), ("GET", "/deliveries") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), $"/api/v1/webhooks/{id}{path}")
                { Content = method == "PATCH" ? JsonContent.Create(new { enabled = false }) : null };
            await (await other.Client.SendAsync(request)).Json(HttpStatusCode.NotFound);
        }

        var patched = await (await coop.Client.PatchAsJsonAsync($"/api/v1/webhooks/{id}", new { enabled = false, events = new[] { "batch.recalled" } }))
            .Json(HttpStatusCode.OK);
        Assert.That(patched.GetProperty("enabled").GetBoolean(), Is.False);
        Assert.That(patched.GetProperty("url").GetString(), Is.EqualTo("https://nhatky.example.vn/hooks/ocop"), "what the patch did not name stays");

        var rotated = await (await coop.Client.PostAsync($"/api/v1/webhooks/{id}/rotate-secret", null)).Json(HttpStatusCode.OK);
        Assert.That(rotated.GetProperty("secret").GetString(), Is.Not.EqualTo(secret));
        Assert.That(rotated.GetProperty("webhook").GetProperty("previousSecretValidUntil").GetDateTimeOffset(),
            Is.EqualTo(DateTimeOffset.UtcNow.AddHours(24)).Within(TimeSpan.FromMinutes(1)));

        await (await coop.Client.DeleteAsync($"/api/v1/webhooks/{id}")).Json(HttpStatusCode.NoContent);
        await (await coop.Client.GetAsync($"/api/v1/webhooks/{id}")).Json(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task BadTargetsAndKinds_Are400NamingTheField()
    {
        using var strict = new ApiFactory(new() { ["Webhooks:AllowPrivateTargets"] = "false" });
        var coop = await strict.CreateProducerAsync();
        var authority = await strict.CreateAuthorityAsync();
        foreach (var url in new[] { "http://nhatky.example.vn/h", "https://127.0.0.1/h", "https://localhost/h", "https://10.1.2.3/h", "https://169.254.169.254/latest",
                     "https://[::1]/h", "https://[fd00::1]/h", "https://user:pw@nhatky.example.vn/h", "ftp://nhatky.example.vn/h", "/relative" })
        {
            var problem = await (await coop.Client.PostAsJsonAsync("/api/v1/webhooks", new { url, events = new[] { "batch.created" } })).Json(HttpStatusCode.BadRequest);
            Assert.That(problem.GetProperty("errors").TryGetProperty("url", out _), Is.True, url);
        }
        var kinds = await (await coop.Client.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://a.example.vn/h", events = new[] { "batch.created", "batch.eaten" } }))
            .Json(HttpStatusCode.BadRequest);
        Assert.That(kinds.GetProperty("errors").TryGetProperty("events[1]", out _), Is.True);
        var none = await (await coop.Client.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://a.example.vn/h", events = Array.Empty<string>() }))
            .Json(HttpStatusCode.BadRequest);
        Assert.That(none.GetProperty("errors").TryGetProperty("events", out _), Is.True);
        var notAuthoritys = await (await authority.Client.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://so.example.gov.vn/h", events = new[] { "event.recorded" } }))
            .Json(HttpStatusCode.BadRequest);
        Assert.That(notAuthoritys.GetProperty("errors").GetProperty("events[0]")[0].GetString(), Does.Contain("batch.recalled"));
        await (await authority.Client.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://so.example.gov.vn/h", events = new[] { "batch.recalled" } }))
            .Json(HttpStatusCode.Created);
        Assert.That((await (await coop.Client.GetAsync("/api/v1/webhooks")).Json(HttpStatusCode.OK)).GetArrayLength(), Is.EqualTo(0), "nothing was stored");
    }

    [TestCase("8.8.8.8", true)]
    [TestCase("203.162.4.191", true)]
    [TestCase("10.0.0.1", false)]
    [TestCase("172.16.5.4", false)]
    [TestCase("172.32.0.1", true)]
    [TestCase("192.168.1.1", false)]
    [TestCase("127.0.0.1", false)]
    [TestCase("169.254.169.254", false)]
    [TestCase("100.64.0.1", false)]
    [TestCase("0.0.0.0", false)]
    [TestCase("224.0.0.1", false)]
    [TestCase("::1", false)]
    [TestCase("::", false)]
    [TestCase("fe80::1", false)]
    [TestCase("fd00:ec2::254", false)]
    [TestCase("::ffff:10.0.0.1", false)]
    [TestCase("::ffff:8.8.8.8", true)]
    [TestCase("64:ff9b::a9fe:a9fe", false)]
    [TestCase("2001:db8::1", false)]
    [TestCase("2001:4860:4860::8888", true)]
    public void PublicAddresses_AreTheOnlyTargets(string address, bool isPublic) =>
        Assert.That(Traceability.Api.Webhooks.WebhookTargets.IsPublic(IPAddress.Parse(address)), Is.EqualTo(isPublic));

    [Test]
    public void Signatures_MatchTheStandardWebhooksSpecificationsExample()
    {
        // The example in the Standard Webhooks specification (spec/standard-webhooks.md, "Signature scheme").
        var signature = Traceability.Domain.Webhooks.WebhookSignature.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
            "{\"test\": 2432232314}");
        Assert.That(signature, Is.EqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
    }
}
