using System.Data.Common;
using Dapper;
using Traceability.Domain;

namespace Traceability.Infrastructure.Repositories;

public sealed class BatchRepository(Database db, Webhooks.IAnnouncements announce)
{
    internal const string Columns = """
        seq, id, product_id, producer_id, lot_number, code, produced_on, expires_on, quantity, unit,
        origin_name, origin_commune, origin_province, origin_latitude, origin_longitude, created_at, recalled_at, recall_reason
        """;

    private const string InsertSql = """
        INSERT INTO batches (id, product_id, producer_id, lot_number, code, produced_on, expires_on, quantity, unit,
            origin_name, origin_commune, origin_province, origin_latitude, origin_longitude, created_at)
        VALUES (@Id, @ProductId, @ProducerId, @LotNumber, @Code, @ProducedOn, @ExpiresOn, @Quantity, @Unit,
            @OriginName, @OriginCommune, @OriginProvince, @OriginLatitude, @OriginLongitude, @CreatedAt)
        """;

    private const string LotExistsSql = "SELECT COUNT(*) FROM batches WHERE product_id = @ProductId AND lot_number = @LotNumber";
    private const string InsertParentSql = "INSERT INTO batch_parents (child_id, parent_id, quantity) VALUES (@ChildId, @ParentId, @Quantity)";

    /// <summary>Stores a batch with the batches it was made from, in one transaction. A duplicate lot of the same product
    /// is a <see cref="ConflictException"/>; a clash of the random tracing code (about one in 10^9 per batch at a
    /// million batches) draws a new code. Lineage links are only written with a new batch, so they cannot form a cycle.</summary>
    public async Task<Batch> CreateAsync(Batch batch, IReadOnlyList<BatchParent> parents, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        batch = await CreateAsync(connection, transaction, batch, parents, ct);
        await db.CommitAsync(transaction, ct);
        return batch;
    }

    /// <summary>What one producer may register: batches per day (0: no limit), and batches made from one batch of another
    /// producer. Counted in the creating transaction, so concurrent requests cannot both take the last place.</summary>
    public sealed record Quota(int BatchesPerDay, int ChildrenPerForeignBatch, DateOnly Day, TimeSpan UntilTomorrow);

    private const string CountTodaySql = "UPDATE account_counters SET count = count + 1 WHERE account_id = @Account AND counter = 'batches' AND day = @Day";
    private const string StartTodaySql = "INSERT INTO account_counters (account_id, counter, day, count) VALUES (@Account, 'batches', @Day, 1)";
    private const string TodaySql = "SELECT count FROM account_counters WHERE account_id = @Account AND counter = 'batches' AND day = @Day";

    private const string ChildrenOfForeignSql = """
        SELECT COUNT(*) FROM batch_parents bp JOIN batches c ON c.id = bp.child_id WHERE bp.parent_id = @Parent AND c.producer_id = @Producer
        """;

    // Checked again inside the transaction: a recall that marked a parent after the request read it must not miss this batch.
    private const string RecalledParentsSql = "SELECT code FROM batches WHERE id IN @Ids AND recalled_at IS NOT NULL";

