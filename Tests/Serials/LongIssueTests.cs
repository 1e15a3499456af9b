using System.Net;
using System.Net.Http.Json;
using Dapper;
using NUnit.Framework;
using Traceability.Tests.Events;
using Traceability.Tests.Support;

namespace Traceability.Tests.Serials;

/// <summary>Long writes never stall other producers: a large issue of serials is written a chunk at a time, and counts
/// only once complete; one a dead process left half-written is removed at the next start.</summary>
public sealed class LongIssueTests
{
    [Test]
    public async Task WhileAProducerIssuesManySerials_AnotherProducersWriteGoesThrough_AndTheHalfWrittenIssueCountsForNothing()
    {
        ApiFactory.RequireSqlite();
        using var api = new ApiFactory();
        var printer = await api.CreateProducerAsync("Công ty in tem");
        var batch = (await printer.CreateBatchAsync((await printer.CreateProductAsync(Scenario.NewGtin13())).Id())).Id();
        var farmer = await api.CreateProducerAsync("HTX Rau Đông Sơn");
        var (_, farmerBatch, _) = await farmer.NewBatchAsync("RAU-1");

        var issuing = printer.Client.PostAsJsonAsync($"/api/v1/batches/{batch}/serials", new { count = 1_000_000 });
        using (var db = api.OpenDatabase())
            for (var i = 0; i < 500 && await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM serials") == 0; i++) await Task.Delay(20);
        Assert.That(issuing.IsCompleted, Is.False, "the issue is still being written");
        var issues = await (await printer.Client.GetAsync($"/api/v1/batches/{batch}/serials")).Json(HttpStatusCode.OK);
        Assert.That(issues.GetArrayLength(), Is.Zero, "an incomplete issue is not listed");
        Assert.That(issuing.IsCompleted, Is.False, "(listed while it was being written)");

        var append = await farmer.Client.PostAsJsonAsync($"/api/v1/batches/{farmerBatch}/events", new { type = "harvesting", occurredAt = "2025-11-20T06:30:00+07:00" });
        Assert.That(append.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(issuing.IsCompleted, Is.False, "the other producer's write went through between the issue's chunks, not after it");

        var file = await issuing;
        Assert.That(file.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That((await file.Content.ReadAsStringAsync()).Count(c => c == '\n'), Is.EqualTo(1_000_001));
    }

    [Test]
    public async Task AnIssueADeadProcessLeftHalfWritten_IsRemovedAtTheNextStart()
    {
        ApiFactory.RequireSqlite();
        var path = TestPaths.NewDatabaseFile();
        string code;
        using (var first = new ApiFactory(databasePath: path))
        {
            var producer = await first.CreateProducerAsync();
            var batch = await producer.CreateBatchAsync((await producer.CreateProductAsync(Scenario.NewGtin13())).Id());
            code = batch.GetProperty("code").GetString()!;
            using var db = first.OpenDatabase();
            // What a process that died after its first chunk leaves: an issue without completed_at, and some serials.
            await db.ExecuteAsync("""
                INSERT INTO serial_issues (id, batch_id, serial_count, with_pin, created_at)
                    SELECT randomblob(16), id, 2, 0, '2020-01-01T00:00:00+00:00' FROM batches WHERE code = @Code;
                INSERT INTO serials (serial, issue_seq, position) VALUES ('HALFWRITTEN', last_insert_rowid(), 1);
                """, new { Code = code });
            var view = await (await first.ClientWithKey(null).GetAsync($"/api/v1/public/records/{code}/items/HALFWRITTEN")).Json(HttpStatusCode.OK);
            Assert.That(view.GetProperty("status").GetString(), Is.EqualTo("not_issued"), "an incomplete issue's serial is no item");
        }
        using var second = new ApiFactory(databasePath: path);
        await second.ClientWithKey(null).GetAsync("/health/live");
        using var check = second.OpenDatabase();
        Assert.That(await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM serials WHERE serial = 'HALFWRITTEN'"), Is.Zero);
        Assert.That(await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM serial_issues WHERE completed_at IS NULL"), Is.Zero);
        Assert.That(second.Logs.Lines, Has.Some.Contains("left incomplete"));
    }
}
