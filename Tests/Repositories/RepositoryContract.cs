using NUnit.Framework;
using Traceability.Infrastructure.Webhooks;
using Traceability.Domain;
using Traceability.Infrastructure;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Tests.Repositories;

/// <summary>One contract for every database: each provider is a thin subclass that supplies a migrated dialect.</summary>
public abstract partial class RepositoryContract
{
    private Database _db = null!;
    private readonly DateTimeOffset _now = new(2025, 11, 20, 9, 30, 15, 123, TimeSpan.FromHours(7));

    protected abstract ISqlDialect CreateDialect();
    protected virtual void DropDatabase() { }

    [OneTimeSetUp]
    public void Migrate()
    {
        TypeHandlers.Register();
        var dialect = CreateDialect();
        dialect.Migrate(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        _db = new Database(dialect);
    }

    [OneTimeTearDown] public void Drop() => DropDatabase();

    private static readonly ProducerRepository.ActBy Registrar = new(Role.Admin, null, "admin");

    /// <summary>A producer deactivated and reactivated by an authority: the producer, the caller its key resolves to, and the
    /// acts (who, when, why) all say so; doing either twice changes and records nothing.</summary>
    [Test]
    public async Task Producers_Deactivated_AndReactivated_WithEveryActKept()
    {
        var (producer, key) = await NewProducer();
        var producers = new ProducerRepository(_db);
        var office = new ProducerRepository.ActBy(Role.Authority, Guid.CreateVersion7(), "Văn phòng OCOP tỉnh Thanh Hóa");
        Assert.That(await producers.SetActiveAsync(producer.Id, false, office, "Ngừng sản xuất", _now.AddDays(1), default), Is.True);
        Assert.That(await producers.SetActiveAsync(producer.Id, false, office, "lần nữa", _now.AddDays(2), default), Is.False, "already inactive");
        Assert.That((await producers.GetAsync(producer.Id, default))!.Deactivation, Is.EqualTo(new ProducerDeactivation(_now.AddDays(1), "Ngừng sản xuất")));
        var caller = (await new ApiKeyRepository(_db).FindCallerAsync(ApiKey.Hash(key), default))!.Value.Caller;
        Assert.That(caller.WriteRefusal, Does.Contain("Ngừng sản xuất"), "its key reads, and is refused writes");

        Assert.That(await producers.SetActiveAsync(producer.Id, true, office, "Đã khắc phục", _now.AddDays(3), default), Is.True);
        Assert.That((await producers.GetAsync(producer.Id, default))!.IsActive, Is.True);
        var acts = await producers.ActsAsync(producer.Id, default);
        Assert.That(acts.Select(a => (a.Act, a.ByName, a.Reason)), Is.EqualTo(new[]
        {
            (ProducerActKind.Registered, "admin", (string?)null),
            (ProducerActKind.Deactivated, office.Name, "Ngừng sản xuất"),
            (ProducerActKind.Reactivated, office.Name, "Đã khắc phục"),
        }));
        Assert.That(acts[1].ById, Is.EqualTo(office.Id));
    }

    private async Task<(Producer Producer, string Key)> NewProducer(string name = "Hợp tác xã Nông nghiệp Xuân Lập")
    {
        var producer = new Producer(Guid.CreateVersion7(), name, ProducerKind.CooperativeGroup, "2801234567-001",
            new Address("Thôn Phú Xá", "Xã Xuân Lập", "Thanh Hóa", "15967", "38"), "0237 3850 123", "htx@example.vn", _now);
        var key = ApiKey.New();
        await new ProducerRepository(_db).CreateAsync(producer, Record(Role.Producer, producer.Id, key), ApiKey.Hash(key), Registrar, default);
        return (producer, key);
    }

    private ApiKeyRecord Record(Role role, Guid? owner, string key) => new(Guid.CreateVersion7(), role, owner, ApiKey.Hint(key), _now, null);

    private Product NewProductFor(Guid producerId, string? gtin = null) => new(Guid.CreateVersion7(), producerId, "Mật ong rừng Bá Thước",
        "Wild honey", gtin, ProductCategory.Food, "Mô tả có dấu: ắ ằ ẳ ẵ ặ đ", ["VietGAP", "TCVN 12605:2019"], 730, "https://example.vn/a.jpg", _now, _now);

    private static string NewGtin()
    {
        var data = "893" + Random.Shared.NextInt64(0, 999_999_999).ToString("D9");
        Gtin.TryNormalize(data + Gtin.CheckDigit(data), out var gtin14);
        return gtin14;
    }

    [Test]
    public async Task Producer_RoundTrips_WithVietnameseTextAndOffset()
    {
        var (producer, _) = await NewProducer("Hợp tác xã Dịch vụ Nông nghiệp Đông Sơn — ỹ ữ ự");
        var read = await new ProducerRepository(_db).GetAsync(producer.Id, default);
        Assert.That(read, Is.EqualTo(producer));
        Assert.That(read!.CreatedAt.Offset, Is.EqualTo(TimeSpan.FromHours(7)));
    }

    [Test]
    public async Task ApiKey_FindsCallerByHash_UntilRevoked()
    {
        var (producer, key) = await NewProducer();
        var keys = new ApiKeyRepository(_db);
        Assert.That((await keys.FindCallerAsync(ApiKey.Hash(key), default))?.Caller, Is.EqualTo(new Caller(Role.Producer, producer.Id)));

        var other = ApiKey.New();
        var record = Record(Role.Producer, producer.Id, other);
        await keys.CreateAsync(record, ApiKey.Hash(other), default);
        Assert.That((await keys.FindCallerAsync(ApiKey.Hash(other), default))?.KeyId, Is.EqualTo(record.Id));
        Assert.That(await keys.RevokeAsync(producer.Id, record.Id, _now, default), Is.EqualTo(ApiKeyRepository.RevokeOutcome.Revoked));
        Assert.That(await keys.RevokeAsync(producer.Id, record.Id, _now, default), Is.EqualTo(ApiKeyRepository.RevokeOutcome.AlreadyRevoked),
            "revoking twice is harmless");
        Assert.That(await keys.RevokeAsync(Guid.NewGuid(), record.Id, _now, default), Is.EqualTo(ApiKeyRepository.RevokeOutcome.NotFound), "only the owner's key");
        Assert.That(await keys.FindCallerAsync(ApiKey.Hash(other), default), Is.Null);
        Assert.That(await keys.FindCallerAsync(ApiKey.Hash(key), default), Is.Not.Null);
        var first = (await keys.ListAsync(producer.Id, default))[0];
        Assert.That(await keys.RevokeAsync(producer.Id, first.Id, _now, default), Is.EqualTo(ApiKeyRepository.RevokeOutcome.LastFullKey),
            "the account's last key with every scope and no expiry stays");
        Assert.That(await keys.FindCallerAsync(ApiKey.Hash(key), default), Is.Not.Null);
    }

    [Test]
    public async Task ApiKey_CreateWithinCap_StopsAtTheActiveKeys_ExpiredAndRevokedNotCounted()
    {
        var (producer, _) = await NewProducer();
        var keys = new ApiKeyRepository(_db);
        ApiKeyRecord Key(DateTimeOffset? expires = null) => Record(Role.Producer, producer.Id, ApiKey.New()) with { ExpiresAt = expires, Scopes = "read" };
        var expired = Key(_now.AddMinutes(-1));
        await keys.CreateAsync(expired, ApiKey.Hash(ApiKey.New()), default);
        var second = Key();
        Assert.That(await keys.CreateWithinCapAsync(second, ApiKey.Hash(ApiKey.New()), 2, default), Is.True, "1 active (the first) + the expired one");
        Assert.That(await keys.CreateWithinCapAsync(Key(), ApiKey.Hash(ApiKey.New()), 2, default), Is.False, "2 active: full");
        await keys.RevokeAsync(producer.Id, second.Id, _now, default);
        Assert.That(await keys.CreateWithinCapAsync(Key(), ApiKey.Hash(ApiKey.New()), 2, default), Is.True, "a revoked key frees its place");
    }

    [Test]
    public async Task Authority_KeyCarriesItsLevel()
    {
        var authority = new Authority(Guid.CreateVersion7(), "Bộ Nông nghiệp và Môi trường", AuthorityLevel.National, null, _now);
        var key = ApiKey.New();
        await new AuthorityRepository(_db).CreateAsync(authority, Record(Role.Authority, authority.Id, key), ApiKey.Hash(key), default);
        Assert.That((await new ApiKeyRepository(_db).FindCallerAsync(ApiKey.Hash(key), default))?.Caller,
            Is.EqualTo(new Caller(Role.Authority, authority.Id, AuthorityLevel.National)));
        Assert.That(await new AuthorityRepository(_db).GetAsync(authority.Id, default), Is.EqualTo(authority));
    }

    [Test]
    public async Task Product_CreateUpdateAndGtinUniqueness()
    {
        var (producer, _) = await NewProducer();
        var products = new ProductRepository(_db);
        var gtin = NewGtin();
        var product = NewProductFor(producer.Id, gtin);
        await products.CreateAsync(product, default);

        var read = await products.GetAsync(product.Id, default);
        Assert.That(read!.Standards, Is.EqualTo(product.Standards));
        Assert.That(read with { Standards = product.Standards }, Is.EqualTo(product));

        Assert.ThrowsAsync<ConflictException>(() => products.CreateAsync(NewProductFor(producer.Id, gtin), default));
        await products.CreateAsync(NewProductFor(producer.Id), default);
        await products.CreateAsync(NewProductFor(producer.Id), default);

        var changed = product with { Name = "Mật ong bạc hà", Gtin = null, Standards = [], UpdatedAt = _now.AddDays(1) };
        await products.UpdateAsync(changed, [], default);
        var after = await products.GetAsync(product.Id, default);
        Assert.That(after!.Name, Is.EqualTo("Mật ong bạc hà"));
        Assert.That(after.Gtin, Is.Null);
        Assert.That(after.UpdatedAt, Is.EqualTo(changed.UpdatedAt));
        Assert.That(await products.GetGtinsAsync([product.Id], default), Is.Empty);
    }

    [Test]
    public async Task Products_KeysetPages_CoverAllInOrder()
    {
        var (producer, _) = await NewProducer();
        var products = new ProductRepository(_db);
        var ids = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            var p = NewProductFor(producer.Id);
            await products.CreateAsync(p, default);
            ids.Add(p.Id);
        }

        var seen = new List<Guid>();
        long after = 0;
        while (true)
        {
            var page = await products.ListAsync(producer.Id, after, 3, default);
            seen.AddRange(page.Items.Select(p => p.Id));
            if (page.After is null) break;
            after = page.After.Value;
        }
        Assert.That(seen, Is.EqualTo(ids));
    }

