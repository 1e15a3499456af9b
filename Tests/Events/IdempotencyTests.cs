using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Events;

public sealed class IdempotencyTests : ApiTest
{
    private static HttpRequestMessage Post(string url, string body, string key) => new(HttpMethod.Post, url)
    {
        Content = new StringContent(body, Encoding.UTF8, "application/json"),
        Headers = { { "Idempotency-Key", key } },
    };

    private async Task<int> EventCount(Guid batchId) =>
        (await (await Producer.Client.GetAsync($"/api/v1/batches/{batchId}/events")).Json(HttpStatusCode.OK)).GetProperty("items").GetArrayLength();

    [Test]
    public async Task SameKeySameBody_ReturnsTheFirstResponse_RecordsOnce()
    {
        var (_, batchId, _) = await Producer.NewBatchAsync();
        var url = $"/api/v1/batches/{batchId}/events";
        var body = """{"type":"harvesting","occurredAt":"2025-11-20T06:30:00+07:00","note":"Lần 1"}""";
        var key = Guid.NewGuid().ToString();

        var first = await Producer.Client.SendAsync(Post(url, body, key));
        var retry = await Producer.Client.SendAsync(Post(url, body, key));

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(await retry.Content.ReadAsStringAsync(), Is.EqualTo(await first.Content.ReadAsStringAsync()));
        Assert.That(retry.Headers.Location, Is.EqualTo(first.Headers.Location));
        Assert.That(retry.Headers.GetValues("Idempotent-Replayed"), Is.EqualTo(new[] { "true" }));
        Assert.That(await EventCount(batchId), Is.EqualTo(1));
    }

    [Test]
    public async Task SameKeyDifferentBody_Is422_NothingRecorded()
    {
        var (_, batchId, _) = await Producer.NewBatchAsync();
        var url = $"/api/v1/batches/{batchId}/events";
        var key = Guid.NewGuid().ToString();
        await (await Producer.Client.SendAsync(Post(url, """{"type":"planting","occurredAt":"2025-03-01T07:00:00+07:00"}""", key))).Json(HttpStatusCode.Created);
        await (await Producer.Client.SendAsync(Post(url, """{"type":"harvesting","occurredAt":"2025-03-01T07:00:00+07:00"}""", key))).Json(HttpStatusCode.UnprocessableEntity);
        Assert.That(await EventCount(batchId), Is.EqualTo(1));
    }

