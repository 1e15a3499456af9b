using Dapper;
using NUnit.Framework;
using Traceability.Infrastructure.Webhooks;
using Traceability.Domain;
using Traceability.Domain.Events;
using Traceability.Infrastructure.PublicRecords;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Tests.Repositories;

/// <summary>The stored public records and what marks them stale: the same contract on every database.</summary>
public abstract partial class RepositoryContract
{
    private static readonly DateOnly Day = new(2025, 11, 20);

    private static RecordStore.Built Built(Batch batch, long version, string etag, string text, byte[]? qr, DateOnly? day = null, DateOnly? changesOn = null) =>
        new(batch.Id, batch.Code, version, day ?? Day, changesOn, etag, "{\"a\":1}"u8.ToArray(),
            System.Text.Encoding.UTF8.GetBytes($"<p>{text}</p>"), "<p>en</p>"u8.ToArray(), "qr-" + etag, qr);

    private async Task<Batch> NewBatchWithGtin(string gtin, string lot)
    {
        var (producer, _) = await NewProducer();
        var product = NewProductFor(producer.Id, gtin);
        await new ProductRepository(_db).CreateAsync(product, default);
        var batch = new Batch(Guid.CreateVersion7(), product.Id, producer.Id, lot, TracingCode.New(), new DateOnly(2025, 11, 1), null, 10m, "KGM", null, _now);
        return await new BatchRepository(_db, NoAnnouncements.Instance).CreateAsync(batch, [], default);
    }

    private async Task<long> SourceVersion(Batch batch) => (await new RecordSource(_db).GetAsync(batch.Code, default))!.SourceVersion;

    private async Task<bool> IsStale(Batch batch) => (await new RecordStore(_db).GetAsync(batch.Code, RecordStore.Part.Json, secondary: false, default))!.Stale;

    /// <summary>Builds the batch's record as current (at its version now), so a test can see what makes it stale.</summary>
    private async Task BuildCurrent(Batch batch)
    {
        Assert.That(await new RecordStore(_db).SaveAsync(Built(batch, await SourceVersion(batch), "v", "x", [1]), default), Is.True);
        Assert.That(await IsStale(batch), Is.False);
    }

    [Test]
    public async Task PublicRecords_EachPartIsReadAlone_ByCodeOrByGtinAndLot()
    {
        var gtin = NewGtin();
        var batch = await NewBatchWithGtin(gtin, "L-" + TracingCode.New()[..6]);
        var store = new RecordStore(_db);
        Assert.That(await store.SaveAsync(Built(batch, await SourceVersion(batch), "v1", "Chè Shan tuyết", [1, 2, 3]), default), Is.True);

        var page = await store.GetAsync(batch.Code, RecordStore.Part.PageVi, secondary: false, default);
        Assert.That(page, Is.Not.Null);
        Assert.That(System.Text.Encoding.UTF8.GetString(page!.Body), Is.EqualTo("<p>Chè Shan tuyết</p>"));
        Assert.That((page.BatchId, page.Code, page.ETag, page.ScanCount, page.Stale), Is.EqualTo((batch.Id, batch.Code, "v1", 0L, false)));
        var qr = await store.GetAsync(batch.Code, RecordStore.Part.Qr, secondary: false, default);
        Assert.That((qr!.Body, qr.ETag), Is.EqualTo((new byte[] { 1, 2, 3 }, "qr-v1")));
        var byLot = await store.GetByLotAsync(gtin, batch.LotNumber, RecordStore.Part.Json, secondary: false, default);
        Assert.That(byLot!.Code, Is.EqualTo(batch.Code));
        Assert.That(byLot.Body, Is.EqualTo("{\"a\":1}"u8.ToArray()));
        Assert.That(await store.GetByLotAsync(gtin, "OTHER", RecordStore.Part.Json, secondary: false, default), Is.Null);
        Assert.That(await store.GetAsync("NOSUCHCODE", RecordStore.Part.Json, secondary: false, default), Is.Null);
    }