    [Test]
    public async Task Certifications_ListNewestFirst_WithDates()
    {
        var (producer, _) = await NewProducer();
        var product = NewProductFor(producer.Id);
        await new ProductRepository(_db).CreateAsync(product, default);
        var authority = new Authority(Guid.CreateVersion7(), "Hội đồng OCOP tỉnh Thanh Hóa", AuthorityLevel.Province, "Thanh Hóa", _now);
        var key = ApiKey.New();
        await new AuthorityRepository(_db).CreateAsync(authority, Record(Role.Authority, authority.Id, key), ApiKey.Hash(key), default);
        var certs = new CertificationRepository(_db, NoAnnouncements.Instance);
        var old = new OcopCertification(Guid.CreateVersion7(), product.Id, authority.Id, 3, "1520/QĐ-UBND", "UBND huyện Bá Thước",
            new DateOnly(2021, 3, 1), new DateOnly(2024, 3, 1), _now);
        var recent = old with { Id = Guid.CreateVersion7(), Stars = 4, DecisionNumber = "3981/QĐ-UBND", IssuedOn = new DateOnly(2025, 10, 15), ValidUntil = new DateOnly(2028, 10, 15) };
        await certs.CreateAsync(old, default);
        await certs.CreateAsync(recent, default);

        Assert.That(await certs.ListForProductAsync(product.Id, default), Is.EqualTo(new[] { recent, old }));
    }

