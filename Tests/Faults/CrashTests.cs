using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using NUnit.Framework;
using Traceability.Tests.Events;
using Traceability.Tests.Support;

namespace Traceability.Tests.Faults;

/// <summary>A dead process: the API is killed with SIGKILL while phones sync events concurrently. After a restart,
/// every event it acknowledged is stored and every chain verifies.</summary>
[NonParallelizable]
public sealed class CrashTests
{
    [Test]
    public async Task KillDuringConcurrentWrites_KeepsEveryAcknowledgedEvent_AndEveryChainValid()
    {
        var db = TestPaths.NewDatabaseFile();
        var batches = new List<Guid>();
        var acknowledged = new ConcurrentBag<(Guid Batch, Guid Event)>();
        string producerKey;
        await using (var first = ApiProcess.Start(db, ApiFactory.AdminKey))
        {
            await first.WaitUntilReadyAsync();
            first.Client.DefaultRequestHeaders.Add("X-Api-Key", ApiFactory.AdminKey);
            var producer = await (await first.Client.PostAsJsonAsync("/api/v1/producers", new
            {
                name = "Hợp tác xã Nông nghiệp Thọ Xuân", kind = "cooperative",
                address = new { commune = "Xã Thọ Xuân", province = "Thanh Hóa" },
            })).Json(HttpStatusCode.Created);
            producerKey = producer.GetProperty("apiKey").GetString()!;
            var client = new HttpClient { BaseAddress = first.Client.BaseAddress, DefaultRequestHeaders = { { "X-Api-Key", producerKey } } };
            var product = await (await client.PostAsJsonAsync("/api/v1/products", new { name = "Chè Shan tuyết", category = "food" })).Json(HttpStatusCode.Created);
            for (var i = 0; i < 4; i++)
                batches.Add((await (await client.PostAsJsonAsync("/api/v1/batches", new { productId = product.Id(), lotNumber = $"CRASH-{i}", producedOn = "2025-11-20" }))
                    .Json(HttpStatusCode.Created)).Id());

            // Six phones sync until the process dies under them; each request is one event or a bundle of five.
            var writers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
            {
                for (var n = 0; n < 2000; n++)
                {
                    var batch = batches[(w + n) % batches.Count];
                    try
                    {
                        var response = n % 2 == 0
                            ? await client.PostAsJsonAsync($"/api/v1/batches/{batch}/events", new { type = "cultivating", occurredAt = "2025-11-20T06:30:00+07:00", note = $"phone {w} #{n}" })
                            : await client.PostAsJsonAsync("/api/v1/events", new
                            {
                                events = Enumerable.Range(0, 5).Select(k => new { batchId = batch, type = "inspecting", occurredAt = "2025-11-20T08:00:00+07:00", note = $"phone {w} #{n}.{k}" }),
                            });
                        if (response.StatusCode != HttpStatusCode.Created) continue;
                        var body = await response.Json(HttpStatusCode.Created);
                        var events = body.TryGetProperty("events", out var list) ? list.EnumerateArray().ToList() : [body];
                        foreach (var e in events) acknowledged.Add((e.GetProperty("batchId").GetGuid(), e.Id()));
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException) { return; }
                }
            })).ToList();

            for (var i = 0; i < 400 && acknowledged.Count < 300; i++) await Task.Delay(50);
            first.Kill();
            await Task.WhenAll(writers);
        }
        Assert.That(acknowledged, Is.Not.Empty);

        await using var second = ApiProcess.Start(db, ApiFactory.AdminKey);
        await second.WaitUntilReadyAsync();
        second.Client.DefaultRequestHeaders.Add("X-Api-Key", producerKey);
        foreach (var batch in batches)
        {
            var stored = await second.Client.AllEventIdsAsync(batch);
            var mine = acknowledged.Where(a => a.Batch == batch).Select(a => a.Event).ToList();
            Assert.That(mine.Except(stored), Is.Empty, $"batch {batch}: every acknowledged event survives the kill");
            var verification = await (await second.Client.GetAsync($"/api/v1/batches/{batch}/verification")).Json(HttpStatusCode.OK);
            Assert.That(verification.GetProperty("valid").GetBoolean(), Is.True, $"batch {batch}: the chain verifies");
        }
    }
}
