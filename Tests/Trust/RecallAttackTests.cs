using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NUnit.Framework;
using Traceability.Tests.Events;
using Traceability.Tests.Support;

namespace Traceability.Tests.Trust;

/// <summary>A recall always lands: no lineage a stranger can build under a competitor's batch — wide or deep — makes it
/// fail or stop short, and building one is bounded by quotas.</summary>
public sealed class RecallAttackTests
{
    /// <summary>Waits for the background worker to finish a recall (or its withdrawal). A bound on a hang, not a speed test.</summary>
    internal static async Task<JsonElement> SettledAsync(HttpClient client, JsonElement recall)
    {
        var self = recall.GetProperty("links").GetProperty("self").GetString()!;
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (true)
        {
            var now = await (await client.GetAsync(self, bound.Token)).Json(HttpStatusCode.OK);
            if (now.GetProperty("status").GetString() is "complete" or "withdrawn") return now;
            await Task.Delay(100, bound.Token);
        }
    }

    [Test]
    public async Task TenThousandFiveHundredChildrenAttachedToACompetitorsBatch_ItsRecallByTheOwnerAndByAnAuthority_LandsOnAll()
    {
        using var api = new ApiFactory(new() { ["Quotas:ChildrenPerForeignBatch"] = "20000", ["Quotas:BatchesPerDay"] = "0" });
        var owner = await api.CreateProducerAsync("HTX Chè Xuân Lập");
        var attacker = await api.CreateProducerAsync("Đối thủ");
        var (_, target, code) = await owner.NewBatchAsync("CHE-2511");
        var product = (await attacker.CreateProductAsync(name: "Hàng bám")).Id();

        // The attack as it was run: children naming the competitor's batch by the public code printed on its label.
        const int children = 10_500;
        var made = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, children), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            var response = await attacker.Client.PostAsJsonAsync("/api/v1/batches",
                new { productId = product, lotNumber = $"B-{i}", producedOn = "2025-11-25", parents = new[] { new { code } } }, ct);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync(ct));
            Interlocked.Increment(ref made);
        });
        Assert.That(made, Is.EqualTo(children));

        var recall = await owner.Client.PostAsJsonAsync($"/api/v1/batches/{target}/recall", new { reason = "Phát hiện nấm mốc" });
        Assert.That(recall.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), "the batch is recalled at once; the rest in the background");
        var started = await recall.Json(HttpStatusCode.Accepted);
        Assert.That(recall.Headers.Location?.ToString(), Is.EqualTo(started.GetProperty("links").GetProperty("self").GetString()));
        var ownBatch = await (await owner.Client.GetAsync($"/api/v1/batches/{target}")).Json(HttpStatusCode.OK);
        Assert.That(ownBatch.GetProperty("recall").GetProperty("reason").GetString(), Is.EqualTo("Phát hiện nấm mốc"), "recorded at once");

        var done = await SettledAsync(owner.Client, started);
        Assert.That((done.GetProperty("affectedCount").GetInt64(), done.GetProperty("newlyRecalledCount").GetInt64()),
            Is.EqualTo((children + 1L, children + 1L)));
        var codes = await LineageRecallTests.RecalledCodes(owner.Client, done);
        Assert.That(codes, Has.Count.EqualTo(children + 1).And.Unique);
        var last = await (await attacker.Client.GetAsync($"/api/v1/batches?limit=1&productId={product}")).Json(HttpStatusCode.OK);
        Assert.That(last.GetProperty("items")[0].GetProperty("recall").ValueKind, Is.EqualTo(JsonValueKind.Object));

        // A national authority's recall of the same batch lands too, and stands when the owner withdraws its own.
        var national = await api.CreateAuthorityAsync("national");
        var byAuthority = await SettledAsync(national.Client,
            await (await national.Client.PostAsJsonAsync($"/api/v1/batches/{target}/recall", new { reason = "Quyết định thu hồi" })).Json(HttpStatusCode.Accepted));
        Assert.That((byAuthority.GetProperty("affectedCount").GetInt64(), byAuthority.GetProperty("newlyRecalledCount").GetInt64()), Is.EqualTo((children + 1L, 0L)));
        var withdrawal = await owner.Client.PostAsJsonAsync($"/api/v1/recalls/{done.Id()}/withdrawal", new { reason = "Nhầm lô" });
        var withdrawn = await SettledAsync(owner.Client, await withdrawal.Json(withdrawal.StatusCode == HttpStatusCode.OK ? HttpStatusCode.OK : HttpStatusCode.Accepted));
        Assert.That(withdrawn.GetProperty("releasedCount").GetInt64(), Is.Zero, "the authority's recall still covers every batch");
        var stillRecalled = await (await owner.Client.GetAsync($"/api/v1/batches/{target}")).Json(HttpStatusCode.OK);
        Assert.That(stillRecalled.GetProperty("recall").ValueKind, Is.EqualTo(JsonValueKind.Object));
    }

    [Test]
    public async Task AChainSeventyBatchesDeep_RecalledAtTheRoot_IsRecalledToTheBottom_AndItsLineageIsPaged()
    {
        using var api = new ApiFactory();
        var coop = await api.CreateProducerAsync();
        var product = (await coop.CreateProductAsync()).Id();
        var ids = new List<Guid>();
        var codes = new List<string>();
        for (var depth = 0; depth < 70; depth++)
        {
            var parents = ids.Count == 0 ? Array.Empty<object>() : [new { batchId = ids[^1] }];
            var batch = await (await coop.Client.PostAsJsonAsync("/api/v1/batches",
                new { productId = product, lotNumber = $"D-{depth}", producedOn = "2025-11-25", parents })).Json(HttpStatusCode.Created);
            ids.Add(batch.Id());
            codes.Add(batch.GetProperty("code").GetString()!);
        }

        var response = await coop.Client.PostAsJsonAsync($"/api/v1/batches/{ids[0]}/recall", new { reason = "Nguyên liệu gốc nhiễm khuẩn" });
        var recall = await SettledAsync(coop.Client, await response.Json(response.StatusCode == HttpStatusCode.OK ? HttpStatusCode.OK : HttpStatusCode.Accepted));
        Assert.That(recall.GetProperty("affectedCount").GetInt64(), Is.EqualTo(70));
        var bottom = await (await api.ClientWithKey(null).GetAsync($"/api/v1/public/records/{codes[^1]}")).Json(HttpStatusCode.OK);
        Assert.That(bottom.GetProperty("recall").GetProperty("reason").GetString(), Is.EqualTo("Nguyên liệu gốc nhiễm khuẩn"), "depth 69, shown to shoppers");

        var first = await (await coop.Client.GetAsync($"/api/v1/batches/{ids[0]}/lineage")).Json(HttpStatusCode.OK);
        Assert.That(first.GetProperty("descendants").GetArrayLength(), Is.EqualTo(50));
        var cursor = first.GetProperty("descendantsNextCursor").GetString();
        var rest = await (await coop.Client.GetAsync($"/api/v1/batches/{ids[0]}/lineage?direction=descendants&cursor={cursor}")).Json(HttpStatusCode.OK);
        var all = first.GetProperty("descendants").EnumerateArray().Concat(rest.GetProperty("descendants").EnumerateArray()).ToList();
        Assert.That(all.Select(d => d.GetProperty("depth").GetInt32()), Is.EqualTo(Enumerable.Range(1, 69)), "every depth, nothing cut");
        Assert.That(rest.GetProperty("descendantsNextCursor").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(rest.GetProperty("ancestors").GetArrayLength(), Is.Zero, "only the list asked for");
        await (await coop.Client.GetAsync($"/api/v1/batches/{ids[0]}/lineage?cursor={cursor}")).Json(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task AttachingToAnotherProducersBatch_AndRegisteringBatches_AreBoundedPerAccount()
    {
        using var api = new ApiFactory(new() { ["Quotas:ChildrenPerForeignBatch"] = "3", ["Quotas:BatchesPerDay"] = "6" });
        var farmer = await api.CreateProducerAsync("Nông hộ");
        var processor = await api.CreateProducerAsync("Cơ sở chế biến");
        var (_, _, code) = await farmer.NewBatchAsync("LUA-1");
        var product = (await processor.CreateProductAsync()).Id();
        async Task<HttpResponseMessage> Make(string lot, object[] parents) =>
            await processor.Client.PostAsJsonAsync("/api/v1/batches", new { productId = product, lotNumber = lot, producedOn = "2025-11-25", parents });

        for (var i = 0; i < 3; i++) await (await Make($"C-{i}", [new { code }])).Json(HttpStatusCode.Created);
        var fourth = await (await Make("C-3", [new { code }])).Json(HttpStatusCode.UnprocessableEntity);
        Assert.That(fourth.GetProperty("detail").GetString(), Does.Contain("ChildrenPerForeignBatch").And.Contain(code));
        await (await Make("OWN-1", [])).Json(HttpStatusCode.Created);
        await (await Make("OWN-2", [])).Json(HttpStatusCode.Created);
        await (await Make("OWN-3", [])).Json(HttpStatusCode.Created);
        var seventh = await Make("OWN-4", []);
        await seventh.Json((HttpStatusCode)429);
        Assert.That(seventh.Headers.RetryAfter?.Delta?.TotalSeconds, Is.InRange(1, 86_400), "until midnight, Vietnam time");
        var listed = await (await processor.Client.GetAsync($"/api/v1/batches?productId={product}")).Json(HttpStatusCode.OK);
        Assert.That(listed.GetProperty("items").GetArrayLength(), Is.EqualTo(6), "nothing refused was stored");
        await farmer.NewBatchAsync("LUA-2");
    }
}
