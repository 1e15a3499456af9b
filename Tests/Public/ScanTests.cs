using System.Net;
using Dapper;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Public;

/// <summary>Page views through the label's URL are counted in memory, written in the background, kept across restarts,
/// and carry no personal data.</summary>
public sealed class ScanTests
{
    private static async Task<long> StoredCount(ApiFactory api, string code)
    {
        using var db = api.OpenDatabase();
        return await db.ExecuteScalarAsync<long?>(
            "SELECT s.scan_count FROM scan_counts s JOIN batches b ON b.id = s.batch_id WHERE b.code = @code", new { code }) ?? 0;
    }

    [Test]
    public async Task Views_ThroughCodeAndDigitalLink_AreCounted_ApiReadsAreNot_AndTheCountSurvivesARestart()
    {
        var path = TestPaths.NewDatabaseFile();
        string code;
        using (var api = new ApiFactory(databasePath: path))
        {
            var producer = await api.CreateProducerAsync();
            var (_, batch, gtin) = await PublicScenario.RichBatchAsync(api, producer, "S-1");
            code = batch.GetProperty("code").GetString()!;
            var client = api.CreateClient();
            for (var i = 0; i < 3; i++) await client.SendAsync(PublicScenario.Get($"/p/{code}", "text/html"));
            await client.SendAsync(PublicScenario.Get($"/01/0{gtin}/10/S-1", "application/json"));
            await client.GetAsync($"/api/v1/public/records/{code}");
            await client.GetAsync($"/p/{code}/qr.png");

            var record = await (await client.SendAsync(PublicScenario.Get($"/p/{code}", "application/json"))).Json(HttpStatusCode.OK);
            Assert.That(record.GetProperty("scans").GetProperty("count").GetInt64(), Is.EqualTo(5), "this view included, API and QR reads not");
            Assert.That(record.GetProperty("scans").GetProperty("firstScannedAt").ValueKind, Is.Not.EqualTo(System.Text.Json.JsonValueKind.Null));
        } // stopping the API writes what is still in memory

        using var restarted = new ApiFactory(databasePath: path);
        var client2 = restarted.CreateClient();
        Assert.That(await StoredCount(restarted, code), Is.EqualTo(5));
        var after = await (await client2.GetAsync($"/api/v1/public/records/{code}")).Json(HttpStatusCode.OK);
        Assert.That(after.GetProperty("scans").GetProperty("count").GetInt64(), Is.EqualTo(5));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(path + suffix);
    }

    [Test]
    public async Task Counts_AreWrittenInTheBackground_WithoutAStop()
    {
        using var api = new ApiFactory();
        var producer = await api.CreateProducerAsync();
        var (_, batch, _) = await PublicScenario.RichBatchAsync(api, producer, "S-2");
        var code = batch.GetProperty("code").GetString()!;
        await api.CreateClient().SendAsync(PublicScenario.Get($"/p/{code}", "text/html"));

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await StoredCount(api, code) == 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.That(await StoredCount(api, code), Is.EqualTo(1), "the flusher wrote the scan while the API kept running");
    }

    [Test]
    public async Task NoPersonalData_IsStored()
    {
        using var api = new ApiFactory();
        api.CreateClient();
        using var db = api.OpenDatabase();
        var columns = (await db.QueryAsync<string>("SELECT name FROM pragma_table_info('scan_counts')")).ToList();
        Assert.That(columns, Is.EquivalentTo(new[] { "batch_id", "scan_count", "first_scanned_at", "last_scanned_at" }));
    }

    [Test]
    public async Task HeadAndRevalidations_Count_OnlyGetViews()
    {
        using var api = new ApiFactory();
        var producer = await api.CreateProducerAsync();
        var (_, batch, _) = await PublicScenario.RichBatchAsync(api, producer, "S-3");
        var code = batch.GetProperty("code").GetString()!;
        var client = api.CreateClient();
        var first = await client.SendAsync(PublicScenario.Get($"/p/{code}", "text/html"));
        var revalidate = PublicScenario.Get($"/p/{code}", "text/html");
        revalidate.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        Assert.That((await client.SendAsync(revalidate)).StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        var record = await (await client.GetAsync($"/api/v1/public/records/{code}")).Json(HttpStatusCode.OK);
        Assert.That(record.GetProperty("scans").GetProperty("count").GetInt64(), Is.EqualTo(2), "a revalidated view is still a scan");
    }
}
