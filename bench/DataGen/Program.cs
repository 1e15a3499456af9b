// Generates a realistic benchmark database through the production schema and the production hash chain:
// producers with API keys, products (half with GTINs), OCOP certifications, batches with lineage, and ~10 events
// per batch. Writes the request lists the load scripts pick from.
//   dotnet Traceability.Bench.DataGen.dll --db data/large.db --out data/large --batches 100000 --producers 2000 --products 10000
using System.Diagnostics;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Traceability.Bench.DataGen;
using Traceability.Domain;
using Traceability.Domain.Events;
using Traceability.Infrastructure;
using Traceability.Infrastructure.Repositories;
using Traceability.Infrastructure.Sqlite;

var options = Options.Parse(args);
var clock = Stopwatch.StartNew();
foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(options.Db + suffix);
Directory.CreateDirectory(options.Out);
TypeHandlers.Register();
var dialect = new SqliteDialect($"Data Source={options.Db}");
dialect.Migrate(NullLogger.Instance);
var db = new Database(dialect);
// The real announcer: a fresh database has no subscriptions, so it writes nothing (one small read per append).
var events = new EventRepository(db, new Traceability.Api.Webhooks.Announcer(new Traceability.Infrastructure.Webhooks.WebhookOutbox(db),
    new Traceability.Api.PublicRecords.Building.PublicLinks(Microsoft.Extensions.Options.Options.Create(new Traceability.Api.Hosting.TraceabilityOptions())),
    new LotHolderRepository(db)));
var random = new Random(20251129);
var now = new DateTimeOffset(2025, 11, 29, 8, 0, 0, VietnamTime.Offset);
var plan = new Plan(options, random);

await using var connection = (SqliteConnection)await db.OpenAsync(default);
await connection.ExecuteAsync("PRAGMA synchronous = OFF; PRAGMA cache_size = -200000;");

// Accounts, products and certifications.
await using (var tx = await connection.BeginTransactionAsync())
{
    var national = Guid.CreateVersion7();
    var province = Guid.CreateVersion7();
    await connection.ExecuteAsync("INSERT INTO authorities (id, name, level, province, created_at) VALUES (@Id, @Name, @Level, @Province, @Now)",
        new[] { new { Id = national, Name = "Bộ Nông nghiệp và Môi trường", Level = "national", Province = (string?)null, Now = now },
                new { Id = province, Name = "Hội đồng OCOP tỉnh Thanh Hóa", Level = "province", Province = (string?)"Thanh Hóa", Now = now } }, tx);
    await connection.ExecuteAsync("""
        INSERT INTO producers (id, name, kind, tax_code, address_line, commune, province, commune_code, province_code, phone, email, created_at)
        VALUES (@Id, @Name, @Kind, @TaxCode, @Line, @Commune, @Province, NULL, '38', @Phone, NULL, @Now)
        """, plan.Producers.Select(p => new { p.Id, p.Name, p.Kind, p.TaxCode, p.Line, p.Commune, Province = "Thanh Hóa", p.Phone, Now = now }), tx);
    await connection.ExecuteAsync("INSERT INTO api_keys (id, key_hash, role, owner_id, hint, created_at) VALUES (@Id, @Hash, 'producer', @Owner, @Hint, @Now)",
        plan.Producers.Select(p => new { Id = Guid.CreateVersion7(), Hash = ApiKey.Hash(p.Key), Owner = p.Id, Hint = ApiKey.Hint(p.Key), Now = now }), tx);
    await connection.ExecuteAsync("""
        INSERT INTO products (id, producer_id, name, name_en, gtin, category, description, standards, shelf_life_days, image_url, created_at, updated_at,
            search_name)
        VALUES (@Id, @ProducerId, @Name, @NameEn, @Gtin, @Category, @Description, @Standards, @ShelfLifeDays, NULL, @Now, @Now, @SearchName)
        """, plan.Products.Select(p => new { p.Id, p.ProducerId, p.Name, p.NameEn, p.Gtin, p.Category, p.Description, p.Standards, p.ShelfLifeDays, Now = now,
            SearchName = Text.Fold(p.Name) }), tx);
    await connection.ExecuteAsync("""
        INSERT INTO ocop_certifications (id, product_id, authority_id, stars, decision_number, issued_by, issued_on, valid_until, created_at)
        VALUES (@Id, @ProductId, @AuthorityId, @Stars, @Decision, @IssuedBy, @IssuedOn, @ValidUntil, @Now)
        """, plan.Products.SelectMany(p => p.Certifications).Select(c => new
        {
            Id = Guid.CreateVersion7(), c.ProductId, AuthorityId = c.Stars == 5 ? national : province, c.Stars, c.Decision,
            IssuedBy = c.Stars == 5 ? "Bộ Nông nghiệp và Môi trường" : "UBND tỉnh Thanh Hóa", c.IssuedOn, ValidUntil = c.IssuedOn.AddMonths(36), Now = now,
        }), tx);
    await tx.CommitAsync();
}
Console.WriteLine($"accounts, {plan.Products.Count} products: {clock.Elapsed.TotalSeconds:F1} s");

