using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Events;

public sealed class HashChainTests : ApiTest
{
    private async Task<JsonElement> Verify(Guid batchId) =>
        await (await Producer.Client.GetAsync($"/api/v1/batches/{batchId}/verification")).Json(HttpStatusCode.OK);

    [Test]
    public async Task FiftyConcurrentAppends_FromTwoProcesses_NeverForkOrLoseAnEvent()
    {
        var (_, batchId, _) = await Producer.NewBatchAsync();
        using var second = new ApiFactory(databasePath: Api.DatabasePath);
        var clients = new[] { Producer.Client, second.ClientWithKey(Producer.Key) };

        var responses = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => clients[i % 2].PostAsJsonAsync(
            $"/api/v1/batches/{batchId}/events", new { type = "storing", occurredAt = "2025-11-20T06:30:00+07:00", note = $"Lần {i}" })));

        Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.Created));
        var page = await (await Producer.Client.GetAsync($"/api/v1/batches/{batchId}/events?limit=200")).Json(HttpStatusCode.OK);
        var events = page.GetProperty("items").EnumerateArray().ToList();
        Assert.That(events.Select(e => e.GetProperty("sequence").GetInt64()), Is.EqualTo(Enumerable.Range(1, 60).Select(i => (long)i)));
        Assert.That(events.Select(e => e.GetProperty("note").GetString()).Distinct().Count(), Is.EqualTo(60));
        var verification = await Verify(batchId);
        Assert.That(verification.GetProperty("valid").GetBoolean(), Is.True);
        Assert.That(verification.GetProperty("headHash").GetString(), Is.EqualTo(events[^1].GetProperty("hash").GetString()));
    }

    [TestCase("note", "'Đã sửa lén'")]
    [TestCase("occurred_at", "'2020-01-01 00:00:00+07:00'")]
    [TestCase("type", "'retail_selling'")]
    [TestCase("sequence", "7")]
    public async Task ChangingAStoredEvent_BehindTheApisBack_IsDetectedAtThatSequence(string column, string value)
    {
        var (_, batchId, _) = await Producer.NewBatchAsync($"T-{column}");
        for (var i = 0; i < 5; i++) await Producer.AppendAsync(batchId, EventScenario.Harvest(note: $"Ghi chép {i}"));
        Assert.That((await Verify(batchId)).GetProperty("valid").GetBoolean(), Is.True);

        using (var db = Api.OpenDatabase())
            Assert.That(await db.ExecuteAsync($"UPDATE events SET {column} = {value} WHERE batch_id = @B AND sequence = 3", new { B = batchId }), Is.EqualTo(1));

        var verification = await Verify(batchId);
        Assert.That(verification.GetProperty("valid").GetBoolean(), Is.False);
        Assert.That(verification.GetProperty("firstInvalidSequence").GetInt64(), Is.EqualTo(3));
    }

    [Test]
    public async Task DeletingAStoredEvent_IsDetected()
    {
        var (_, batchId, _) = await Producer.NewBatchAsync("T-del");
        for (var i = 0; i < 4; i++) await Producer.AppendAsync(batchId, EventScenario.Harvest(note: $"Ghi chép {i}"));
        using (var db = Api.OpenDatabase())
            await db.ExecuteAsync("DELETE FROM events WHERE batch_id = @B AND sequence = 2", new { B = batchId });
        var verification = await Verify(batchId);
        Assert.That(verification.GetProperty("valid").GetBoolean(), Is.False);
        Assert.That(verification.GetProperty("firstInvalidSequence").GetInt64(), Is.EqualTo(2));
    }

    [Test]
    public async Task AThirdParty_RecomputesEveryHash_FromThePublicJson()
    {
        var python = FindPython();
        if (python is null) Assert.Ignore("python3 is not installed; the script docs/verify-hash-chain.py cannot be run here.");
        var (_, batchId, _) = await Producer.NewBatchAsync("PY-1");
        var first = await Producer.AppendAsync(batchId, EventScenario.Harvest(note: "Dòng 1\nDòng \"2\"\t\\ tab"));
        await Producer.AppendAsync(batchId, new { type = "inspecting", occurredAt = "2025-11-21T09:15:30.123-05:00", actor = "Trung tâm Kiểm nghiệm",
            location = new { gln = "8935049500018", latitude = 20.1234567, longitude = 105.7 } });
        await Producer.AppendAsync(batchId, new { type = "harvesting", occurredAt = "2025-11-20T06:30:00+07:00", note = "Sửa khối lượng", corrects = first.Id() });
        var json = await (await Producer.Client.GetAsync($"/api/v1/batches/{batchId}/events")).Content.ReadAsStringAsync();
        var path = Path.Combine(Path.GetTempPath(), $"events-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, json);
        try
        {
            var (code, output) = await RunScript(python, path);
            Assert.That(code, Is.EqualTo(0), output);
            Assert.That(output, Does.Contain("valid: 3 events"));

            await File.WriteAllTextAsync(path, json.Replace("Trung tâm Kiểm nghiệm", "Trung tâm Giả mạo"));
            var (tamperedCode, tamperedOutput) = await RunScript(python, path);
            Assert.That(tamperedCode, Is.EqualTo(1), tamperedOutput);
            Assert.That(tamperedOutput, Does.Contain("sequence 2"));
        }
        finally { File.Delete(path); }
    }

    private static string? FindPython() =>
        new[] { "/usr/bin/python3", "/usr/local/bin/python3" }.FirstOrDefault(File.Exists)
        ?? Environment.GetEnvironmentVariable("PATH")?.Split(':').Select(d => Path.Combine(d, "python3")).FirstOrDefault(File.Exists);

    private static async Task<(int Code, string Output)> RunScript(string python, string file)
    {
        var script = Path.Combine(TestPaths.RepoRoot(), "docs", "verify-hash-chain.py");
        using var process = Process.Start(new ProcessStartInfo(python, [script, file]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }
}