    [Test]
    public async Task Batch_RoundTrips_ByIdAndCode_DuplicateLotConflicts()
    {
        var (producer, _) = await NewProducer();
        var product = NewProductFor(producer.Id);
        await new ProductRepository(_db).CreateAsync(product, default);
        var batches = new BatchRepository(_db, NoAnnouncements.Instance);
        var batch = new Batch(Guid.CreateVersion7(), product.Id, producer.Id, "MO-2025/A", TracingCode.New(), new DateOnly(2025, 11, 1),
            new DateOnly(2027, 11, 1), 1234.567m, "KGM", new BatchOrigin("Rừng Lũng Cao", "Xã Lũng Cao", "Thanh Hóa", 20.37, 105.14), _now);
        await batches.CreateAsync(batch, [], default);

        Assert.That(await batches.GetAsync(batch.Id, default), Is.EqualTo(batch));
        Assert.That(await batches.GetByCodeAsync(batch.Code, default), Is.EqualTo(batch));
        Assert.ThrowsAsync<ConflictException>(() => batches.CreateAsync(batch with { Id = Guid.CreateVersion7(), Code = TracingCode.New() }, [], default));

        var bare = batch with { Id = Guid.CreateVersion7(), LotNumber = "B2", Code = TracingCode.New(), ExpiresOn = null, Quantity = null, Unit = null, Origin = null };
        await batches.CreateAsync(bare, [], default);
        Assert.That(await batches.GetAsync(bare.Id, default), Is.EqualTo(bare));

        var page = await batches.ListAsync(null, product.Id, 0, 10, default);
        Assert.That(page.Items.Select(b => b.Id), Is.EqualTo(new[] { batch.Id, bare.Id }));
        Assert.That((await batches.ListAsync(producer.Id, null, 0, 1, default)).After, Is.Not.Null);
    }

    [Test]
    public async Task Batch_CodeClash_DrawsANewCode()
    {
        var (producer, _) = await NewProducer();
        var product = NewProductFor(producer.Id);
        await new ProductRepository(_db).CreateAsync(product, default);
        var batches = new BatchRepository(_db, NoAnnouncements.Instance);
        var first = await batches.CreateAsync(new Batch(Guid.CreateVersion7(), product.Id, producer.Id, "C1", TracingCode.New(),
            new DateOnly(2025, 1, 1), null, null, null, null, _now), [], default);

        var second = await batches.CreateAsync(first with { Id = Guid.CreateVersion7(), LotNumber = "C2" }, [], default);

        Assert.That(second.Code, Is.Not.EqualTo(first.Code));
        Assert.That((await batches.GetByCodeAsync(second.Code, default))!.Id, Is.EqualTo(second.Id));
    }
}