    /// <summary>As above, inside the caller's transaction (a request's, with its stored idempotent response); a clash of
    /// tracing codes rolls back to a savepoint and draws again.</summary>
    public async Task<Batch> CreateAsync(DbConnection connection, DbTransaction transaction, Batch batch, IReadOnlyList<BatchParent> parents, CancellationToken ct,
        Quota? quota = null)
    {
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(LotExistsSql), new { batch.ProductId, batch.LotNumber }, transaction, cancellationToken: ct)) > 0)
            throw new ConflictException($"Lot '{batch.LotNumber}' already exists for this product.");
        if (quota is not null) await CheckQuotaAsync(connection, transaction, batch, parents, quota, ct);
        if (parents.Count > 0 && (await connection.QueryAsync<string>(new CommandDefinition(db.Sql(RecalledParentsSql),
                new { Ids = parents.Select(p => p.ParentId).ToList() }, transaction, cancellationToken: ct))).FirstOrDefault() is { } recalled)
            throw new ConflictException($"Batch {recalled} was recalled meanwhile and cannot be used.");
        for (var attempt = 0; ; attempt++)
        {
            await transaction.SaveAsync("new_batch", ct);
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertSql), Parameters(batch), transaction, cancellationToken: ct));
                await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertParentSql),
                    parents.Select(p => new { ChildId = batch.Id, p.ParentId, p.Quantity }), transaction, cancellationToken: ct));
                await announce.BatchCreatedAsync(connection, transaction, batch, parents, ct);
                return batch;
            }
            catch (Exception e) when (db.Dialect.IsUniqueViolation(e))
            {
                await transaction.RollbackAsync("new_batch", ct);
                var lotTaken = await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(LotExistsSql),
                    new { batch.ProductId, batch.LotNumber }, transaction, cancellationToken: ct)) > 0;
                if (lotTaken) throw new ConflictException($"Lot '{batch.LotNumber}' already exists for this product.");
                if (attempt == 3) throw;
                batch = batch with { Code = TracingCode.New() };
            }
        }
    }

    private const string ParentOwnerSql = "SELECT producer_id AS ProducerId, code AS Code FROM batches WHERE id = @Id";

    private sealed class ParentOwner
    {
        public Guid ProducerId { get; set; }
        public string Code { get; set; } = "";
    }

    private async Task CheckQuotaAsync(DbConnection connection, DbTransaction transaction, Batch batch, IReadOnlyList<BatchParent> parents, Quota quota,
        CancellationToken ct)
    {
        CommandDefinition Command(string sql, object args) => new(db.Sql(sql), args, transaction, cancellationToken: ct);
        foreach (var parent in parents)
        {
            var owner = await connection.QuerySingleAsync<ParentOwner>(Command(ParentOwnerSql, new { Id = parent.ParentId }));
            if (owner.ProducerId == batch.ProducerId) continue;
            if (await connection.ExecuteScalarAsync<long>(Command(ChildrenOfForeignSql, new { Parent = parent.ParentId, Producer = batch.ProducerId })) >= quota.ChildrenPerForeignBatch)
                throw new UnprocessableException($"You have made {quota.ChildrenPerForeignBatch} batches from another producer's batch {owner.Code}, "
                                                 + "the most one producer may (Quotas:ChildrenPerForeignBatch); ask the operator if your production really needs more.");
        }
        if (quota.BatchesPerDay <= 0) return;
        var args = new { Account = batch.ProducerId, quota.Day };
        if (await connection.ExecuteAsync(Command(CountTodaySql, args)) == 0) await connection.ExecuteAsync(Command(StartTodaySql, args));
        if (await connection.ExecuteScalarAsync<long>(Command(TodaySql, args)) > quota.BatchesPerDay)
            throw new QuotaExceededException($"This producer has registered {quota.BatchesPerDay} batches today, the most it may a day (Quotas:BatchesPerDay); "
                                             + "more can be registered from midnight, Vietnam time.", quota.UntilTomorrow);
    }

    private static object Parameters(Batch b) => new
    {
        b.Id, b.ProductId, b.ProducerId, b.LotNumber, b.Code, b.ProducedOn, b.ExpiresOn, b.Quantity, b.Unit,
        OriginName = b.Origin?.Name, OriginCommune = b.Origin?.Commune, OriginProvince = b.Origin?.Province,
        OriginLatitude = b.Origin?.Latitude, OriginLongitude = b.Origin?.Longitude, b.CreatedAt,
    };

    private const string OwnedSql = "SELECT id FROM batches WHERE producer_id = @ProducerId AND id IN @Ids";

    /// <summary>Which of <paramref name="ids"/> are the producer's batches, in one statement per 500 (a phone's bulk sync
    /// names dozens).</summary>
    public async Task<IReadOnlySet<Guid>> OwnedAsync(Guid producerId, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var owned = new HashSet<Guid>();
        if (ids.Count == 0) return owned;
        await using var connection = await db.OpenAsync(ct);
        foreach (var part in ids.Distinct().Chunk(500))
            owned.UnionWith(await connection.QueryAsync<Guid>(new CommandDefinition(db.Sql(OwnedSql), new { ProducerId = producerId, Ids = part }, cancellationToken: ct)));
        return owned;
    }

    private const string GetSql = $"SELECT {Columns} FROM batches WHERE id = @Id";

    public async Task<Batch?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(db.Sql(GetSql), new { Id = id }, cancellationToken: ct));
        return row?.ToBatch();
    }

    private const string GetManySql = $"SELECT {Columns} FROM batches WHERE id IN @Ids";

    /// <summary>The batches named (a page's worth, at most ~2,000 ids), by id; missing ones are left out.</summary>
    public async Task<IReadOnlyDictionary<Guid, Batch>> GetManyAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return new Dictionary<Guid, Batch>();
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(db.Sql(GetManySql), new { Ids = ids }, cancellationToken: ct));
        return rows.Select(r => r.ToBatch()).ToDictionary(b => b.Id);
    }

    private const string GetByCodeSql = $"SELECT {Columns} FROM batches WHERE code = @Code";

    public async Task<Batch?> GetByCodeAsync(string code, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(db.Sql(GetByCodeSql), new { Code = code }, cancellationToken: ct));
        return row?.ToBatch();
    }

    private const string ListByProducerSql = $"SELECT {{top}} {Columns} FROM batches WHERE producer_id = @ProducerId AND seq > @After ORDER BY seq {{limit}}";
    private const string ListByProductSql = $"SELECT {{top}} {Columns} FROM batches WHERE product_id = @ProductId AND seq > @After ORDER BY seq {{limit}}";
    private const string ListAllSql = $"SELECT {{top}} {Columns} FROM batches WHERE seq > @After ORDER BY seq {{limit}}";

    /// <summary>Keyset page in registration order, of one product's batches, one producer's, or all.</summary>
    public async Task<Page<Batch>> ListAsync(Guid? producerId, Guid? productId, long after, int limit, CancellationToken ct)
    {
        var sql = productId is not null ? ListByProductSql : producerId is not null ? ListByProducerSql : ListAllSql;
        await using var connection = await db.OpenAsync(ct);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(db.Sql(sql),
            new { ProducerId = producerId, ProductId = productId, After = after, Limit = limit + 1 }, cancellationToken: ct))).AsList();
        return Paging.ToPage(rows, limit, r => r.Seq, r => r.ToBatch());
    }

    internal sealed class Row
    {
        public long Seq { get; set; }
        public Guid Id { get; set; }
        public Guid ProductId { get; set; }
        public Guid ProducerId { get; set; }
        public string LotNumber { get; set; } = "";
        public string Code { get; set; } = "";
        public DateOnly ProducedOn { get; set; }
        public DateOnly? ExpiresOn { get; set; }
        public decimal? Quantity { get; set; }
        public string? Unit { get; set; }
        public string? OriginName { get; set; }
        public string? OriginCommune { get; set; }
        public string? OriginProvince { get; set; }
        public double? OriginLatitude { get; set; }
        public double? OriginLongitude { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? RecalledAt { get; set; }
        public string? RecallReason { get; set; }

        public Batch ToBatch() => new(Id, ProductId, ProducerId, LotNumber, Code, ProducedOn, ExpiresOn, Quantity, Unit,
            OriginName is null ? null : new BatchOrigin(OriginName, OriginCommune, OriginProvince, OriginLatitude, OriginLongitude),
            CreatedAt, RecalledAt, RecallReason);
    }
}
