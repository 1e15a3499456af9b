using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using NUnit.Framework;
using Traceability.Api.PublicRecords.Scans;
using Traceability.Tests.Events;
using Traceability.Tests.Support;

namespace Traceability.Tests.Faults;

/// <summary>The database fails under a running API: every request that meets the fault gets a 503 problem with
/// Retry-After, readiness says so with the cause, nothing is acknowledged that is not stored at the configured path, and
/// the API recovers by itself once the cause is gone.</summary>
[NonParallelizable]
public sealed class DatabaseFaultTests
{
    /// <summary>These stage SQLite's own faults (its file, its folder, its disk).</summary>
    [SetUp] public void SqliteOnly() => ApiFactory.RequireSqlite();

    private sealed record Story(ApiFactory Api, Account Producer, Guid BatchId, List<Guid> Acknowledged);

    private static async Task<Story> StartAsync(string databasePath)
    {
        var api = new ApiFactory(databasePath: databasePath);
        var producer = await api.CreateProducerAsync();
        var product = await producer.CreateProductAsync();
        var batch = await producer.CreateBatchAsync(product.Id(), "FAULT-1");
        var story = new Story(api, producer, batch.Id(), []);
        Assert.That((await SyncAsync(story, 5)).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        return story;
    }

    /// <summary>A phone's offline sync of <paramref name="count"/> events with long notes; acknowledged ids are kept.</summary>
    private static async Task<HttpResponseMessage> SyncAsync(Story story, int count)
    {
        var events = Enumerable.Range(0, count).Select(i => new
        {
            batchId = story.BatchId, type = "cultivating", occurredAt = "2025-11-20T06:30:00+07:00",
            note = $"Bón phân lần {i}: " + new string('x', 1500),
        });
        var response = await story.Producer.Client.PostAsJsonAsync("/api/v1/events", new { events });
        if (response.StatusCode == HttpStatusCode.Created)
            story.Acknowledged.AddRange((await response.Json(HttpStatusCode.Created)).GetProperty("events").EnumerateArray().Select(e => e.Id()));
        return response;
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response, string cause)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(response.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero));
        Assert.That(body, Does.Contain(cause));
    }

    private static async Task<(HttpStatusCode Status, string Body)> ReadyAsync(ApiFactory api)
    {
        var response = await api.CreateClient().GetAsync("/health/ready");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static readonly TimeSpan ScanFlusherInterval = Traceability.Api.PublicRecords.Scans.ScanFlusher.Interval;

    /// <summary>Shoppers' page views; answers the number served (each is a scan to count).</summary>
    private static async Task<int> ViewAsync(HttpClient shopper, string code, int count)
    {
        var served = 0;
        for (var i = 0; i < count; i++)
        {
            var response = await shopper.SendAsync(Traceability.Tests.Public.PublicScenario.Get($"/p/{code}", "text/html"));
            if (response.StatusCode == HttpStatusCode.OK) served++;
            else Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), await response.Content.ReadAsStringAsync());
        }
        return served;
    }

    private static async Task<long> StoredScansAsync(ApiFactory api, string code)
    {
        using var db = api.OpenDatabase();
        return await Dapper.SqlMapper.ExecuteScalarAsync<long?>(db,
            "SELECT s.scan_count FROM scan_counts s JOIN batches b ON b.id = s.batch_id WHERE b.code = @code", new { code }) ?? 0;
    }

    /// <summary>Every acknowledged event is in the chain, and the chain verifies.</summary>
    private static async Task AssertNothingAcknowledgedWasLostAsync(Story story)
    {
        var stored = await story.Producer.Client.AllEventIdsAsync(story.BatchId);
        Assert.That(story.Acknowledged.Except(stored), Is.Empty, "every acknowledged event is stored");
        var verification = await (await story.Producer.Client.GetAsync($"/api/v1/batches/{story.BatchId}/verification")).Json(HttpStatusCode.OK);
        Assert.That(verification.GetProperty("valid").GetBoolean(), Is.True);
    }

    [Test]
    public async Task DiskFull_Is503AndNotReady_ThenRecoversWhenSpaceIsFreed()
    {
        var dir = FaultStaging.MountTmpfs("16m");
        try
        {
            var story = await StartAsync(Path.Combine(dir, "traceability.db"));
            var filler = FaultStaging.Fill(dir);
            HttpResponseMessage? refused = null;
            for (var i = 0; i < 30 && refused is null; i++)
            {
                var response = await SyncAsync(story, 200);
                if (response.StatusCode != HttpStatusCode.Created) refused = response;
            }
            Assert.That(refused, Is.Not.Null, "a full disk refuses writes");
            await AssertUnavailableAsync(refused!, "disk is full");
            var (status, body) = await ReadyAsync(story.Api);
            Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body);
            Assert.That(body, Does.Contain("disk is full"));

            File.Delete(filler);
            Assert.That(await FaultStaging.EventuallyAsync(async () => (await ReadyAsync(story.Api)).Status == HttpStatusCode.OK), Is.True, "ready again");
            Assert.That((await SyncAsync(story, 200)).StatusCode, Is.EqualTo(HttpStatusCode.Created), "writes again without a restart");
            await AssertNothingAcknowledgedWasLostAsync(story);
            story.Api.Dispose();
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            FaultStaging.Unmount(dir);
        }
    }

    [Test]
    public async Task ReadOnlyFile_Is503AndNotReady_ThenRecoversWhenWritableAgain()
    {
        var dir = FaultStaging.NewFolder();
        var db = Path.Combine(dir, "traceability.db");
        var files = $"{db} {db}-wal";
        try
        {
            var story = await StartAsync(db);
            FaultStaging.Require(() => FaultStaging.Run("chattr", $"+i {files}"), "make a file read-only (chattr +i)");
            // The first write meets the fault on a connection opened before it, the next on a fresh one opened read-only.
            for (var i = 0; i < 2; i++)
            {
                var response = await SyncAsync(story, 3);
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), await response.Content.ReadAsStringAsync());
                Assert.That(response.Headers.RetryAfter, Is.Not.Null);
            }
            Assert.That((await ReadyAsync(story.Api)).Status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));

            FaultStaging.Run("chattr", $"-i {files}");
            Assert.That(await FaultStaging.EventuallyAsync(async () => (await ReadyAsync(story.Api)).Status == HttpStatusCode.OK), Is.True, "ready again");
            Assert.That((await SyncAsync(story, 3)).StatusCode, Is.EqualTo(HttpStatusCode.Created), "writes again without a restart");
            await AssertNothingAcknowledgedWasLostAsync(story);
            story.Api.Dispose();
        }
        finally
        {
            try { FaultStaging.Run("chattr", $"-i {files}"); } catch (Exception) { /* never made immutable */ }
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public async Task FolderRemoved_NoWriteIsAcknowledged_NoFreshDatabaseIsCreated_AndRestoringItRecovers()
    {
        var root = FaultStaging.NewFolder();
        var data = Path.Combine(root, "data");
        Directory.CreateDirectory(data);
        var db = Path.Combine(data, "traceability.db");
        try
        {
            var story = await StartAsync(db);
            var before = story.Acknowledged.Count;
            var code = (await (await story.Producer.Client.GetAsync($"/api/v1/batches/{story.BatchId}")).Json(HttpStatusCode.OK)).GetProperty("code").GetString()!;
            var shopper = story.Api.CreateClient();
            var views = await ViewAsync(shopper, code, 1);  // builds the record while the database is there
            Directory.Move(data, data + ".moved");
            views += await ViewAsync(shopper, code, 3);  // counted in memory; each second's flush fails and keeps them
            await Task.Delay(ScanFlusherInterval * 2);

            await AssertUnavailableAsync(await SyncAsync(story, 3), "database file");
            var (status, body) = await ReadyAsync(story.Api);
            Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body);

            Directory.CreateDirectory(data); // the folder comes back, empty
            await AssertUnavailableAsync(await SyncAsync(story, 3), "database file");
            await AssertUnavailableAsync(await story.Producer.Client.PostAsJsonAsync("/api/v1/products", new { name = "Mật ong", category = "food" }), "database file");
            Assert.That(File.Exists(db), Is.False, "a vanished database is never replaced by a fresh empty one");
            Assert.That((await ReadyAsync(story.Api)).Status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(story.Acknowledged, Has.Count.EqualTo(before), "nothing acknowledged while the database was gone");

            Directory.Delete(data);
            Directory.Move(data + ".moved", data); // the operator puts it back
            Assert.That(await FaultStaging.EventuallyAsync(async () => (await ReadyAsync(story.Api)).Status == HttpStatusCode.OK), Is.True, "ready again");
            Assert.That((await SyncAsync(story, 3)).StatusCode, Is.EqualTo(HttpStatusCode.Created));
            await AssertNothingAcknowledgedWasLostAsync(story);
            Assert.That(await FaultStaging.EventuallyAsync(async () => await StoredScansAsync(story.Api, code) == views), Is.True,
                $"the {views} views, those while the database was gone included, are written once it is back (stored: {await StoredScansAsync(story.Api, code)})");
            story.Api.Dispose();
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(root, true);
        }
    }
}