// Batches with lineage, then their events through the production hash chain, in chunks of 2,000 batches.
var totalEvents = 0L;
foreach (var chunk in plan.Batches.Chunk(2000))
{
    await using var tx = await connection.BeginTransactionAsync();
    await connection.ExecuteAsync("""
        INSERT INTO batches (id, product_id, producer_id, lot_number, code, produced_on, expires_on, quantity, unit,
            origin_name, origin_commune, origin_province, origin_latitude, origin_longitude, created_at)
        VALUES (@Id, @ProductId, @ProducerId, @Lot, @Code, @ProducedOn, @ExpiresOn, @Quantity, 'KGM', @OriginName, @Commune, 'Thanh Hóa', @Lat, @Lon, @Now)
        """, chunk.Select(b => new { b.Id, b.ProductId, b.ProducerId, b.Lot, b.Code, b.ProducedOn, b.ExpiresOn, b.Quantity, b.OriginName, b.Commune, b.Lat, b.Lon, Now = now }), tx);
    await connection.ExecuteAsync("INSERT INTO batch_parents (child_id, parent_id, quantity) VALUES (@Child, @Parent, @Quantity)",
        chunk.SelectMany(b => b.Parents.Select(p => new { Child = b.Id, Parent = p, Quantity = 10m })), tx);
    // Events are appended the way they arrive in real life: step 1 of every batch, then step 2 of every batch, and so on,
    // so that a batch's events are not written side by side by accident.
    var stories = chunk.Select(b => plan.Story(b).ToList()).ToList();
    for (var step = 0; step < stories.Max(s => s.Count); step++)
    {
        var round = stories.Where(s => step < s.Count).Select(s => s[step]).ToList();
        await events.AppendAsync(connection, tx, round, now, default);
        totalEvents += round.Count;
    }
    await tx.CommitAsync();
}
Console.WriteLine($"{plan.Batches.Count} batches, {totalEvents} events: {clock.Elapsed.TotalSeconds:F1} s");
// What the OCOP office's reports read beyond batches and certifications, at a province's scale: 12 months of scans per
// product (product_scan_months, as the scan flush keeps them), each lot's counterfeit signals (lot_signals), a recall of 1 lot in 100
// (the recalls table only: the report reads it, the pages are not rebuilt for it) and 10,000 shoppers' reports.
await using (var tx = await connection.BeginTransactionAsync())
{
    var today = VietnamTime.Today(DateTimeOffset.UtcNow);  // the last 12 months as the report reads them on the day the benchmark runs
    var months = Enumerable.Range(0, 12).Select(i => new DateOnly(today.Year, today.Month, 1).AddMonths(-i)).Select(d => d.Year * 100 + d.Month).ToArray();
    foreach (var month in months)
        await connection.ExecuteAsync("INSERT INTO product_scan_months (product_id, month, scans) SELECT product_id, @Month, SUM(abs(random() % 40)) FROM batches GROUP BY product_id",
            new { Month = month }, tx);
    await connection.ExecuteAsync("""
        INSERT INTO lot_signals (batch_id, copied_items, pin_failures, lockouts, unissued_scans, voided_scans, first_item_scans)
        SELECT id, CASE WHEN abs(random() % 20) = 0 THEN abs(random() % 5) ELSE 0 END, abs(random() % 3), 0,
               CASE WHEN abs(random() % 20) = 0 THEN abs(random() % 30) ELSE 0 END, 0, abs(random() % 200) FROM batches
        """, transaction: tx);
    var recalled = plan.Batches.Where((_, i) => i % 100 == 7).Select((b, i) => new
    {
        Id = Guid.CreateVersion7(), BatchId = b.Id, Reason = "Phát hiện nấm mốc trong mẫu kiểm tra", RecalledAt = now.AddDays(-i % 300),
        Withdrawn = i % 10 == 0 ? now.AddDays(-i % 300 + 1) : (DateTimeOffset?)null,
    });
    await connection.ExecuteAsync("""
        INSERT INTO recalls (id, batch_id, reason, issuer_role, issuer_id, issuer_name, issuer_level, recalled_at, affected_count, newly_recalled_count,
            completed_at, withdrawn_at, withdrawal_reason, pending)
        VALUES (@Id, @BatchId, @Reason, 'producer', NULL, 'HTX', NULL, @RecalledAt, 1, 1, @RecalledAt, @Withdrawn,
            CASE WHEN @Withdrawn IS NULL THEN NULL ELSE 'Mẫu kiểm tra lại đạt' END, 0)
        """, recalled, tx);
    string[] reasons = ["suspected_fake", "quality_problem", "wrong_information", "other"], statuses = ["received", "in_progress", "answered", "closed"];
    await connection.ExecuteAsync("""
        INSERT INTO shopper_reports (id, receipt, batch_id, producer_id, province_code, serial, reason, message, phone, client, status, created_at, created_unix_ms)
        VALUES (@Id, @Receipt, @BatchId, @ProducerId, '38', NULL, @Reason, 'Sản phẩm có mùi lạ, bao bì khác lần trước', NULL, @Client, @Status, @At, @Ms)
        """, Enumerable.Range(0, 10_000).Select(i => plan.Batches[(int)((long)i * 7919 % plan.Batches.Count)]).Select((b, i) => new
        {
            Id = Guid.CreateVersion7(), Receipt = $"R{i:D9}", BatchId = b.Id, b.ProducerId, Reason = reasons[i % 4], Status = statuses[i / 4 % 4],
            Client = $"{i % 997:x16}", At = now.AddMinutes(-i), Ms = now.AddMinutes(-i).ToUnixTimeMilliseconds(),
        }), tx);
    await tx.CommitAsync();
}
Console.WriteLine($"report tables (12 months of scans per product, lot signals, recalls, shoppers' reports): {clock.Elapsed.TotalSeconds:F1} s");
// The stored public records, built by the API's own builder, as the API would after each of these writes.
var json = new Microsoft.AspNetCore.Http.Json.JsonOptions();
Traceability.Api.Hosting.HttpSetup.Configure(json.SerializerOptions);
var pageServices = new Microsoft.Extensions.DependencyInjection.ServiceCollection()
    .AddLogging()
    .AddWebEncoders(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All))
    .BuildServiceProvider();
