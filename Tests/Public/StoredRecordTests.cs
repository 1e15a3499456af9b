using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Traceability.Api.Public;
using Traceability.Tests.Support;

namespace Traceability.Tests.Public;

/// <summary>Scans read the stored public record; the audit rewrites what no request refreshed.</summary>
public sealed class StoredRecordTests : ApiTest
{
    /// <summary>Lets the background rewrites of the writes so far finish, so that the test acts on a quiet database.</summary>
    private Task Settled() => Api.Services.GetRequiredService<RecordRefresher>().DrainAsync(default);

    private async Task<string> Page(string code)
    {
        var response = await Api.CreateClient().SendAsync(PublicScenario.Get($"/p/{code}", "text/html"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return await response.Content.ReadAsStringAsync();
    }

    [Test]
    public async Task AStoredEventChangedBehindTheApisBack_ShowsOnThePage_AfterTheAudit()
    {
        var (_, batch, _) = await PublicScenario.RichBatchAsync(Api, Producer, "AUD-1");
        await Settled();
        var code = batch.GetProperty("code").GetString()!;
        Assert.That(await Page(code), Does.Contain("Chuỗi dữ liệu toàn vẹn"));

        using (var db = Api.OpenDatabase())
            await db.ExecuteAsync("UPDATE events SET note = 'Sửa lén' WHERE batch_id = @B AND sequence = 2", new { B = batch.Id() });
        var rewritten = await Api.Services.GetRequiredService<ChainAuditor>().AuditOnceAsync(default);

        Assert.That(rewritten, Is.GreaterThanOrEqualTo(1));
        Assert.That(await Page(code), Does.Contain("CẢNH BÁO: dữ liệu đã bị sửa đổi từ bước 2"));
    }

    [Test]
    public async Task AMissingStoredRecord_IsWrittenOnFirstRead_AndByTheAudit()
    {
        var (_, batch, _) = await PublicScenario.RichBatchAsync(Api, Producer, "AUD-2");
        var (_, other, _) = await PublicScenario.RichBatchAsync(Api, Producer, "AUD-3");
        await Settled();
        using (var db = Api.OpenDatabase())
        {
            await db.ExecuteAsync("DELETE FROM public_parts WHERE batch_id IN @Ids", new { Ids = new[] { batch.Id(), other.Id() } });
            await db.ExecuteAsync("DELETE FROM public_records WHERE batch_id IN @Ids", new { Ids = new[] { batch.Id(), other.Id() } });
        }

        Assert.That(await Page(batch.GetProperty("code").GetString()!), Does.Contain("Chè Shan tuyết Pù Luông"));
        Assert.That(await Api.Services.GetRequiredService<ChainAuditor>().AuditOnceAsync(default), Is.EqualTo(1), "only the one not read since");
        using var check = Api.OpenDatabase();
        Assert.That(await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM public_records WHERE batch_id IN @Ids",
            new { Ids = new[] { batch.Id(), other.Id() } }), Is.EqualTo(2));
    }

    [Test]
    public async Task EventsRecordedWithoutARewrite_AreCaughtUpByTheAudit()
    {
        var (_, batch, _) = await PublicScenario.RichBatchAsync(Api, Producer, "AUD-5");
        await Settled();
        // As if the process that recorded this event stopped before it rewrote the record.
        var events = Api.Services.GetRequiredService<Traceability.Infrastructure.Repositories.EventRepository>();
        await events.AppendAsync([new Traceability.Domain.Events.NewEvent(batch.Id(), Traceability.Domain.Events.EventType.Shipping,
            DateTimeOffset.UtcNow, null, null, "Xe tải số 7", new Dictionary<string, string>(), [], null)], DateTimeOffset.UtcNow, default);
        Assert.That(await Page(batch.GetProperty("code").GetString()!), Does.Not.Contain("Xe tải số 7"));

        await Api.Services.GetRequiredService<ChainAuditor>().AuditOnceAsync(default);
        Assert.That(await Page(batch.GetProperty("code").GetString()!), Does.Contain("Xe tải số 7"));
    }

    [Test]
    public async Task AnUntouchedRecord_IsLeftAlone()
    {
        await PublicScenario.RichBatchAsync(Api, Producer, "AUD-4");
        await Settled();
        var auditor = Api.Services.GetRequiredService<ChainAuditor>();
        await auditor.AuditOnceAsync(default);
        Assert.That(await auditor.AuditOnceAsync(default), Is.Zero);
    }
}
