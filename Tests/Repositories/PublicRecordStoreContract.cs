using NUnit.Framework;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Tests.Repositories;

/// <summary>The stored public records: the same contract on every database.</summary>
public abstract partial class RepositoryContract
{
    private static PublicRecordStore.Written Written(Batch batch, string? gtin, string version, string text, byte[]? qr) =>
        new(batch.Id, batch.Code, gtin, batch.LotNumber, version, true, "ab12", "{\"a\":1}"u8.ToArray(),
            System.Text.Encoding.UTF8.GetBytes($"<p>{text}</p>"), "<p>en</p>"u8.ToArray(), "qr-" + version, qr);

    [Test]
    public async Task PublicRecords_EachPartIsReadAlone_ByCodeOrByGtinAndLot()
    {
        var batch = await NewBatch();
        var store = new PublicRecordStore(_db);
        Assert.That(await store.SaveAsync(Written(batch, "08935049500018", "v1", "Chè Shan tuyết", [1, 2, 3]), _now, default), Is.True);

        var page = await store.GetAsync(batch.Code, PublicRecordStore.Part.PageVi, default);
        Assert.That(page, Is.Not.Null);
        Assert.That(System.Text.Encoding.UTF8.GetString(page!.Body), Is.EqualTo("<p>Chè Shan tuyết</p>"));
        Assert.That((page.BatchId, page.Code, page.Version, page.ScanCount), Is.EqualTo((batch.Id, batch.Code, "v1", 0L)));
        var qr = await store.GetAsync(batch.Code, PublicRecordStore.Part.Qr, default);
        Assert.That((qr!.Body, qr.Version), Is.EqualTo((new byte[] { 1, 2, 3 }, "qr-v1")));
        var byLot = await store.GetByLotAsync("08935049500018", batch.LotNumber, PublicRecordStore.Part.Json, default);
        Assert.That(byLot!.Code, Is.EqualTo(batch.Code));
        Assert.That(byLot.Body, Is.EqualTo("{\"a\":1}"u8.ToArray()));
        Assert.That(await store.GetByLotAsync("08935049500018", "OTHER", PublicRecordStore.Part.Json, default), Is.Null);
        Assert.That(await store.GetAsync("NOSUCHCODE", PublicRecordStore.Part.Json, default), Is.Null);
    }

    [Test]
    public async Task PublicRecords_ARewriteFromOlderData_DoesNotReplaceALaterOne_AndKeepsTheImage()
    {
        var batch = await NewBatch();
        var store = new PublicRecordStore(_db);
        await store.SaveAsync(Written(batch, null, "v1", "một", [9]), _now, default);
        Assert.That(await store.SaveAsync(Written(batch, null, "v2", "hai", null), _now.AddSeconds(2), default), Is.True);
        Assert.That(await store.SaveAsync(Written(batch, null, "v0", "cũ", null), _now.AddSeconds(1), default), Is.False, "read before the stored one");

        var page = await store.GetAsync(batch.Code, PublicRecordStore.Part.PageVi, default);
        Assert.That((page!.Version, System.Text.Encoding.UTF8.GetString(page.Body)), Is.EqualTo(("v2", "<p>hai</p>")));
        Assert.That((await store.GetAsync(batch.Code, PublicRecordStore.Part.Qr, default))!.Body, Is.EqualTo(new byte[] { 9 }), "no new image: the stored one stays");
        Assert.That(await store.VersionAsync(batch.Code, PublicRecordStore.Part.Qr, default), Is.EqualTo("qr-v1"));
    }

    [Test]
    public async Task Scans_AreAddedToWhatIsStored_AndReadBesideEachPart()
    {
        var (a, b) = (await NewBatch(), await NewBatch());
        var store = new PublicRecordStore(_db);
        await store.SaveAsync(Written(a, null, "v1", "a", [1]), _now, default);
        await store.SaveAsync(Written(b, null, "v1", "b", [1]), _now, default);
        var scans = new ScanRepository(_db);
        await scans.AddAsync([new(a.Id, 2, _now, _now.AddSeconds(1)), new(b.Id, 1, _now.AddSeconds(5), _now.AddSeconds(5))], default);
        await scans.AddAsync([new(a.Id, 3, _now.AddMinutes(1), _now.AddMinutes(2))], default);

        var readA = await store.GetAsync(a.Code, PublicRecordStore.Part.PageVi, default);
        Assert.That((readA!.ScanCount, readA.FirstScannedAt), Is.EqualTo((5L, (DateTimeOffset?)_now)), "added to; the first scan stays");
        var readB = await store.GetAsync(b.Code, PublicRecordStore.Part.Json, default);
        Assert.That((readB!.ScanCount, readB.FirstScannedAt), Is.EqualTo((1L, (DateTimeOffset?)_now.AddSeconds(5))));
    }
}