var store = new Traceability.Infrastructure.PublicRecords.RecordStore(db);
var builder = new Traceability.Api.PublicRecords.Building.RecordBuilder(new Traceability.Infrastructure.PublicRecords.RecordSource(db), store,
    new Traceability.Api.PublicRecords.Building.StoredPage(pageServices, NullLoggerFactory.Instance),
    new Traceability.Api.PublicRecords.Building.PublicLinks(Microsoft.Extensions.Options.Options.Create(new Traceability.Api.Hosting.TraceabilityOptions { PublicBaseUrl = options.PublicBaseUrl })),
    TimeProvider.System, Microsoft.Extensions.Options.Options.Create(json));
foreach (var b in plan.Batches) await builder.BuildAsync(b.Code, default);
// Built for this base URL and format: the API's start-up check must not mark them all stale again.
await new Traceability.Infrastructure.Repositories.SettingsRepository(db).SetAsync(Traceability.Api.PublicRecords.Freshness.RecordRefresher.BuildKeySetting,
    Traceability.Api.PublicRecords.Freshness.RecordRefresher.BuildKey(options.PublicBaseUrl.TrimEnd('/')), default);
Console.WriteLine($"public records written: {clock.Elapsed.TotalSeconds:F1} s");
// The hash-chain audit's first pass over the whole dataset: its cost per million events (docs/public-records.md).
var auditClock = Stopwatch.StartNew();
var audit = new Traceability.Api.PublicRecords.Freshness.ChainAudit(new Traceability.Infrastructure.PublicRecords.ChainAuditRepository(db), events,
    new LeaseRepository(db), TimeProvider.System,
    Microsoft.Extensions.Options.Options.Create(new Traceability.Api.Hosting.TraceabilityOptions { ChainAuditMinutes = 10 }), db,
    NullLogger<Traceability.Api.PublicRecords.Freshness.ChainAudit>.Instance);
var pass = await audit.AuditOnceAsync(default);
Console.WriteLine($"chain audit: {pass.EventsVerified:N0} events verified in {auditClock.Elapsed.TotalSeconds:F1} s, "
    + $"{auditClock.Elapsed.TotalSeconds / Math.Max(1, pass.EventsVerified) * 1e6:F0} s per million events; a second pass: "
    + $"{Time(() => audit.AuditOnceAsync(default)):F2} s");
await connection.ExecuteAsync("PRAGMA optimize; PRAGMA wal_checkpoint(TRUNCATE);");
// The SQLite the API runs on (Microsoft.Data.Sqlite's bundled library), not the sqlite3 command's.
Console.WriteLine($"sqlite {await connection.ExecuteScalarAsync<string>("SELECT sqlite_version()")}");

plan.WriteRequestLists(options.Out);
Console.WriteLine($"{plan.Batches.Count:N0} batches, {plan.Producers.Count:N0} producers, {plan.Products.Count:N0} products, {totalEvents:N0} events, "
    + $"{plan.Batches.Sum(b => b.Parents.Count):N0} lineage links, {plan.Products.Sum(p => p.Certifications.Count):N0} OCOP certifications; "
    + $"{new FileInfo(options.Db).Length / 1048576} MiB, generated in {clock.Elapsed.TotalSeconds:F0} s");

static double Time(Func<Task> work)
{
    var watch = Stopwatch.StartNew();
    work().GetAwaiter().GetResult();
    return watch.Elapsed.TotalSeconds;
}
