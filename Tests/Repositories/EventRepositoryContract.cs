using NUnit.Framework;
using Traceability.Domain;
using Traceability.Domain.Events;
using Traceability.Infrastructure;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Tests.Repositories;

/// <summary>Events, lineage, recall and idempotency keys: the same contract on every database.</summary>
public abstract partial class RepositoryContract
{
    private async Task<Batch> NewBatch(Guid? producerId = null, IReadOnlyList<BatchParent>? parents = null)
    {
        producerId ??= (await NewProducer()).Producer.Id;
        var product = NewProductFor(producerId.Value);
        await new ProductRepository(_db).CreateAsync(product, default);
        var batch = new Batch(Guid.CreateVersion7(), product.Id, producerId.Value, "L-" + TracingCode.New()[..6], TracingCode.New(),
            new DateOnly(2025, 11, 1), null, 10m, "KGM", null, _now);
        return await new BatchRepository(_db).CreateAsync(batch, parents ?? [], default);
    }

    private static NewEvent Event(Guid batchId, string note, Guid? corrects = null) => new(batchId, EventType.Harvesting,
        new DateTimeOffset(2025, 11, 20, 6, 30, 15, 456, TimeSpan.FromHours(7)).AddTicks(1234),
        new EventLocation("Đồi chè", 19.9312345, 105.48, "8935049500018"), "Tổ 2", note,
        new Dictionary<string, string> { ["độẨm"] = "80%" }, [new EventCertificate("VietGAP", "VG-1", "TT", new DateOnly(2027, 1, 1), "https://example.vn/c")], corrects);

    [Test]
    public async Task Events_ChainSurvivesTheRoundTrip_AndVerifies()
    {
        var batch = await NewBatch();
        var events = new EventRepository(_db);
        var recorded = await events.AppendAsync([Event(batch.Id, "một"), Event(batch.Id, "hai")], _now, default);
        var fix = await events.AppendAsync([Event(batch.Id, "sửa", recorded[0].Id)], _now.AddMinutes(1), default);

        var chain = await events.ChainAsync(batch.Id, default);
        Assert.That(chain.Select(e => e.Sequence), Is.EqualTo(new long[] { 1, 2, 3 }));
        Assert.That(chain.Select(e => e.Hash), Is.EqualTo(recorded.Concat(fix).Select(e => e.Hash)));
        Assert.That(HashChain.FirstInvalid(chain), Is.Null, "hashes recomputed from what the database returns");
        Assert.That(chain[0].OccurredAt, Is.EqualTo(SupplyChainEvent.Truncate(recorded[0].OccurredAt)));
        Assert.That(chain[0].OccurredAt.Offset, Is.EqualTo(TimeSpan.FromHours(7)));
        Assert.That(chain[2].Corrects, Is.EqualTo(recorded[0].Id));
        Assert.That(await events.GetAsync(batch.Id, recorded[1].Id, default), Is.Not.Null);
        Assert.That(await events.BatchesOfAsync([recorded[0].Id], default), Is.EqualTo(new Dictionary<Guid, Guid> { [recorded[0].Id] = batch.Id }));
        var page = await events.ListAsync(batch.Id, 1, 1, default);
        Assert.That(page.Items.Single().Sequence, Is.EqualTo(2));
        Assert.That(page.After, Is.EqualTo(2));
    }

