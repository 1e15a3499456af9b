using NUnit.Framework;
using Traceability.Infrastructure.Webhooks;
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
        return await new BatchRepository(_db, NoAnnouncements.Instance).CreateAsync(batch, parents ?? [], default);
    }

    private static NewEvent Event(Guid batchId, string note, Guid? corrects = null) => new(batchId, EventType.Harvesting,
        new DateTimeOffset(2025, 11, 20, 6, 30, 15, 456, TimeSpan.FromHours(7)).AddTicks(1234),
        new EventLocation("Đồi chè", 19.9312345, 105.48, "8935049500018"), "Tổ 2", note,
        new Dictionary<string, string> { ["độẨm"] = "80%" }, [new EventCertificate("VietGAP", "VG-1", "TT", new DateOnly(2027, 1, 1), "https://example.vn/c")], corrects);

    [Test]
    public async Task Events_ChainSurvivesTheRoundTrip_AndVerifies()
    {
        var batch = await NewBatch();
        var events = new EventRepository(_db, NoAnnouncements.Instance);
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

    /// <summary>A page of EPCIS events reads its batches in a few statements: each read answers what the single reads do.</summary>
    [Test]
    public async Task ManyBatches_ReadAtOnce_AnswerAsOneAtATime()
    {
        var parent = await NewBatch();
        var child = await NewBatch(parent.ProducerId, [new BatchParent(parent.Id, 2m)]);
        var events = new EventRepository(_db, NoAnnouncements.Instance);
        var recorded = await events.AppendAsync([Event(parent.Id, "một"), Event(child.Id, "hai"), Event(parent.Id, "ba")], _now, default);
        var fix = (await events.AppendAsync([Event(parent.Id, "sửa", corrects: recorded[0].Id)], _now, default))[0];
        Guid[] ids = [parent.Id, child.Id, Guid.CreateVersion7()];

        var chains = new[] { parent.Id, child.Id }.ToDictionary(id => id, id => events.ChainAsync(id, default).Result.ToDictionary(e => e.Id, e => e.Hash));
        var many = await events.ManyAsync([recorded[0].Id, recorded[1].Id, fix.Id, Guid.CreateVersion7()], corrections: false, default);
        Assert.That(many.Select(e => (e.Id, e.Hash)), Is.EquivalentTo(new[] { recorded[0], recorded[1], fix }.Select(e => (e.Id, chains[e.BatchId][e.Id]))),
            "each event named, as its chain has it; a missing one is left out");
        Assert.That((await events.ManyAsync([recorded[0].Id, recorded[2].Id], corrections: true, default)).Select(e => e.Id), Is.EqualTo(new[] { fix.Id }),
            "the events correcting those named");
        var batches = await new BatchRepository(_db, NoAnnouncements.Instance).GetManyAsync(ids, default);
        Assert.That(batches.Keys, Is.EquivalentTo(new[] { parent.Id, child.Id }), "a missing batch is left out");
        var products = await new ProductRepository(_db).GetManyAsync(batches.Values.Select(b => b.ProductId).ToList(), default);
        Assert.That(products.Keys, Is.EquivalentTo(batches.Values.Select(b => b.ProductId).Distinct()));
        var parents = await new LineageRepository(_db).ParentsOfManyAsync(ids, default);
        Assert.That(parents[child.Id], Is.EqualTo(await new LineageRepository(_db).ParentsAsync(child.Id, default)));
        Assert.That(parents[parent.Id], Is.Empty);
        Assert.That(await new EpcisRepository(_db).FieldsOfEventsAsync([recorded[0].Id, fix.Id], default), Is.Empty, "nothing was captured");
    }

    [Test]
    public async Task Events_ConcurrentAppends_SerialiseWithoutGaps()
    {
        var batch = await NewBatch();
        var events = new EventRepository(_db, NoAnnouncements.Instance);
        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(() => events.AppendAsync([Event(batch.Id, $"e{i}")], _now, default))));
        var chain = await events.ChainAsync(batch.Id, default);
        Assert.That(chain.Select(e => e.Sequence), Is.EqualTo(Enumerable.Range(1, 30).Select(i => (long)i)));
        Assert.That(HashChain.FirstInvalid(chain), Is.Null);
    }

    [Test]
    public async Task Events_UnknownBatch_AppendsNothing()
    {
        var batch = await NewBatch();
        var events = new EventRepository(_db, NoAnnouncements.Instance);
        Assert.ThrowsAsync<NotFoundException>(() => events.AppendAsync([Event(batch.Id, "ok"), Event(Guid.NewGuid(), "lost")], _now, default));
        Assert.That(await events.ChainAsync(batch.Id, default), Is.Empty, "all or nothing");
    }

    private static readonly RecallIssuer Issuer = new(RecallIssuerRole.Authority, Guid.NewGuid(), "Sở NN", AuthorityLevel.National);

    /// <summary>A recall run to its end, as the request and the worker run it: started, then stepped until no work is left.</summary>
    internal static async Task<Recall> RecallAllAsync(Database db, Batch root, string reason, DateTimeOffset now)
    {
        var recalls = new RecallRepository(db, new EventRepository(db, NoAnnouncements.Instance), NoAnnouncements.Instance);
        var recall = await recalls.StartAsync(root, reason, Issuer, now, default);
        while (await recalls.StepAsync(recall.Seq, now, default) > 0) { }
        return (await recalls.GetAsync(recall.Id, default))!;
    }

    private static async Task<List<LineageNode>> AllAsync(LineageRepository lineage, Guid id, LineageRepository.Direction direction, int limit = 7)
    {
        var all = new List<LineageNode>();
        LineageRepository.Position? after = null;
        do
        {
            var (nodes, next) = await lineage.PageAsync(id, direction, after, limit, default);
            all.AddRange(nodes);
            after = next;
        } while (after is not null);
        return all;
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
        Assert.That((await AllAsync(lineage, grandchild.Id, LineageRepository.Direction.Ancestors)).Select(n => (n.BatchId, n.Depth)),
            Is.EqualTo(new[] { (child.Id, 1), (root.Id, 2), (other.Id, 2) }));
        Assert.That((await AllAsync(lineage, root.Id, LineageRepository.Direction.Descendants)).Select(n => (n.BatchId, n.Depth)),
            Is.EqualTo(new[] { (child.Id, 1), (grandchild.Id, 2) }));

        var recall = await RecallAllAsync(_db, root, "Lý do", _now);
        Assert.That((recall.AffectedCount, recall.NewlyRecalledCount, recall.Status), Is.EqualTo((3L, 3L, "complete")));
        var batches = new BatchRepository(_db, NoAnnouncements.Instance);
        Assert.That((await batches.GetAsync(grandchild.Id, default))!.RecallReason, Is.EqualTo("Lý do"));
        Assert.That((await batches.GetAsync(other.Id, default))!.RecalledAt, Is.Null);
        var chain = await new EventRepository(_db, NoAnnouncements.Instance).ChainAsync(grandchild.Id, default);
        Assert.That(chain.Single().Type, Is.EqualTo(EventType.Recalling));
        var again = await RecallAllAsync(_db, root, "Lại", _now);
        Assert.That((again.AffectedCount, again.NewlyRecalledCount), Is.EqualTo((3L, 0L)), "a recalled batch stays recalled, once");
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

        var down = await AllAsync(lineage, generations[0].Id, LineageRepository.Direction.Descendants);
        Assert.That(down.Select(n => n.BatchId), Is.EqualTo(generations.Skip(1).Select(b => b.Id)), "each once, nearest first, across pages");
        Assert.That(down.Select(n => n.Depth), Is.EqualTo(Enumerable.Range(1, 39).Select(k => (k + 1) / 2)), "the shortest path's length");
        var up = await AllAsync(lineage, generations[39].Id, LineageRepository.Direction.Ancestors);
        Assert.That(up.Select(n => n.BatchId), Is.EquivalentTo(generations.Take(39).Select(b => b.Id)));

        var recall = await RecallAllAsync(_db, generations[0], "Lý do", _now);
        Assert.That((recall.AffectedCount, recall.NewlyRecalledCount), Is.EqualTo((40L, 40L)), "every generation");
        var reached = await new RecallRepository(_db, new EventRepository(_db, NoAnnouncements.Instance), NoAnnouncements.Instance).ReachedAsync(recall.Seq, 0, 100, default);
        Assert.That(reached.Items.Select(r => r.BatchId), Is.EqualTo(generations.Select(b => b.Id)), "in registration order");
        Assert.That(reached.Items.Select(r => r.Depth), Is.EqualTo(Enumerable.Range(0, 40).Select(k => (k + 1) / 2)));
    }

    [Test]
    public async Task Recall_AChainDeeperThanAnyLimit_ReachesTheBottom_AndAWithdrawalReleasesOnlyWhatNoOtherRecallCovers()
    {
        var (producer, _) = await NewProducer();
        var chain = new List<Batch> { await NewBatch(producer.Id) };
        for (var g = 1; g < 70; g++) chain.Add(await NewBatch(producer.Id, [new BatchParent(chain[^1].Id, null)]));
        var recalls = new RecallRepository(_db, new EventRepository(_db, NoAnnouncements.Instance), NoAnnouncements.Instance);
        var batches = new BatchRepository(_db, NoAnnouncements.Instance);

        var lower = await RecallAllAsync(_db, chain[40], "Lô 41 nhiễm khuẩn", _now);
        var top = await RecallAllAsync(_db, chain[0], "Lô gốc nhiễm khuẩn", _now);
        Assert.That((top.AffectedCount, top.NewlyRecalledCount, lower.AffectedCount), Is.EqualTo((70L, 40L, 30L)));
        Assert.That((await batches.GetAsync(chain[69].Id, default))!.RecalledAt, Is.Not.Null, "the 70th batch, depth 69");

        Assert.That(await recalls.WithdrawAsync(top.Seq, new RecallWithdrawal(_now, Guid.NewGuid(), "Bộ NN", "Kết quả kiểm nghiệm lại đạt"), default), Is.True);
        Assert.That(await recalls.WithdrawAsync(top.Seq, new RecallWithdrawal(_now, Guid.NewGuid(), "Bộ NN", "Lần hai"), default), Is.False);
        while (await recalls.StepAsync(top.Seq, _now, default) > 0) { }
        var withdrawn = (await recalls.GetAsync(top.Id, default))!;
        Assert.That((withdrawn.Status, withdrawn.ReleasedCount), Is.EqualTo(("withdrawn", 40L)));
        Assert.That((await batches.GetAsync(chain[39].Id, default))!.RecalledAt, Is.Null, "released: no other recall covers it");
        Assert.That((await batches.GetAsync(chain[40].Id, default))!.RecalledAt, Is.Not.Null, "the lower recall still stands");
        Assert.That((await batches.GetAsync(chain[69].Id, default))!.RecalledAt, Is.Not.Null);
        var story = await new EventRepository(_db, NoAnnouncements.Instance).ChainAsync(chain[0].Id, default);
        Assert.That(story.Select(e => e.Type), Is.EqualTo(new[] { EventType.Recalling, EventType.RecallWithdrawn }), "both, in order");
        Assert.That(story[1].Note, Is.EqualTo("Kết quả kiểm nghiệm lại đạt"));
        Assert.That((await recalls.ReachingAsync(chain[50].Id, default)).Select(r => r.Status), Is.EqualTo(new[] { "complete", "withdrawn" }));
    }

    [Test]
    public async Task IdempotencyKeys_ReserveReplayMismatchAndExpire()
    {
        var keys = new IdempotencyRepository(_db);
        var account = $"producer:{Guid.NewGuid()}";
        byte[] hash = [1, 2, 3], other = [4, 5, 6];
        var life = TimeSpan.FromHours(24);
        var abandon = TimeSpan.FromMinutes(2);
        var first = IdempotencyRepository.Claim.New(null);
        var retry = IdempotencyRepository.Claim.New(null);

        Assert.That((await keys.ReserveAsync(account, "k", hash, _now, life, abandon, first, default)).Outcome, Is.EqualTo(IdempotencyRepository.Outcome.Reserved));
        Assert.That((await keys.ReserveAsync(account, "k", hash, _now, life, abandon, retry, default)).Outcome, Is.EqualTo(IdempotencyRepository.Outcome.InProgress));
        Assert.That((await keys.ReserveAsync(account, "k", other, _now, life, abandon, retry, default)).Outcome, Is.EqualTo(IdempotencyRepository.Outcome.Mismatch));
        await using (var connection = await _db.OpenAsync(default))
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await keys.CompleteAsync(connection, transaction, account, "k", first, new IdempotencyRepository.Stored(201, "/x", [7, 8]), default);
            await _db.CommitAsync(transaction, default);
        }
        var (outcome, stored) = await keys.ReserveAsync(account, "k", hash, _now.AddHours(23), life, abandon, retry, default);
        Assert.That(outcome, Is.EqualTo(IdempotencyRepository.Outcome.Replay));
        Assert.That(stored, Is.Not.Null);
        Assert.That((stored!.StatusCode, stored.Location, stored.Body), Is.EqualTo((201, "/x", new byte[] { 7, 8 })));
        Assert.That((await keys.ReserveAsync(account, "k", other, _now.AddHours(25), life, abandon, retry, default)).Outcome, Is.EqualTo(IdempotencyRepository.Outcome.Reserved), "expired");

        Assert.That((await keys.ReserveAsync(account, "gone", hash, _now, life, abandon, retry, default)).Outcome, Is.EqualTo(IdempotencyRepository.Outcome.Reserved));
        Assert.That((await keys.ReserveAsync(account, "gone", hash, _now.AddMinutes(3), life, abandon, retry, default)).Outcome, Is.EqualTo(IdempotencyRepository.Outcome.Reserved), "abandoned");
        await keys.ReleaseAsync(account, "gone", retry, default);
        Assert.That((await keys.ReserveAsync(account, "gone", other, _now, life, abandon, retry, default)).Outcome, Is.EqualTo(IdempotencyRepository.Outcome.Reserved), "released");
        Assert.That(await keys.SweepAsync(_now.AddDays(3), life, default), Is.GreaterThanOrEqualTo(2));
    }

    [Test]
    public async Task IdempotencyKeys_AResponseStoredInARolledBackWrite_IsNotKept()
    {
        var keys = new IdempotencyRepository(_db);
        var account = $"producer:{Guid.NewGuid()}";
        byte[] hash = [1, 2, 3];
        var claim = IdempotencyRepository.Claim.New(null);
        Assert.That((await keys.ReserveAsync(account, "k", hash, _now, TimeSpan.FromHours(24), TimeSpan.FromMinutes(2), claim, default)).Outcome,
            Is.EqualTo(IdempotencyRepository.Outcome.Reserved));
        await using (var connection = await _db.OpenAsync(default))
        await using (var transaction = await connection.BeginTransactionAsync())
            await keys.CompleteAsync(connection, transaction, account, "k", claim, new IdempotencyRepository.Stored(201, null, [1]), default);
        Assert.That((await keys.ReserveAsync(account, "k", hash, _now, TimeSpan.FromHours(24), TimeSpan.FromMinutes(2), claim, default)).Outcome,
            Is.EqualTo(IdempotencyRepository.Outcome.InProgress), "still pending: the write and its response went together");
    }

    [Test]
    public async Task IdempotencyKeys_HeldByAProcessWhoseLeaseRanOut_AreTakenOverAtOnce_AndOnlyTheHolderCompletesThem()
    {
        var keys = new IdempotencyRepository(_db);
        var leases = new LeaseRepository(_db);
        var account = $"producer:{Guid.NewGuid()}";
        byte[] hash = [1, 2, 3];
        var life = TimeSpan.FromHours(24);
        var abandon = TimeSpan.FromMinutes(2);
        var alive = $"process:{Guid.NewGuid():N}";
        var dead = $"process:{Guid.NewGuid():N}";
        await leases.TryAcquireAsync(alive, alive, _now, TimeSpan.FromSeconds(6), default);
        await leases.TryAcquireAsync(dead, dead, _now.AddSeconds(-20), TimeSpan.FromSeconds(6), default);

        var living = IdempotencyRepository.Claim.New(alive);
        Assert.That((await keys.ReserveAsync(account, "a", hash, _now, life, abandon, living, default)).Outcome, Is.EqualTo(IdempotencyRepository.Outcome.Reserved));
        Assert.That((await keys.ReserveAsync(account, "a", hash, _now.AddSeconds(1), life, abandon, IdempotencyRepository.Claim.New(null), default)).Outcome,
            Is.EqualTo(IdempotencyRepository.Outcome.InProgress), "its process is alive: the request still runs");

        var orphan = IdempotencyRepository.Claim.New(dead);
        Assert.That((await keys.ReserveAsync(account, "d", hash, _now, life, abandon, orphan, default)).Outcome, Is.EqualTo(IdempotencyRepository.Outcome.Reserved));
        var retry = IdempotencyRepository.Claim.New(alive);
        Assert.That((await keys.ReserveAsync(account, "d", hash, _now.AddSeconds(1), life, abandon, retry, default)).Outcome,
            Is.EqualTo(IdempotencyRepository.Outcome.Reserved), "its process's lease ran out: a retry takes the key over at once");

        // The process only seemed dead: its late completion must not commit beside the retry's.
        await using (var connection = await _db.OpenAsync(default))
        await using (var transaction = await connection.BeginTransactionAsync())
            Assert.ThrowsAsync<ConflictException>(() => keys.CompleteAsync(connection, transaction, account, "d", orphan, new IdempotencyRepository.Stored(201, null, [1]), default));
        await keys.ReleaseAsync(account, "d", orphan, default);
        Assert.That((await keys.ReserveAsync(account, "d", hash, _now.AddSeconds(2), life, abandon, IdempotencyRepository.Claim.New(alive), default)).Outcome,
            Is.EqualTo(IdempotencyRepository.Outcome.InProgress), "the stale request's release left the retry's reservation alone");
        await using (var connection = await _db.OpenAsync(default))
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await keys.CompleteAsync(connection, transaction, account, "d", retry, new IdempotencyRepository.Stored(201, "/r", [2]), default);
            await _db.CommitAsync(transaction, default);
        }
        Assert.That((await keys.ReserveAsync(account, "d", hash, _now.AddSeconds(3), life, abandon, IdempotencyRepository.Claim.New(alive), default)).Response!.Location,
            Is.EqualTo("/r"));
    }

    [Test]
    public async Task ProcessLeases_OfProcessesGoneForADay_AreForgotten_NotOthers()
    {
        var leases = new LeaseRepository(_db);
        var gone = $"process:{Guid.NewGuid():N}";
        var recent = $"process:{Guid.NewGuid():N}";
        var work = $"audit-{Guid.NewGuid():N}";
        await leases.TryAcquireAsync(gone, gone, _now.AddDays(-3), TimeSpan.FromSeconds(6), default);
        await leases.TryAcquireAsync(recent, recent, _now.AddHours(-2), TimeSpan.FromSeconds(6), default);
        await leases.TryAcquireAsync(work, work, _now.AddDays(-3), TimeSpan.FromSeconds(6), default);

        Assert.That(await leases.SweepProcessesAsync(_now.AddDays(-1), default), Is.GreaterThanOrEqualTo(1));
        await using var connection = await _db.OpenAsync(default);
        Task<long> Rows(string name) => Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "SELECT COUNT(*) FROM leases WHERE name = @Name", new { Name = name });
        Assert.That(await Rows(gone), Is.Zero, "a process gone for days is forgotten");
        Assert.That(await Rows(recent), Is.EqualTo(1), "one gone for hours is kept");
        Assert.That(await Rows(work), Is.EqualTo(1), "work leases are not processes'");
    }
}