    [Test]
    public async Task SameKeyWhileTheFirstIsRunning_Is409()
    {
        var (_, batchId, _) = await Producer.NewBatchAsync();
        var url = $"/api/v1/batches/{batchId}/events";
        var body = """{"type":"packing","occurredAt":"2025-03-01T07:00:00+07:00"}""";
        var key = Guid.NewGuid().ToString();
        // A request under this key is in flight in some API process: its reservation is in the shared database.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"POST {url}\n{body}"));
        using (var db = Api.OpenDatabase())
            await db.ExecuteAsync("INSERT INTO idempotency_keys (account, idempotency_key, request_hash, state, created_unix_ms) VALUES (@A, @K, @H, 'pending', @T)",
                new { A = $"producer:{Producer.Id}", K = key, H = hash, T = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() });

        var conflict = await Producer.Client.SendAsync(Post(url, body, key));
        await conflict.Json(HttpStatusCode.Conflict);
        Assert.That(conflict.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(2)), "the phone is told when to send it again");
        Assert.That(await EventCount(batchId), Is.Zero);
    }

    [Test]
    public async Task Replay_SurvivesARestart()
    {
        var (_, batchId, _) = await Producer.NewBatchAsync();
        var url = $"/api/v1/batches/{batchId}/events";
        var body = """{"type":"shipping","occurredAt":"2025-03-01T07:00:00+07:00"}""";
        var key = Guid.NewGuid().ToString();
        var first = await (await Producer.Client.SendAsync(Post(url, body, key))).Content.ReadAsStringAsync();

        using var restarted = new ApiFactory(databasePath: Api.DatabasePath);
        var again = await restarted.ClientWithKey(Producer.Key).SendAsync(Post(url, body, key));
        Assert.That(await again.Content.ReadAsStringAsync(), Is.EqualTo(first));
        Assert.That(await EventCount(batchId), Is.EqualTo(1));
    }

    [Test]
    public async Task FailedRequest_ReleasesItsKey_SoTheFixedRetryRuns()
    {
        var (_, batchId, _) = await Producer.NewBatchAsync();
        var url = $"/api/v1/batches/{batchId}/events";
        var key = Guid.NewGuid().ToString();
        await (await Producer.Client.SendAsync(Post(url, """{"type":"harvesting"}""", key))).Json(HttpStatusCode.BadRequest);
        await (await Producer.Client.SendAsync(Post(url, """{"type":"harvesting","occurredAt":"2025-03-01T07:00:00+07:00"}""", key))).Json(HttpStatusCode.Created);
    }

    [Test]
    public async Task Keys_AreScopedToTheAccount()
    {
        var other = await Api.CreateProducerAsync("HTX khác");
        var key = Guid.NewGuid().ToString();
        var (productA, _, _) = await Producer.NewBatchAsync("K-A");
        var productB = (await other.CreateProductAsync()).Id();
        await (await Producer.Client.SendAsync(Post("/api/v1/batches", $$"""{"productId":"{{productA}}","lotNumber":"SAME","producedOn":"2025-01-01"}""", key))).Json(HttpStatusCode.Created);
        await (await other.Client.SendAsync(Post("/api/v1/batches", $$"""{"productId":"{{productB}}","lotNumber":"SAME","producedOn":"2025-01-01"}""", key))).Json(HttpStatusCode.Created);
    }

    [Test]
    public async Task BulkAndBatchCreation_AreIdempotentToo()
    {
        var (productId, batchId, _) = await Producer.NewBatchAsync("I-1");
        var key = Guid.NewGuid().ToString();
        var batchBody = $$"""{"productId":"{{productId}}","lotNumber":"I-2","producedOn":"2025-01-01"}""";
        var b1 = await (await Producer.Client.SendAsync(Post("/api/v1/batches", batchBody, key))).Json(HttpStatusCode.Created);
        var b2 = await (await Producer.Client.SendAsync(Post("/api/v1/batches", batchBody, key))).Json(HttpStatusCode.Created);
        Assert.That(b2.Id(), Is.EqualTo(b1.Id()), "the retried batch is the same batch, not a 409");

        var bulkKey = Guid.NewGuid().ToString();
        var bulk = $$"""{"events":[{"batchId":"{{batchId}}","type":"planting","occurredAt":"2025-01-01T07:00:00+07:00"}]}""";
        await (await Producer.Client.SendAsync(Post("/api/v1/events", bulk, bulkKey))).Json(HttpStatusCode.Created);
        await (await Producer.Client.SendAsync(Post("/api/v1/events", bulk, bulkKey))).Json(HttpStatusCode.Created);
        Assert.That(await EventCount(batchId), Is.EqualTo(1));
    }

    [Test]
    public async Task OverlongKey_Is400()
    {
        var (_, batchId, _) = await Producer.NewBatchAsync();
        await (await Producer.Client.SendAsync(Post($"/api/v1/batches/{batchId}/events", """{"type":"other","occurredAt":"2025-01-01T00:00:00Z"}""", new string('k', 300))))
            .Json(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task StoringTheResponseFails_NothingIsRecorded_AndTheRetryRecordsOnce()
    {
        var (_, batchId, _) = await Producer.NewBatchAsync("ATOMIC-1");
        var url = "/api/v1/events";
        var body = $$"""{"events":[{"batchId":"{{batchId}}","type":"harvesting","occurredAt":"2025-11-20T06:30:00+07:00"},{"batchId":"{{batchId}}","type":"packing","occurredAt":"2025-11-20T08:00:00+07:00"}]}""";
        var key = "sync-" + Guid.NewGuid();
        ApiFactory.RequireSqlite();  // the failure is staged with a SQLite trigger
        // A real failure of the database in the middle of the request: storing the response fails after the events are written.
        using (var db = Api.OpenDatabase())
            await db.ExecuteAsync("""
                CREATE TRIGGER fail_idempotent_store BEFORE UPDATE ON idempotency_keys WHEN NEW.state = 'done'
                BEGIN SELECT RAISE(FAIL, 'the response could not be stored'); END
                """);
        var failed = await Producer.Client.SendAsync(Post(url, body, key));
        Assert.That((int)failed.StatusCode, Is.GreaterThanOrEqualTo(400), "not acknowledged");
        Assert.That(await EventCount(batchId), Is.EqualTo(0), "the events were not kept without their stored response");

        using (var db = Api.OpenDatabase()) await db.ExecuteAsync("DROP TRIGGER fail_idempotent_store");
        var retry = await Producer.Client.SendAsync(Post(url, body, key));
        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var again = await Producer.Client.SendAsync(Post(url, body, key));
        Assert.That(again.Headers.GetValues("Idempotent-Replayed"), Is.EqualTo(new[] { "true" }));
        Assert.That(await EventCount(batchId), Is.EqualTo(2), "recorded once");
    }

    [Test]
    public async Task AnswerLargerThanTheStoredBound_Is413_AndRecordsNothing()
    {
        var (_, batchId, _) = await Producer.NewBatchAsync("BOUND-1");
        var note = new string('n', 2000);
        var events = Enumerable.Range(0, 1000).Select(i => new
        {
            batchId, type = "cultivating", occurredAt = "2025-11-20T06:30:00+07:00", note,
            attributes = Enumerable.Range(0, 3).ToDictionary(k => $"k{k}", _ => new string('v', 600)),
        });
        var body = System.Text.Json.JsonSerializer.Serialize(new { events });
        var response = await Producer.Client.SendAsync(Post("/api/v1/events", body, "big-" + Guid.NewGuid()));
        var problem = await response.Json(HttpStatusCode.RequestEntityTooLarge);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("Idempotency-Key"));
        Assert.That(await EventCount(batchId), Is.EqualTo(0));
    }

    [Test]
    public async Task ExpiredKeys_AreSweptByTheBackgroundJob()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        using var api = new ApiFactory().WithClock(clock);
        var producer = await api.CreateProducerAsync();
        var (_, batchId, _) = await producer.NewBatchAsync("SWEEP-1");
        var sent = await producer.Client.SendAsync(Post($"/api/v1/batches/{batchId}/events",
            """{"type":"harvesting","occurredAt":"2025-11-20T06:30:00+07:00"}""", "sweep-" + Guid.NewGuid()));
        Assert.That(sent.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        long Keys() { using var db = api.OpenDatabase(); return db.ExecuteScalar<long>("SELECT COUNT(*) FROM idempotency_keys"); }
        Assert.That(Keys(), Is.EqualTo(1));

        clock.Advance(TimeSpan.FromHours(23));
        await Task.Delay(200);
        Assert.That(Keys(), Is.EqualTo(1), "a key within its 24 hours stays");
        clock.Advance(TimeSpan.FromHours(2));
        Assert.That(await Faults.FaultStaging.EventuallyAsync(() => Task.FromResult(Keys() == 0)), Is.True, "swept after 24 hours");
    }
}
