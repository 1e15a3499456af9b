using NUnit.Framework;
using Traceability.Infrastructure.Webhooks;
using Traceability.Domain;
using Traceability.Domain.Serials;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Tests.Repositories;

/// <summary>Item serials: issued, found, voided, scanned and PIN-checked the same way on every database.</summary>
public abstract partial class RepositoryContract
{
    private static readonly Dictionary<Guid, long> NoUnissued = [];
    private const int CopyThreshold = 3;

    private async Task<(Batch Batch, SerialIssueRepository.Issue Issue, List<string> Serials)> IssueSerials(int count, bool withPin, string? key = null)
    {
        var batch = await NewBatchWithGtin(NewGtin(), "S-" + TracingCode.New()[..6]);
        var serials = Enumerable.Range(0, count).Select(_ => ItemSerial.New()).ToList();
        var issue = new SerialIssueRepository.Issue(Guid.CreateVersion7(), 0, batch.Id, count, withPin, _now, "h1");
        var seq = await new SerialIssueRepository(_db, NoAnnouncements.Instance).IssueAsync(issue, key, serials, default);
        return (batch, issue with { Seq = seq }, serials);
    }

    [Test]
    public async Task Serials_AreFoundByTheirText_AndComeBackInTheirFilesOrder()
    {
        var (batch, issue, serials) = await IssueSerials(25_000, withPin: true, key: "k-1");  // more than one chunk on each database
        var repository = new ItemRepository(_db);
        var issues = new SerialIssueRepository(_db, NoAnnouncements.Instance);
        var item = await repository.FindAsync(serials[1234], default);
        Assert.That(item, Is.Not.Null);
        Assert.That((item!.BatchId, item.WithPin, item.VoidedAt, item.Activity), Is.EqualTo((batch.Id, true, (DateTimeOffset?)null, ItemActivity.None)));
        Assert.That(await repository.FindAsync(serials[1234].ToLowerInvariant() == serials[1234] ? "nope" : serials[1234].ToLowerInvariant(), default), Is.Null,
            "serials are exact: case matters");

        var back = new List<string>();
        await foreach (var (position, serial, voided) in issues.SerialsAsync(issue.Seq, default))
        {
            Assert.That((position, voided), Is.EqualTo((back.Count + 1, false)));
            back.Add(serial);
        }
        Assert.That(back, Is.EqualTo(serials), "the printer's file comes back in the same order");
        Assert.That((await issues.FindByKeyAsync(batch.Id, "k-1", default))?.Id, Is.EqualTo(issue.Id));
        Assert.That((await issues.ListIssuesAsync(batch.Id, default)).Select(i => i.Count), Is.EqualTo(new[] { 25_000 }));
    }

    [Test]
    public async Task ASerialIssuedTwice_StoresNothing()
    {
        var (batch, _, serials) = await IssueSerials(10, withPin: false);
        var again = new SerialIssueRepository.Issue(Guid.CreateVersion7(), 0, batch.Id, 2, false, _now, null);
        Assert.ThrowsAsync<SerialIssueRepository.DuplicateSerialException>(() => new SerialIssueRepository(_db, NoAnnouncements.Instance).IssueAsync(again, null, [ItemSerial.New(), serials[3]], default));
        Assert.That((await new SerialIssueRepository(_db, NoAnnouncements.Instance).ListIssuesAsync(batch.Id, default)), Has.Count.EqualTo(1), "the failed issue left no row");
    }

    [Test]
    public async Task Voiding_TakesARangeOrAList_OfThisBatchOnly()
    {
        var (batch, issue, serials) = await IssueSerials(50, withPin: false);
        var (other, _, otherSerials) = await IssueSerials(5, withPin: false);
        var repository = new ItemRepository(_db);
        var issues = new SerialIssueRepository(_db, NoAnnouncements.Instance);
        Assert.That(await issues.VoidAsync(batch.Id, issue.Id, 11, 20, [serials[0], otherSerials[0]], _now, default), Is.EqualTo(11),
            "positions 11–20 and the first serial; not the other batch's");
        Assert.That((await repository.FindAsync(serials[10], default))!.VoidedAt, Is.Not.Null);
        Assert.That((await repository.FindAsync(serials[20], default))!.VoidedAt, Is.Null);
        Assert.That((await repository.FindAsync(otherSerials[0], default))!.VoidedAt, Is.Null);
        Assert.That(await issues.VoidAsync(other.Id, issue.Id, 1, 50, [], _now, default), Is.Zero, "another batch cannot void this issue");
    }

    [Test]
    public async Task Scans_AddUp_OnlyForIssuedSerials()
    {
        var (_, _, serials) = await IssueSerials(3, withPin: false);
        var repository = new ItemRepository(_db);
        var issues = new SerialIssueRepository(_db, NoAnnouncements.Instance);
        var made = ItemSerial.New();
        await repository.AddScansAsync([new(serials[0], 2, _now, _now.AddMinutes(1)), new(made, 5, _now, _now)], NoUnissued, CopyThreshold, _now, default);
        await repository.AddScansAsync([new(serials[0], 1, _now.AddDays(1), _now.AddDays(1))], NoUnissued, CopyThreshold, _now, default);
        var activity = (await repository.FindAsync(serials[0], default))!.Activity;
        Assert.That((activity.ScanCount, activity.FirstScannedAt, activity.LastScannedAt), Is.EqualTo((3L, (DateTimeOffset?)_now, (DateTimeOffset?)_now.AddDays(1))));
        Assert.That(await repository.FindAsync(made, default), Is.Null, "a made-up serial stays unknown and stores nothing");
    }