    [Test]
    public async Task PublicRecords_ABuildFromAnOlderVersion_DoesNotReplaceALaterOne_AndKeepsTheImage()
    {
        var batch = await NewBatch();
        var store = new RecordStore(_db);
        var version = await SourceVersion(batch);
        await store.SaveAsync(Built(batch, version, "v1", "một", [9]), default);
        await new EventRepository(_db, NoAnnouncements.Instance).AppendAsync([Event(batch.Id, "thêm")], _now, default);
        var later = await SourceVersion(batch);
        Assert.That(later, Is.GreaterThan(version), "an event raises the version");
        Assert.That(await store.SaveAsync(Built(batch, later, "v2", "hai", null), default), Is.True);
        Assert.That(await store.SaveAsync(Built(batch, version, "v0", "cũ", null), default), Is.False, "read before the stored one");
        Assert.That(await store.SaveAsync(Built(batch, later, "v3", "lại", null), default), Is.False, "same sources, same day: nothing to do");

        var page = await store.GetAsync(batch.Code, RecordStore.Part.PageVi, secondary: false, default);
        Assert.That((page!.ETag, System.Text.Encoding.UTF8.GetString(page.Body), page.Stale), Is.EqualTo(("v2", "<p>hai</p>", false)));
        Assert.That((await store.GetAsync(batch.Code, RecordStore.Part.Qr, secondary: false, default))!.Body, Is.EqualTo(new byte[] { 9 }), "no new image: the stored one stays");
        Assert.That(await store.ETagAsync(batch.Code, RecordStore.Part.Qr, default), Is.EqualTo("qr-v1"));

        Assert.That(await store.SaveAsync(Built(batch, later, "v4", "mai", null, Day.AddDays(1)), default), Is.True, "same sources, a later day");
    }

    [Test]
    public async Task PublicRecords_EveryWriteThatChangesWhatARecordShows_MarksItStale_InTheDatabase()
    {
        var (producer, _) = await NewProducer();
        var parent = await NewBatch(producer.Id);
        var child = await NewBatch(producer.Id, [new BatchParent(parent.Id, 2m)]);
        var store = new RecordStore(_db);
        Assert.That(await store.StaleInRangeAsync(0, await store.LastBatchSeqAsync(default), default), Does.Contain(child.Code), "a new batch is stale until built");

        await BuildCurrent(parent);
        await new EventRepository(_db, NoAnnouncements.Instance).AppendAsync([Event(parent.Id, "thu hoạch")], _now, default);
        Assert.That(await IsStale(parent), Is.True, "an event");

        await BuildCurrent(parent);
        await BuildCurrent(child);
        var products = new ProductRepository(_db);
        var product = (await products.GetAsync(parent.ProductId, default))!;
        await products.UpdateAsync(product with { Name = "Mật ong rừng (tên mới)", UpdatedAt = _now.AddMinutes(1) }, [], default);
        Assert.That((await IsStale(parent), await IsStale(child)), Is.EqualTo((true, true)), "a product edit: its batches and those made from them");

        await BuildCurrent(parent);
        await BuildCurrent(child);
        var authority = new Authority(Guid.CreateVersion7(), "Sở Nông nghiệp Thanh Hóa", AuthorityLevel.Province, "Thanh Hóa", _now);
        var key = ApiKey.New();
        await new AuthorityRepository(_db).CreateAsync(authority, Record(Role.Authority, authority.Id, key), ApiKey.Hash(key), default);
        await new CertificationRepository(_db, NoAnnouncements.Instance).CreateAsync(new OcopCertification(Guid.CreateVersion7(), parent.ProductId, authority.Id, 4,
            "QĐ-1", authority.Name, Day, Day.AddYears(3), _now), default);
        Assert.That((await IsStale(parent), await IsStale(child)), Is.EqualTo((true, false)), "a certification: the product's batches");

        await BuildCurrent(parent);
        await RecallAllAsync(_db, parent, "Nhiễm khuẩn", _now);
        Assert.That((await IsStale(parent), await IsStale(child)), Is.EqualTo((true, true)), "a recall: every affected batch");

        await BuildCurrent(parent);
        await BuildCurrent(child);
        Assert.That(await store.StaleInRangeAsync(0, await store.LastBatchSeqAsync(default), default), Does.Not.Contain(parent.Code).And.Not.Contain(child.Code));
        await store.MarkAllStaleAsync(default);
        Assert.That(await store.StaleInRangeAsync(0, await store.LastBatchSeqAsync(default), default), Does.Contain(parent.Code).And.Contain(child.Code));
        var last = await store.LastBatchSeqAsync(default);
        Assert.That(await store.StaleInRangeAsync(0, last, default), Does.Contain(parent.Code).And.Contain(child.Code), "what the worker finds");
    }

