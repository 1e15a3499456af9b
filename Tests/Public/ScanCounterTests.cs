using NUnit.Framework;
using Traceability.Api.PublicRecords;
using Traceability.Api.PublicRecords.Scans;
using Traceability.Infrastructure.PublicRecords;

namespace Traceability.Tests.Public;

/// <summary>The in-memory side of scan counting: what a view shows while tallies wait, are written, or fail.</summary>
public sealed class ScanCounterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 8, 0, 0, TimeSpan.Zero);

    [Test]
    public void DrainedTallies_StayShownUntilWritten_AndFailedOnesAreCountedAgain()
    {
        var counter = new ScanCounter();
        var (a, b) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        counter.Record(a, T0);
        counter.Record(a, T0.AddSeconds(1));
        counter.Record(b, T0.AddSeconds(2));

        var drained = new List<ScanRepository.Tally>();
        counter.Drain(drained);
        Assert.That(drained.Single(t => t.BatchId == a), Is.EqualTo(new ScanRepository.Tally(a, 2, T0, T0.AddSeconds(1))));
        counter.Record(a, T0.AddSeconds(3));
        Assert.That(counter.Pending(a), Is.EqualTo((3L, (DateTimeOffset?)T0)), "in flight and new scans both shown");

        counter.Written(drained.Where(t => t.BatchId == a));
        counter.Restore(drained.Where(t => t.BatchId == b));
        Assert.That(counter.Pending(a).Count, Is.EqualTo(1), "the written two are the database's now");
        Assert.That(counter.Pending(b), Is.EqualTo((1L, (DateTimeOffset?)T0.AddSeconds(2))));

        var next = new List<ScanRepository.Tally>();
        counter.Drain(next);
        Assert.That(next.Select(t => (t.BatchId, t.Count)), Is.EquivalentTo(new[] { (a, 1L), (b, 1L) }), "the failed tally goes with the next flush");
    }

    [Test]
    public void IdleTallies_AreDropped_AndABatchScannedAgainCountsFromZero()
    {
        var counter = new ScanCounter();
        var a = Guid.CreateVersion7();
        counter.Record(a, T0);
        var drained = new List<ScanRepository.Tally>();
        counter.Drain(drained);
        counter.Written(drained);
        for (var i = 0; i < 10; i++) counter.Drain([]);
        Assert.That(counter.TrackedBatches, Is.EqualTo(1), "kept while recently scanned");
        for (var i = 0; i < 100; i++) counter.Drain([]);
        Assert.That(counter.TrackedBatches, Is.EqualTo(0), "dropped after a minute of flushes without scans");
        Assert.That(counter.Pending(a), Is.EqualTo((0L, (DateTimeOffset?)null)));

        counter.Record(a, T0.AddHours(1));
        var again = new List<ScanRepository.Tally>();
        counter.Drain(again);
        Assert.That(again, Is.EqualTo(new[] { new ScanRepository.Tally(a, 1, T0.AddHours(1), T0.AddHours(1)) }));
    }
}