    [Test]
    public async Task Scans_AddTheirLotsCounterfeitSignals_EachCopiedItemOnce()
    {
        var (batch, _, serials) = await IssueSerials(3, withPin: true);
        var repository = new ItemRepository(_db);
        await new SerialIssueRepository(_db, NoAnnouncements.Instance).VoidAsync(batch.Id, null, 0, 0, [serials[2]], _now, default);
        await repository.AddScansAsync([new(serials[0], 2, _now, _now) { Clients = ["aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"] }, new(serials[2], 4, _now, _now)],
            new Dictionary<Guid, long> { [batch.Id] = 7 }, CopyThreshold, _now, default);
        await repository.AddScansAsync([new(serials[0], 1, _now, _now) { Clients = ["cccccccccccccccc"] }, new(serials[1], 1, _now, _now)], NoUnissued, CopyThreshold, _now, default);
        await repository.AddScansAsync([new(serials[0], 1, _now, _now) { Clients = ["dddddddddddddddd"] }], NoUnissued, CopyThreshold, _now, default);
        for (var i = 0; i < PinPolicy.Default.ClientFailures; i++)
            await repository.RecordPinAsync(serials[1], "eeeeeeeeeeeeeeee", false, PinPolicy.Default, _now, default);
        var line = (await new OversightRepository(_db).SignalsAsync(null, default)).Single(l => l.ProductId == batch.ProductId);
        Assert.That((line.CopiedItems, line.PinFailures, line.Lockouts, line.UnissuedScans, line.VoidedScans, line.FirstItemScans), Is.EqualTo((1L, 5L, 1L, 7L, 4L, 2L)),
            "item 0 past 3 clients once; 5 wrong PINs, 1 lock-out; 7 made-up scans; the voided item's 4 scans; items 0 and 1 scanned first");
    }

    [Test]
    public async Task Scans_CountEachClientOnce_UpToTheCap()
    {
        var (_, _, serials) = await IssueSerials(1, withPin: false);
        var repository = new ItemRepository(_db);
        var issues = new SerialIssueRepository(_db, NoAnnouncements.Instance);
        await repository.AddScansAsync([new(serials[0], 50, _now, _now) { Clients = ["aaaaaaaaaaaaaaaa"] }], NoUnissued, CopyThreshold, _now, default);
        await repository.AddScansAsync([new(serials[0], 2, _now, _now) { Clients = ["aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"] }], NoUnissued, CopyThreshold, _now, default);
        var activity = (await repository.FindAsync(serials[0], default))!.Activity;
        Assert.That((activity.ScanCount, activity.DistinctClients), Is.EqualTo((52L, 2)), "52 scans, two clients");
        // A flush brings at most 16 clients an item (ItemScanCounter); the cap may be passed by one flush's, no more.
        for (var flush = 0; flush < 10; flush++)
            await repository.AddScansAsync([new(serials[0], 16, _now, _now) { Clients = Enumerable.Range(flush * 16, 16).Select(i => i.ToString("x16")).ToArray() }], NoUnissued, CopyThreshold, _now, default);
        Assert.That((await repository.FindAsync(serials[0], default))!.Activity.DistinctClients, Is.InRange(ItemRepository.MaxSightings, ItemRepository.MaxSightings + 15));
    }

    [Test]
    public async Task Pins_AStrangersWrongEntriesPauseTheStranger_NotTheItem()
    {
        var (batch, _, serials) = await IssueSerials(2, withPin: true);
        var repository = new ItemRepository(_db);
        var issues = new SerialIssueRepository(_db, NoAnnouncements.Instance);
        var policy = PinPolicy.Default;
        const string shopper = "1111111111111111", stranger = "2222222222222222";
        Assert.That((await repository.RecordPinAsync(serials[0], shopper, true, policy, _now, default)).Outcome, Is.EqualTo(PinOutcome.FirstVerification));
        var again = await repository.RecordPinAsync(serials[0], shopper, true, policy, _now.AddHours(3), default);
        Assert.That(again, Is.EqualTo((PinOutcome.VerifiedBefore, (DateTimeOffset?)_now)));

        for (var i = 0; i < policy.ClientFailures; i++)
            Assert.That((await repository.RecordPinAsync(serials[1], stranger, false, policy, _now, default)).Outcome, Is.EqualTo(PinOutcome.Wrong));
        var paused = await repository.RecordPinAsync(serials[1], stranger, true, policy, _now.AddMinutes(1), default);
        Assert.That(paused, Is.EqualTo((PinOutcome.ClientPaused, (DateTimeOffset?)(_now + policy.ClientPause))), "the stranger is paused");
        Assert.That((await repository.RecordPinAsync(serials[1], shopper, true, policy, _now.AddMinutes(1), default)).Outcome,
            Is.EqualTo(PinOutcome.FirstVerification), "the shopper holding the item is not");
        var figures = await repository.ActivityAsync(batch.Id, 8, 10, default);
        Assert.That((figures.PinFailures, figures.Lockouts, figures.Verified), Is.EqualTo((5L, 1L, 2L)));
        Assert.That(figures.Top[0].Serial, Is.EqualTo(serials[1]));
    }
}