    [Test]
    public async Task Events_ConcurrentAppends_SerialiseWithoutGaps()
    {
        var batch = await NewBatch();
        var events = new EventRepository(_db);
        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(() => events.AppendAsync([Event(batch.Id, $"e{i}")], _now, default))));
        var chain = await events.ChainAsync(batch.Id, default);
        Assert.That(chain.Select(e => e.Sequence), Is.EqualTo(Enumerable.Range(1, 30).Select(i => (long)i)));
        Assert.That(HashChain.FirstInvalid(chain), Is.Null);
    }

    [Test]
    public async Task Events_UnknownBatch_AppendsNothing()
    {
        var batch = await NewBatch();
        var events = new EventRepository(_db);
        Assert.ThrowsAsync<NotFoundException>(() => events.AppendAsync([Event(batch.Id, "ok"), Event(Guid.NewGuid(), "lost")], _now, default));
        Assert.That(await events.ChainAsync(batch.Id, default), Is.Empty, "all or nothing");
    }

    [Test]
    public async Task Lineage_AndRecall_FollowTheLinks()
    {
        var (producer, _) = await NewProducer();
        var root = await NewBatch(producer.Id);
        var other = await NewBatch(producer.Id);
        var child = await NewBatch(producer.Id, [new BatchParent(root.Id, 2.5m), new BatchParent(other.Id, null)]);
        var grandchild = await NewBatch(producer.Id, [new BatchParent(child.Id, 1m)]);
        var lineage = new LineageRepository(_db);

        Assert.That((await lineage.ParentsAsync(child.Id, default)).Select(p => (p.ParentId, p.Quantity)), Is.EqualTo(new[] { (root.Id, (decimal?)2.5m), (other.Id, null) }));
        Assert.That((await lineage.AncestorsAsync(grandchild.Id, default)).Select(n => (n.BatchId, n.Depth)), Is.EquivalentTo(new[] { (child.Id, 1), (root.Id, 2), (other.Id, 2) }));
        Assert.That((await lineage.DescendantsAsync(root.Id, default)).Select(n => (n.BatchId, n.Depth)), Is.EqualTo(new[] { (child.Id, 1), (grandchild.Id, 2) }));

        var recall = await new RecallRepository(_db, new EventRepository(_db), new LineageRepository(_db)).RecallAsync(root, "Lý do", "Sở NN", _now, default);
        Assert.That(recall.NewlyRecalledCodes, Is.EquivalentTo(new[] { root.Code, child.Code, grandchild.Code }));
        var batches = new BatchRepository(_db);
        Assert.That((await batches.GetAsync(grandchild.Id, default))!.RecallReason, Is.EqualTo("Lý do"));
        Assert.That((await batches.GetAsync(other.Id, default))!.RecalledAt, Is.Null);
        var chain = await new EventRepository(_db).ChainAsync(grandchild.Id, default);
        Assert.That(chain.Single().Type, Is.EqualTo(EventType.Recalling));
        var again = await new RecallRepository(_db, new EventRepository(_db), new LineageRepository(_db)).RecallAsync(root, "Lại", "Sở NN", _now, default);
        Assert.That(again.NewlyRecalledCodes, Is.Empty);
        Assert.That(again.AffectedCodes, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task Lineage_ALadderWhereEachBatchIsMadeFromTheTwoBefore_WalksEachBatchOnce_AtItsNearestDepth()
    {
        // 40 generations have ~10^8 paths from the first to the last, but only 40 batches.
        var (producer, _) = await NewProducer();
        var generations = new List<Batch> { await NewBatch(producer.Id) };
        generations.Add(await NewBatch(producer.Id, [new BatchParent(generations[0].Id, null)]));
        for (var g = 2; g < 40; g++)
            generations.Add(await NewBatch(producer.Id, [new BatchParent(generations[g - 1].Id, null), new BatchParent(generations[g - 2].Id, null)]));
        var lineage = new LineageRepository(_db);

        var down = await lineage.DescendantsAsync(generations[0].Id, default);
        Assert.That(down.Select(n => n.BatchId), Is.EqualTo(generations.Skip(1).Select(b => b.Id)), "each once, nearest first");
        Assert.That(down.Select(n => n.Depth), Is.EqualTo(Enumerable.Range(1, 39).Select(k => (k + 1) / 2)), "the shortest path's length");
        var up = await lineage.AncestorsAsync(generations[39].Id, default);
        Assert.That(up.Select(n => n.BatchId), Is.EquivalentTo(generations.Take(39).Select(b => b.Id)));

        var recall = await new RecallRepository(_db, new EventRepository(_db), lineage).RecallAsync(generations[0], "Lý do", "Sở NN", _now, default);
        Assert.That(recall.AffectedCodes, Is.EqualTo(generations.Select(b => b.Code)), "every generation, in registration order");
        Assert.That(recall.NewlyRecalledCodes, Has.Count.EqualTo(40));
    }

    [Test]
    public async Task Lineage_ReachingMoreBatchesThanTheCap_IsRefused()
    {
        var (producer, _) = await NewProducer();
        var root = await NewBatch(producer.Id);
        for (var i = 0; i < 6; i++) await NewBatch(producer.Id, [new BatchParent(root.Id, null)]);
        var lineage = new LineageRepository(_db);
        await using var connection = await _db.OpenAsync(default);
        Assert.That(await lineage.WalkAsync(connection, null, root.Id, LineageRepository.Direction.Descendants, 6, default), Has.Count.EqualTo(6));
        Assert.ThrowsAsync<UnprocessableException>(() => lineage.WalkAsync(connection, null, root.Id, LineageRepository.Direction.Descendants, 5, default));
    }

    [Test]
    public async Task IdempotencyKeys_ReserveReplayMismatchAndExpire()
    {
        var keys = new IdempotencyRepository(_db);
        var account = $"producer:{Guid.NewGuid()}";
        byte[] hash = [1, 2, 3], other = [4, 5, 6];
        var life = TimeSpan.FromHours(24);
        var abandon = TimeSpan.FromMinutes(2);

        Assert.That((await keys.ReserveAsync(account, "k", hash, _now, life, abandon, default)).Outcome, Is.EqualTo(IdempotencyRepository.Outcome.Reserved));
        Assert.That((await keys.ReserveAsync(account, "k", hash, _now, life, abandon, default)).Outcome, Is.EqualTo(IdempotencyRepository.Outcome.InProgress));
        Assert.That((await keys.ReserveAsync(account, "k", other, _now, life, abandon, default)).Outcome, Is.EqualTo(IdempotencyRepository.Outcome.Mismatch));
        await using (var connection = await _db.OpenAsync(default))
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await keys.CompleteAsync(connection, transaction, account, "k", new IdempotencyRepository.Stored(201, "/x", [7, 8]), default);
            await _db.CommitAsync(transaction, default);
        }
        var (outcome, stored) = await keys.ReserveAsync(account, "k", hash, _now.AddHours(23), life, abandon, default);
        Assert.That(outcome, Is.EqualTo(IdempotencyRepository.Outcome.Replay));
        Assert.That(stored, Is.Not.Null);
        Assert.That((stored!.StatusCode, stored.Location, stored.Body), Is.EqualTo((201, "/x", new byte[] { 7, 8 })));
        Assert.That((await keys.ReserveAsync(account, "k", other, _now.AddHours(25), life, abandon, default)).Outcome, Is.EqualTo(IdempotencyRepository.Outcome.Reserved), "expired");

        Assert.That((await keys.ReserveAsync(account, "gone", hash, _now, life, abandon, default)).Outcome, Is.EqualTo(IdempotencyRepository.Outcome.Reserved));
        Assert.That((await keys.ReserveAsync(account, "gone", hash, _now.AddMinutes(3), life, abandon, default)).Outcome, Is.EqualTo(IdempotencyRepository.Outcome.Reserved), "abandoned");
        await keys.ReleaseAsync(account, "gone", default);
        Assert.That((await keys.ReserveAsync(account, "gone", other, _now, life, abandon, default)).Outcome, Is.EqualTo(IdempotencyRepository.Outcome.Reserved), "released");
        Assert.That(await keys.SweepAsync(_now.AddDays(3), life, default), Is.GreaterThanOrEqualTo(2));
    }

    [Test]
    public async Task IdempotencyKeys_AResponseStoredInARolledBackWrite_IsNotKept()
    {
        var keys = new IdempotencyRepository(_db);
        var account = $"producer:{Guid.NewGuid()}";
        byte[] hash = [1, 2, 3];
        Assert.That((await keys.ReserveAsync(account, "k", hash, _now, TimeSpan.FromHours(24), TimeSpan.FromMinutes(2), default)).Outcome,
            Is.EqualTo(IdempotencyRepository.Outcome.Reserved));
        await using (var connection = await _db.OpenAsync(default))
        await using (var transaction = await connection.BeginTransactionAsync())
            await keys.CompleteAsync(connection, transaction, account, "k", new IdempotencyRepository.Stored(201, null, [1]), default);
        Assert.That((await keys.ReserveAsync(account, "k", hash, _now, TimeSpan.FromHours(24), TimeSpan.FromMinutes(2), default)).Outcome,
            Is.EqualTo(IdempotencyRepository.Outcome.InProgress), "still pending: the write and its response went together");
    }
}
