using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Events;

/// <summary>Honey from a beekeeping cooperative is bought by a food processor and made into a cake, which a
/// third producer packs into a gift box: one step before, one step after, and a recall that follows the lots.</summary>
public sealed class LineageRecallTests
{
    private ApiFactory _api = null!;
    private Account _beekeeper = null!;
    private Account _processor = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _api = new ApiFactory();
        _beekeeper = await _api.CreateProducerAsync("HTX Ong mật Bá Thước");
        _processor = await _api.CreateProducerAsync("Công ty Bánh kẹo Lam Sơn");
    }

    [OneTimeTearDown] public void Stop() => _api.Dispose();

    private static async Task<JsonElement> BatchWithParents(Account producer, Guid productId, string lot, object[] parents) =>
        await (await producer.Client.PostAsJsonAsync("/api/v1/batches", new { productId, lotNumber = lot, producedOn = "2025-11-25", parents }))
            .Json(HttpStatusCode.Created);

    private async Task<(JsonElement Honey, JsonElement Sugar, JsonElement Cake, JsonElement Box)> Chain(string suffix)
    {
        var honeyProduct = await _beekeeper.CreateProductAsync(name: "Mật ong rừng");
        var honey = await _beekeeper.CreateBatchAsync(honeyProduct.Id(), $"MO-{suffix}");
        var sugarProduct = await _processor.CreateProductAsync(name: "Đường mía");
        var sugar = await _processor.CreateBatchAsync(sugarProduct.Id(), $"DU-{suffix}");
        var cakeProduct = await _processor.CreateProductAsync(name: "Bánh mật ong");
        var cake = await BatchWithParents(_processor, cakeProduct.Id(), $"BM-{suffix}",
        [
            new { code = honey.GetProperty("code").GetString()!.ToLowerInvariant(), quantity = 20.5 },
            new { batchId = sugar.Id(), quantity = 5 },
        ]);
        var boxProduct = await _processor.CreateProductAsync(name: "Hộp quà Tết");
        var box = await BatchWithParents(_processor, boxProduct.Id(), $"HQ-{suffix}", [new { batchId = cake.Id() }]);
        return (honey, sugar, cake, box);
    }

    [Test]
    public async Task Lineage_ShowsStepsBeforeAndAfter_WithDepth()
    {
        var (honey, sugar, cake, box) = await Chain("L1");

        var ofCake = await (await _processor.Client.GetAsync($"/api/v1/batches/{cake.Id()}/lineage")).Json(HttpStatusCode.OK);
        var ofHoney = await (await _beekeeper.Client.GetAsync($"/api/v1/batches/{honey.Id()}/lineage")).Json(HttpStatusCode.OK);

        Assert.Multiple(() =>
        {
            Assert.That(Nodes(ofCake, "ancestors"), Is.EquivalentTo(new[] { (honey.Id(), 1), (sugar.Id(), 1) }));
            Assert.That(Nodes(ofCake, "descendants"), Is.EqualTo(new[] { (box.Id(), 1) }));
            Assert.That(Nodes(ofHoney, "ancestors"), Is.Empty);
            Assert.That(Nodes(ofHoney, "descendants"), Is.EqualTo(new[] { (cake.Id(), 1), (box.Id(), 2) }));
            Assert.That(ofHoney.GetProperty("descendants")[0].GetProperty("producerName").GetString(), Is.EqualTo("Công ty Bánh kẹo Lam Sơn"));
        });
    }

    private static IEnumerable<(Guid, int)> Nodes(JsonElement lineage, string direction) =>
        lineage.GetProperty(direction).EnumerateArray().Select(n => (n.GetProperty("batchId").GetGuid(), n.GetProperty("depth").GetInt32()));

    [Test]
    public async Task Parents_OtherProducersBatchById_OrUnknownCode_Is400()
    {
        var honeyProduct = await _beekeeper.CreateProductAsync(name: "Mật ong");
        var honey = await _beekeeper.CreateBatchAsync(honeyProduct.Id(), "MO-X");
        var cakeProduct = await _processor.CreateProductAsync(name: "Bánh");
        foreach (var (parent, field) in new (object, string)[]
                 {
                     (new { batchId = honey.Id() }, "parents[0].batchId"),
                     (new { code = "ZZZZZZZZZZ" }, "parents[0].code"),
                     (new { batchId = honey.Id(), code = honey.GetProperty("code").GetString() }, "parents[0]"),
                 })
        {
            var problem = await (await _processor.Client.PostAsJsonAsync("/api/v1/batches",
                new { productId = cakeProduct.Id(), lotNumber = "BX-1", producedOn = "2025-11-25", parents = new[] { parent } })).Json(HttpStatusCode.BadRequest);
            Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, problem.ToString());
        }
        var list = await (await _processor.Client.GetAsync($"/api/v1/batches?productId={cakeProduct.Id()}")).Json(HttpStatusCode.OK);
        Assert.That(list.GetProperty("items").GetArrayLength(), Is.Zero, "no half-made batch");
    }

    [Test]
    public async Task Recall_ReachesEverythingMadeFromTheBatch_AcrossProducers_AndIsInEachChain()
    {
        var (honey, sugar, cake, box) = await Chain("R1");

        var recall = await (await _beekeeper.Client.PostAsJsonAsync($"/api/v1/batches/{honey.Id()}/recall",
            new { reason = "Phát hiện dư lượng kháng sinh vượt ngưỡng" })).Json(HttpStatusCode.OK);

        var codes = new[] { honey, cake, box }.Select(b => b.GetProperty("code").GetString()).ToList();
        Assert.That((recall.GetProperty("status").GetString(), recall.GetProperty("affectedCount").GetInt64(), recall.GetProperty("newlyRecalledCount").GetInt64()),
            Is.EqualTo(("complete", 3L, 3L)));
        Assert.That(await RecalledCodes(_beekeeper.Client, recall), Is.EquivalentTo(codes));

        var boxNow = await (await _processor.Client.GetAsync($"/api/v1/batches/{box.Id()}")).Json(HttpStatusCode.OK);
        Assert.That(boxNow.GetProperty("recall").GetProperty("reason").GetString(), Is.EqualTo("Phát hiện dư lượng kháng sinh vượt ngưỡng"));
        var sugarNow = await (await _processor.Client.GetAsync($"/api/v1/batches/{sugar.Id()}")).Json(HttpStatusCode.OK);
        Assert.That(sugarNow.GetProperty("recall").ValueKind, Is.EqualTo(JsonValueKind.Null), "the other input is not recalled");

        var boxEvents = await (await _processor.Client.GetAsync($"/api/v1/batches/{box.Id()}/events")).Json(HttpStatusCode.OK);
        var recallEvent = boxEvents.GetProperty("items").EnumerateArray().Single();
        Assert.That(recallEvent.GetProperty("type").GetString(), Is.EqualTo("recalling"));
        Assert.That(recallEvent.GetProperty("attributes").GetProperty("recalledBecauseOf").GetString(), Is.EqualTo(honey.GetProperty("code").GetString()));
        var verification = await (await _processor.Client.GetAsync($"/api/v1/batches/{box.Id()}/verification")).Json(HttpStatusCode.OK);
        Assert.That(verification.GetProperty("valid").GetBoolean(), Is.True);

        var again = await (await _beekeeper.Client.PostAsJsonAsync($"/api/v1/batches/{honey.Id()}/recall", new { reason = "Lần hai" })).Json(HttpStatusCode.OK);
        Assert.That(again.GetProperty("newlyRecalledCount").GetInt64(), Is.Zero, "a recalled batch stays recalled, once");
        Assert.That(again.GetProperty("affectedCount").GetInt64(), Is.EqualTo(3), "a second recall covers the same batches");

        var cakeProduct = (await (await _processor.Client.GetAsync($"/api/v1/batches/{cake.Id()}")).Json(HttpStatusCode.OK)).GetProperty("productId").GetGuid();
        var reuse = await (await _processor.Client.PostAsJsonAsync("/api/v1/batches",
            new { productId = cakeProduct, lotNumber = "BM-R2", producedOn = "2025-11-26", parents = new[] { new { batchId = cake.Id() } } })).Json(HttpStatusCode.BadRequest);
        Assert.That(reuse.GetProperty("errors").TryGetProperty("parents[0]", out _), Is.True, "a recalled batch cannot become an input");
    }

    [Test]
    public async Task Recall_ByAnAuthorityOfTheProducersProvince_NotByOtherProducersOrAdmin()
    {
        var (honey, _, _, _) = await Chain("R2");
        var url = $"/api/v1/batches/{honey.Id()}/recall";
        await (await _processor.Client.PostAsJsonAsync(url, new { reason = "x" })).Json(HttpStatusCode.NotFound);
        await (await _api.Admin().PostAsJsonAsync(url, new { reason = "x" })).Json(HttpStatusCode.Forbidden);
        await (await _beekeeper.Client.PostAsJsonAsync(url, new { reason = "  " })).Json(HttpStatusCode.BadRequest);
        var authority = await _api.CreateAuthorityAsync();
        var recall = await (await authority.Client.PostAsJsonAsync(url, new { reason = "Quyết định thu hồi của tỉnh" })).Json(HttpStatusCode.OK);
        Assert.That(recall.GetProperty("affectedCount").GetInt64(), Is.EqualTo(3));
        Assert.That(recall.GetProperty("recalledBy").GetProperty("role").GetString(), Is.EqualTo("authority"));
        var events = await (await _beekeeper.Client.GetAsync($"/api/v1/batches/{honey.Id()}/events")).Json(HttpStatusCode.OK);
        Assert.That(events.GetProperty("items")[0].GetProperty("actor").GetString(), Is.EqualTo("Hội đồng OCOP tỉnh Thanh Hóa"));
    }

    [Test]
    public async Task ALadderOfFortyGenerationsByPublicCode_LineageAndRecallAnswer_AndAnUnrelatedWriteIsNotHeldUp()
    {
        // Any producer can build this shape from public codes: each batch made from the two before it (~10^8 paths).
        var product = await _processor.CreateProductAsync(name: "Bánh chưng");
        var codes = new List<string>();
        var ids = new List<Guid>();
        for (var g = 0; g < 40; g++)
        {
            var parents = codes.TakeLast(2).Select(c => (object)new { code = c }).ToArray();
            var batch = await BatchWithParents(_processor, product.Id(), $"LADDER-{g}", parents);
            codes.Add(batch.GetProperty("code").GetString()!);
            ids.Add(batch.Id());
        }
        var other = await _api.CreateProducerAsync("HTX Rau an toàn Đông Sơn");
        var (_, otherBatch, _) = await other.NewBatchAsync("UNRELATED-1");

        // A bound, not a speed test: a walk over paths instead of batches would not answer at all.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var lineage = await (await _processor.Client.GetAsync($"/api/v1/batches/{ids[0]}/lineage", bound.Token)).Json(HttpStatusCode.OK);
        Assert.That(lineage.GetProperty("descendants").GetArrayLength(), Is.EqualTo(39));
        Assert.That(lineage.GetProperty("descendants").EnumerateArray().Select(d => d.GetProperty("depth").GetInt32()).Last(), Is.EqualTo(20));

        var recall = _processor.Client.PostAsJsonAsync($"/api/v1/batches/{ids[0]}/recall", new { reason = "Nguyên liệu nhiễm khuẩn" }, bound.Token);
        var unrelated = await other.Client.PostAsJsonAsync($"/api/v1/batches/{otherBatch}/events",
            new { type = "harvesting", occurredAt = "2025-11-20T06:30:00+07:00" }, bound.Token);
        Assert.That(unrelated.StatusCode, Is.EqualTo(HttpStatusCode.Created), "another cooperative's write goes on during the recall");
        var recalled = await (await recall).Json(HttpStatusCode.OK);
        Assert.That(await RecalledCodes(_processor.Client, recalled), Is.EqualTo(codes));
    }

    /// <summary>Every batch a recall reached, through its paged list.</summary>
    internal static async Task<List<string>> RecalledCodes(HttpClient client, JsonElement recall, int limit = 200)
    {
        var codes = new List<string>();
        string? cursor = null;
        do
        {
            var url = recall.GetProperty("links").GetProperty("batches").GetString() + $"?limit={limit}" + (cursor is null ? "" : $"&cursor={cursor}");
            var page = await (await client.GetAsync(url)).Json(HttpStatusCode.OK);
            codes.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("code").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
        } while (cursor is not null);
        return codes;
    }
}
