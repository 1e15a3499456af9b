using System.Net;
using System.Net.Http.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;
using Traceability.Api.PublicRecords;
using Traceability.Api.PublicRecords.Building;
using Traceability.Api.PublicRecords.Freshness;
using Traceability.Tests.Events;
using Traceability.Tests.Support;

namespace Traceability.Tests.Public;

/// <summary>Whether a stored public record is current lives in the database: two API hosts on one database (as a
/// province runs it behind a load balancer) each see the other's writes on their next view, with no message between
/// them, even when the writer dies right after acknowledging.</summary>
[NonParallelizable]
public sealed class RecordFreshnessTests
{
    private static async Task<string> Page(ApiFactory api, string code)
    {
        var response = await api.CreateClient().SendAsync(PublicScenario.Get($"/p/{code}", "text/html"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<System.Text.Json.JsonElement> Json(ApiFactory api, string code) =>
        await (await api.CreateClient().SendAsync(PublicScenario.Get($"/api/v1/public/records/{code}", "application/json"))).Json(HttpStatusCode.OK);

    [Test]
    public async Task ARecallThroughA_ShowsOnBsNextPageView()
    {
        using var a = new ApiFactory();
        using var b = new ApiFactory(databasePath: a.DatabasePath);
        var producer = await a.CreateProducerAsync();
        var (_, batch, _) = await PublicScenario.RichBatchAsync(a, producer, "TWO-1");
        var code = batch.GetProperty("code").GetString()!;
        Assert.That(await Page(b, code), Does.Not.Contain("SẢN PHẨM ĐÃ BỊ THU HỒI"), "B has built and stored the record");

        await (await producer.Client.PostAsJsonAsync($"/api/v1/batches/{batch.Id()}/recall", new { reason = "Nhiễm nấm mốc" })).Json(HttpStatusCode.OK);

        var page = await Page(b, code);
        Assert.That(page, Does.Contain("SẢN PHẨM ĐÃ BỊ THU HỒI").And.Contain("Nhiễm nấm mốc"));
    }

    [Test]
    public async Task AProductRenamedThroughA_ShowsInBsNextJson_AndInTheRecordsMadeFromIt()
    {
        using var a = new ApiFactory();
        using var b = new ApiFactory(databasePath: a.DatabasePath);
        var producer = await a.CreateProducerAsync();
        var product = await producer.CreateProductAsync(name: "Nem chua Thọ Xuân");
        var parent = await producer.CreateBatchAsync(product.Id(), "REN-1");
        var box = await producer.CreateProductAsync(name: "Hộp quà Tết");
        var child = await (await producer.Client.PostAsJsonAsync("/api/v1/batches", new
        {
            productId = box.Id(), lotNumber = "BOX-1", producedOn = "2025-11-20", parents = new[] { new { batchId = parent.Id() } },
        })).Json(HttpStatusCode.Created);
        var (parentCode, childCode) = (parent.GetProperty("code").GetString()!, child.GetProperty("code").GetString()!);
        Assert.That((await Json(b, parentCode)).GetProperty("product").GetProperty("name").GetString(), Is.EqualTo("Nem chua Thọ Xuân"));
        Assert.That((await Json(b, childCode)).GetProperty("madeFrom")[0].GetProperty("productName").GetString(), Is.EqualTo("Nem chua Thọ Xuân"));

        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/products/{product.Id()}")
        {
            Content = new StringContent("""{"name":"Nem chua Thanh Hóa loại đặc biệt"}""", System.Text.Encoding.UTF8, "application/merge-patch+json"),
        };
        await (await producer.Client.SendAsync(patch)).Json(HttpStatusCode.OK);

        Assert.That((await Json(b, parentCode)).GetProperty("product").GetProperty("name").GetString(), Is.EqualTo("Nem chua Thanh Hóa loại đặc biệt"));
        Assert.That((await Json(b, childCode)).GetProperty("madeFrom")[0].GetProperty("productName").GetString(), Is.EqualTo("Nem chua Thanh Hóa loại đặc biệt"));
    }

    [Test]
    public async Task AnEventAcknowledgedByAProcessKilledRightAfterThe201_ShowsOnTheOtherHost()
    {
        using var b = new ApiFactory(new() { ["Traceability:PublicBaseUrl"] = "http://localhost:5080" });
        var producer = await b.CreateProducerAsync();
        var product = await producer.CreateProductAsync();
        var batches = new List<(Guid Id, string Code)>();
        for (var i = 0; i < 3; i++)
        {
            var batch = await producer.CreateBatchAsync(product.Id(), $"KILL-{i}");
            batches.Add((batch.Id(), batch.GetProperty("code").GetString()!));
            Assert.That(await Page(b, batches[^1].Code), Does.Not.Contain("Xe tải số 7"), "stored on B before A writes");
        }

        await using var a = ApiProcess.Start(b.DatabasePath, ApiFactory.AdminKey);
        await a.WaitUntilReadyAsync();
        a.Client.DefaultRequestHeaders.Add("X-Api-Key", producer.Key);
        var response = await a.Client.PostAsJsonAsync("/api/v1/events", new
        {
            events = batches.Select(x => new { batchId = x.Id, type = "shipping", occurredAt = "2025-11-22T07:00:00+07:00", note = "Xe tải số 7" }),
        });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        a.Kill();

        foreach (var (_, code) in batches) Assert.That(await Page(b, code), Does.Contain("Xe tải số 7"), code);
    }

    [Test]
    public async Task ACertificationsExpiry_ShowsOnItsDay_WithNoWrite()
    {
        // 2026-03-10 10:00 in Vietnam; the decision below is valid until 2026-03-11.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 3, 0, 0, TimeSpan.Zero));
        using var api = new ApiFactory().WithClock(clock);
        var producer = await api.CreateProducerAsync();
        var product = await producer.CreateProductAsync(name: "Mật ong Bá Thước");
        var batch = await producer.CreateBatchAsync(product.Id(), "EXP-1");
        var authority = await api.CreateAuthorityAsync();
        await (await authority.Client.PostAsJsonAsync($"/api/v1/products/{product.Id()}/ocop-certifications", new
        {
            stars = 4, decisionNumber = "12/QĐ-UBND", issuedBy = "UBND tỉnh Thanh Hóa", issuedOn = "2023-03-12", validUntil = "2026-03-11",
        })).Json(HttpStatusCode.Created);
        var code = batch.GetProperty("code").GetString()!;
        Assert.That((await Json(api, code)).GetProperty("ocop").GetProperty("current").GetProperty("stars").GetInt32(), Is.EqualTo(4));

        clock.SetUtcNow(new DateTimeOffset(2026, 3, 11, 16, 59, 0, TimeSpan.Zero));  // 23:59 on the last valid day
        Assert.That((await Json(api, code)).GetProperty("ocop").GetProperty("current").ValueKind, Is.Not.EqualTo(System.Text.Json.JsonValueKind.Null));
        clock.SetUtcNow(new DateTimeOffset(2026, 3, 11, 17, 0, 0, TimeSpan.Zero));   // 00:00 on 12 March in Vietnam
        var record = await Json(api, code);
        Assert.That(record.GetProperty("ocop").GetProperty("current").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
        Assert.That(record.GetProperty("ocop").GetProperty("history")[0].GetProperty("status").GetString(), Is.EqualTo("expired"));
        Assert.That(await Page(api, code), Does.Contain("Chứng nhận OCOP đã hết hạn"));
    }

    [Test]
    public async Task StaleRecordsNobodyReads_AreRebuiltByTheWorker_AndAChangedBaseUrlRebuildsThemAll()
    {
        using var api = new ApiFactory();
        var producer = await api.CreateProducerAsync();
        var product = await producer.CreateProductAsync();
        var batch = await producer.CreateBatchAsync(product.Id(), "WRK-1");
        await producer.AppendAsync(batch.Id(), EventScenario.Harvest(note: "Không ai xem"));
        var rebuilder = api.Services.GetRequiredService<RecordRefresher>();
        Assert.That(await rebuilder.RebuildOnceAsync(default), Is.GreaterThanOrEqualTo(1));
        Assert.That(await rebuilder.RebuildOnceAsync(default), Is.Zero, "nothing stale any more");
        using (var db = api.OpenDatabase())
        {
            var json = await db.QuerySingleAsync<byte[]>("SELECT body FROM public_parts WHERE batch_id = @B AND part = 0", new { B = batch.Id() });
            var text = SlottedGzip.Inflate(SlottedGzip.Fill(json, StoredPage.JsonSlotValues(null, System.Text.Json.JsonSerializerOptions.Web)));
            Assert.That(System.Text.Encoding.UTF8.GetString(text), Does.Contain("Không ai xem"), "built without a view");
        }

        using var moved = new ApiFactory(new() { ["Traceability:PublicBaseUrl"] = "https://truyxuat.thanhhoa.gov.vn" }, databasePath: api.DatabasePath);
        await moved.Services.GetRequiredService<RecordRefresher>().EnsureBuildKeyAsync(default);
        var record = await Json(moved, batch.GetProperty("code").GetString()!);
        Assert.That(record.GetProperty("publicUrl").GetString(), Does.StartWith("https://truyxuat.thanhhoa.gov.vn/"));
    }

    [Test]
    public async Task AStoredEventChangedBehindTheApisBack_ShowsOnThePageAtOnce_AndTheAuditLogsTheBreak()
    {
        using var api = new ApiFactory();
        var producer = await api.CreateProducerAsync();
        var (_, batch, _) = await PublicScenario.RichBatchAsync(api, producer, "AUD-1");
        var code = batch.GetProperty("code").GetString()!;
        Assert.That(await Page(api, code), Does.Contain("Chuỗi dữ liệu toàn vẹn"));
        var audit = api.Services.GetRequiredService<ChainAudit>();
        var first = await audit.AuditOnceAsync(default);
        Assert.That((first.Ran, first.EventsVerified, first.Broken), Is.EqualTo((true, 3L, 0)));

        using (var db = api.OpenDatabase())
            await db.ExecuteAsync("UPDATE events SET note = 'Sửa lén' WHERE batch_id = @B AND sequence = 2", new { B = batch.Id() });
        Assert.That(await Page(api, code), Does.Contain("CẢNH BÁO: dữ liệu đã bị sửa đổi từ bước 2"), "no audit needed");

        await producer.AppendAsync(batch.Id(), EventScenario.Harvest(note: "Sau khi sửa"));
        using (var db = api.OpenDatabase())
            await db.ExecuteAsync("UPDATE events SET hash = 'forged' WHERE batch_id = @B AND sequence = 4", new { B = batch.Id() });
        var second = await audit.AuditOnceAsync(default);
        Assert.That((second.EventsVerified, second.Broken), Is.EqualTo((0L, 1)), "only the new event is read, and it breaks");
        Assert.That(api.Logs.Lines, Has.Some.Contains(code).And.Contains("breaks at event 4"));
        Assert.That((await audit.AuditOnceAsync(default)).Broken, Is.Zero, "a break is reported once");
    }

    [Test]
    public async Task TheAudit_ReadsOnlyWhatWasAppended_AndRunsInOneProcessAtATime()
    {
        using var a = new ApiFactory();
        using var b = new ApiFactory(databasePath: a.DatabasePath);
        var producer = await a.CreateProducerAsync();
        var product = await producer.CreateProductAsync();
        var batch = await producer.CreateBatchAsync(product.Id(), "AUD-2");
        for (var i = 0; i < 3; i++) await producer.AppendAsync(batch.Id(), EventScenario.Harvest(note: $"#{i}"));
        var auditA = a.Services.GetRequiredService<ChainAudit>();
        Assert.That((await auditA.AuditOnceAsync(default)).EventsVerified, Is.EqualTo(3));
        Assert.That((await auditA.AuditOnceAsync(default)).EventsVerified, Is.Zero, "nothing new");
        await producer.AppendAsync(batch.Id(), EventScenario.Harvest(note: "#3"));
        Assert.That((await b.Services.GetRequiredService<ChainAudit>().AuditOnceAsync(default)).EventsVerified, Is.EqualTo(1),
            "B continues from A's verified head");

        var leases = a.Services.GetRequiredService<Traceability.Infrastructure.Repositories.LeaseRepository>();
        Assert.That(await leases.TryAcquireAsync(ChainAudit.LeaseName, "another-process", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5), default), Is.True);
        Assert.That((await auditA.AuditOnceAsync(default)).Ran, Is.False, "another process holds the lease");
    }
}