    [Test]
    public async Task PublicRecords_ARecordWhoseDayComes_IsDue()
    {
        var batch = await NewBatch();
        var store = new RecordStore(_db);
        await store.SaveAsync(Built(batch, await SourceVersion(batch), "v1", "x", [1], Day, changesOn: Day.AddDays(3)), default);
        var stored = (await store.GetAsync(batch.Code, RecordStore.Part.Json, secondary: false, default))!;
        Assert.That((stored.IsCurrentOn(Day.AddDays(2)), stored.IsCurrentOn(Day.AddDays(3))), Is.EqualTo((true, false)));
        Assert.That(await store.DueAsync(Day.AddDays(2), "", 100_000, default), Does.Not.Contain(batch.Code));
        Assert.That(await store.DueAsync(Day.AddDays(3), "", 100_000, default), Does.Contain(batch.Code));
    }

    [Test]
    public async Task PublicRecords_DueOnes_ComeAPageAtATimeInCodeOrder_EachOnce()
    {
        // Found through the changes_on index and sorted when few are due (the refresher asks every few seconds and nearly
        // always none is), by walking the codes when many are: either way the same keyset pages.
        var store = new RecordStore(_db);
        var due = new List<string>();
        var later = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            var batch = await NewBatch();
            await store.SaveAsync(Built(batch, await SourceVersion(batch), "v1", "x", [1], Day, changesOn: Day.AddDays(i < 5 ? 40 : 90)), default);
            (i < 5 ? due : later).Add(batch.Code);
        }
        var found = new List<string>();
        for (var page = await store.DueAsync(Day.AddDays(40), "", 2, default); page.Count > 0; page = await store.DueAsync(Day.AddDays(40), page[^1], 2, default))
        {
            Assert.That(page, Has.Count.LessThanOrEqualTo(2));
            found.AddRange(page);
        }
        Assert.That(found, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal), "in code order");
        Assert.That(found, Is.Unique);
        Assert.That(found, Is.SupersetOf(due), "every record whose day came");
        Assert.That(found, Has.None.AnyOf(later.ToArray()), "none whose day is still to come");
        Assert.That(await store.DueAsync(Day.AddDays(-400), "", 100, default), Is.Empty, "none due");
    }

    [Test]
    public async Task Identifiers_AreCaseSensitive_ALotNeverServesAnotherLotThatDiffersInCase()
    {
        var gtin = NewGtin();
        var (producer, _) = await NewProducer();
        var product = NewProductFor(producer.Id, gtin);
        await new ProductRepository(_db).CreateAsync(product, default);
        var batches = new BatchRepository(_db, NoAnnouncements.Instance);
        Batch Lot(string lot) => new(Guid.CreateVersion7(), product.Id, producer.Id, lot, TracingCode.New(), new DateOnly(2025, 11, 1), null, 1m, "KGM", null, _now);
        var upper = await batches.CreateAsync(Lot("AB1"), [], default);
        var lower = await batches.CreateAsync(Lot("ab1"), [], default);
        Assert.That(lower.Id, Is.Not.EqualTo(upper.Id), "two lots");

        var store = new RecordStore(_db);
        await store.SaveAsync(Built(upper, await SourceVersion(upper), "upper", "AB1", [1]), default);
        Assert.That(await store.GetByLotAsync(gtin, "ab1", RecordStore.Part.Json, secondary: false, default), Is.Null, "ab1 is not built yet: never AB1's");
        Assert.That(await new RecordSource(_db).CodeByLotAsync(gtin, "ab1", default), Is.EqualTo(lower.Code));
        Assert.That(await new RecordSource(_db).CodeByLotAsync(gtin, "Ab1", default), Is.Null);
        Assert.That((await store.GetByLotAsync(gtin, "AB1", RecordStore.Part.Json, secondary: false, default))!.Code, Is.EqualTo(upper.Code));
        Assert.That(await store.GetAsync(upper.Code.ToLowerInvariant(), RecordStore.Part.Json, secondary: false, default), Is.Null, "tracing codes too");
    }

    [Test]
    public async Task Scans_AreAddedToWhatIsStored_AndReadBesideEachPart()
    {
        var (a, b) = (await NewBatch(), await NewBatch());
        var store = new RecordStore(_db);
        await store.SaveAsync(Built(a, await SourceVersion(a), "v1", "a", [1]), default);
        await store.SaveAsync(Built(b, await SourceVersion(b), "v1", "b", [1]), default);
        var scans = new ScanRepository(_db);
        await scans.AddAsync([new(a.Id, 2, _now, _now.AddSeconds(1)), new(b.Id, 1, _now.AddSeconds(5), _now.AddSeconds(5))], default);
        await scans.AddAsync([new(a.Id, 3, _now.AddMinutes(1), _now.AddMinutes(2))], default);

        var readA = await store.GetAsync(a.Code, RecordStore.Part.PageVi, secondary: false, default);
        Assert.That((readA!.ScanCount, readA.FirstScannedAt), Is.EqualTo((5L, (DateTimeOffset?)_now)), "added to; the first scan stays");
        var readB = await store.GetAsync(b.Code, RecordStore.Part.Json, secondary: false, default);
        Assert.That((readB!.ScanCount, readB.FirstScannedAt), Is.EqualTo((1L, (DateTimeOffset?)_now.AddSeconds(5))));
        Assert.That(readB.Stale, Is.False, "scans do not make a record stale");
        Assert.That(await Count("SELECT SUM(scans) FROM product_scan_months WHERE product_id = @ProductId AND month = @Month",
            new { a.ProductId, Month = ScanRepository.Month(_now.AddMinutes(2)) }), Is.EqualTo(5), "the product's month, added to in the same transaction");

        // Two lots of one product in one flush add up to one row of its month (one MERGE source row on SQL Server).
        var sibling = await new BatchRepository(_db, NoAnnouncements.Instance).CreateAsync(a with { Id = Guid.CreateVersion7(), Code = TracingCode.New(), LotNumber = "L-2" }, [], default);
        await scans.AddAsync([new(a.Id, 1, _now, _now), new(sibling.Id, 4, _now, _now)], default);
        Assert.That(await Count("SELECT SUM(scans) FROM product_scan_months WHERE product_id = @ProductId AND month = @Month",
            new { a.ProductId, Month = ScanRepository.Month(_now) }), Is.EqualTo(10),
            "5 before, 1 + 4 now");
    }

    [Test]
    public async Task AProductsSearchNameSetAlone_LeavesItsRecordsCurrent_ItsNameDoesNot()
    {
        // The start-up backfill of search names (products written before the catalogue) must not mark every record stale.
        var batch = await NewBatch();
        var before = await Count("SELECT record_version FROM batches WHERE id = @Id", new { batch.Id });
        await using (var connection = await _db.OpenAsync(default))
            await connection.ExecuteAsync(_db.Sql("UPDATE products SET search_name = 'nuoc mam' WHERE id = @ProductId"), new { batch.ProductId });
        Assert.That(await Count("SELECT record_version FROM batches WHERE id = @Id", new { batch.Id }), Is.EqualTo(before));
        await using (var connection = await _db.OpenAsync(default))
            await connection.ExecuteAsync(_db.Sql("UPDATE products SET name = 'Nước mắm', search_name = 'nuoc mam' WHERE id = @ProductId"), new { batch.ProductId });
        Assert.That(await Count("SELECT record_version FROM batches WHERE id = @Id", new { batch.Id }), Is.EqualTo(before + 1), "the name is on the record");
    }

    [Test]
    public async Task Leases_OneHolderAtATime_UntilItExpiresOrIsReleased()
    {
        var leases = new LeaseRepository(_db);
        var name = "test-" + Guid.NewGuid().ToString("N")[..8];
        Assert.That(await leases.TryAcquireAsync(name, "a", _now, TimeSpan.FromMinutes(5), default), Is.True);
        Assert.That(await leases.TryAcquireAsync(name, "b", _now.AddMinutes(1), TimeSpan.FromMinutes(5), default), Is.False, "a holds it");
        Assert.That(await leases.TryAcquireAsync(name, "a", _now.AddMinutes(1), TimeSpan.FromMinutes(5), default), Is.True, "a renews");
        Assert.That(await leases.TryAcquireAsync(name, "b", _now.AddMinutes(7), TimeSpan.FromMinutes(5), default), Is.True, "a's expired");
        await leases.ReleaseAsync(name, "b", default);
        Assert.That(await leases.TryAcquireAsync(name, "a", _now.AddMinutes(8), TimeSpan.FromMinutes(5), default), Is.True, "released");
    }

    [Test]
    public async Task Backlog_CountsRecordsWaitingToBeRebuilt_AsTheyAreMarkedAndBuilt()
    {
        var backlog = new BacklogRepository(_db);
        var before = await backlog.SampleAsync(default);
        var batch = await NewBatchWithGtin(NewGtin(), "BL-" + TracingCode.New()[..6]);
        Assert.That((await backlog.SampleAsync(default)).StaleRecords, Is.EqualTo(before.StaleRecords + 1), "a new batch's record waits for its first build");
        await BuildCurrent(batch);
        var built = await backlog.SampleAsync(default);
        Assert.That(built.StaleRecords, Is.EqualTo(before.StaleRecords));
        Assert.That((built.BrokenChains, built.UnauditedEvents), Is.EqualTo((before.BrokenChains, before.UnauditedEvents)), "nothing appended, nothing audited");
    }
}
