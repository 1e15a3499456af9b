using Dapper;
using Microsoft.Data.Sqlite;
using NUnit.Framework;
using Traceability.Infrastructure;
using Traceability.Infrastructure.Migrations;
using Traceability.Infrastructure.Sqlite;
using Traceability.Tests.Support;

namespace Traceability.Tests.Repositories;

[TestFixture]
public sealed class SqliteRepositoryTests : RepositoryContract
{
    private readonly string _path = TestPaths.NewDatabaseFile();

    protected override ISqlDialect CreateDialect() => new SqliteDialect($"Data Source={_path}");

    protected override void DropDatabase()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(_path + suffix);
    }

    [Test]
    public async Task Database_IsInWalMode_WithForeignKeysOn()
    {
        await using var connection = await CreateDialect().OpenAsync(default);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.That(await command.ExecuteScalarAsync(), Is.EqualTo("wal"));
        command.CommandText = "PRAGMA foreign_keys";
        Assert.That(await command.ExecuteScalarAsync(), Is.EqualTo(1L));
    }

    /// <summary>How the EPCIS query reads, planned as on a large database: with the statistics `PRAGMA optimize`
    /// gathered on the benchmark's (100,000 batches, 1,000,000 events) before migration record_time_indexes. A poll of recent events
    /// reads them through the record-time indexes (before, every poll read every event and every batch); any other
    /// query walks the batches in order and merges the parts without sorting them, so a page stops at its end.</summary>
    [Test]
    public async Task EpcisQuery_PollsThroughTheRecordTimeIndexes_PagesWithoutSortingEverything_AndFindsLotsByKey()
    {
        var path = TestPaths.NewDatabaseFile();
        var dialect = new SqliteDialect($"Data Source={path}");
        dialect.Migrate(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var db = new Database(dialect);
        await using var connection = await db.OpenAsync(default);
        await connection.ExecuteAsync("""
            ANALYZE sqlite_schema;
            INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
                ('events', 'events', '1001407 10 1'), ('events', 'sqlite_autoindex_events_1', '1001407 1'),
                ('batch_parents', 'ix_batch_parents_parent', '14799 3'), ('batch_parents', 'sqlite_autoindex_batch_parents_1', '14799 2 1'),
                ('batches', 'ix_batches_product', '100000 10 1'), ('batches', 'ix_batches_producer', '100000 49 1'),
                ('batches', 'sqlite_autoindex_batches_3', '100000 10 1'), ('batches', 'sqlite_autoindex_batches_2', '100000 1'),
                ('batches', 'sqlite_autoindex_batches_1', '100000 1');
            ANALYZE sqlite_schema;
            """);
        TypeHandlers.Register();
        async Task<List<string>> PlanAsync(Traceability.Infrastructure.Repositories.EpcisRepository.Filter filter, bool recent)
        {
            var (sql, args) = Traceability.Infrastructure.Repositories.EpcisRepository.Statement(filter, (0, 0), 100, db.Dialect, recent);
            var rows = await connection.QueryAsync<(long, long, long, string)>("EXPLAIN QUERY PLAN " + db.Sql(sql), args);
            return rows.Select(r => r.Item4).ToList();
        }

        var poll = new Traceability.Infrastructure.Repositories.EpcisRepository.Filter(null, null, null, DateTimeOffset.UtcNow.AddHours(-1),
            null, null, null, null, null, null, null, Objects: true, Transformations: true);
        var recent = await PlanAsync(poll, recent: true);
        Assert.That(recent, Has.Some.StartsWith("SEARCH e USING").And.Contains("INDEX ix_events_recorded"), string.Join("\n", recent));
        Assert.That(recent, Has.Some.StartsWith("SEARCH b USING").And.Contains("INDEX ix_batches_created"), string.Join("\n", recent));

        foreach (var query in new[] { poll, poll with { GeRecordTime = null }, poll with { Transformations = false }, poll with { Types = ["packing"] } })
        {
            var walk = await PlanAsync(query, recent: false);
            Assert.That(walk, Has.None.Contains("ix_events_recorded").And.None.Contains("ix_batches_created"), string.Join("\n", walk));
            Assert.That(walk, Has.None.Contains("TEMP B-TREE").And.Some.StartsWith("SEARCH b USING INTEGER PRIMARY KEY"), string.Join("\n", walk));
        }

        // A lot's query (MATCH_anyEPCClass) finds the lot and the lots made from it through their keys, whatever the
        // number of batches: neither part walks them.
        var lot = await PlanAsync(poll with { GeRecordTime = null, BatchIds = [Guid.NewGuid()] }, recent: false);
        Assert.That(lot, Has.None.StartsWith("SEARCH b USING INTEGER PRIMARY KEY").And.None.StartsWith("SCAN b"), string.Join("\n", lot));
        await connection.CloseAsync();
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(path + suffix);
    }

    [Test]
    public async Task ScanTimes_WrittenAsText_ReadTheSame_AfterMigrations0015And0016MakeThemIntegers()
    {
        var path = TestPaths.NewDatabaseFile();
        await using var connection = new SqliteConnection($"Data Source={path};Foreign Keys=False");  // a lone tally row, without its batch
        await connection.OpenAsync();
        async Task RunScripts(Func<string, bool> which)
        {
            foreach (var name in ScriptRunner.ScriptNames(DatabaseProvider.Sqlite).Where(n => which(n.Split('.')[^2])))
                await connection.ExecuteAsync(ScriptRunner.ReadScript(name));
        }
        await RunScripts(n => string.CompareOrdinal(n, "0015") < 0);
        // As the code before 0015 wrote them: scans as ISO-8601 "O" text, PIN times as Microsoft.Data.Sqlite's format.
        await connection.ExecuteAsync("""
            INSERT INTO serial_activity (serial, scan_count, first_scanned_at, last_scanned_at, verified_at, verify_count, failed_pins, locked_until)
            VALUES ('AAAAAAAAAAA', 3, '2026-11-29T01:12:00.1234567+00:00', '2026-11-30T23:59:59.9990000+07:00', '2026-11-29 01:13:00.25+00:00', 1, 0, NULL),
                   ('BBBBBBBBBBB', 0, NULL, NULL, NULL, 0, 2, '2026-12-01 08:00:00+07:00')
            """);
        await connection.ExecuteAsync("""
            INSERT INTO scan_counts (batch_id, scan_count, first_scanned_at, last_scanned_at)
            VALUES (X'00112233445566778899AABBCCDDEEFF', 7, '2026-11-29 01:12:00.1234567+00:00', '2026-11-30 06:00:00.5+07:00')
            """);
        await RunScripts(n => string.CompareOrdinal(n, "0015") >= 0);

        TypeHandlers.Register();
        var rows = (await connection.QueryAsync<ActivityRow>(
            "SELECT serial, scan_count, first_scanned_at, last_scanned_at, verified_at, failed_pins, locked_until FROM serial_activity ORDER BY serial")).ToList();
        Assert.That(rows.Select(r => (r.Serial, r.ScanCount, r.FirstScannedAt, r.LastScannedAt, r.VerifiedAt, r.FailedPins, r.LockedUntil)), Is.EqualTo(new[]
        {
            ("AAAAAAAAAAA", 3L, (DateTimeOffset?)DateTimeOffset.Parse("2026-11-29T01:12:00.123+00:00"), (DateTimeOffset?)DateTimeOffset.Parse("2026-11-30T16:59:59.999+00:00"),
                (DateTimeOffset?)DateTimeOffset.Parse("2026-11-29T01:13:00.250+00:00"), 0, (DateTimeOffset?)null),
            ("BBBBBBBBBBB", 0L, null, null, null, 2, DateTimeOffset.Parse("2026-12-01T01:00:00+00:00")),
        }));
        Assert.That(await connection.ExecuteScalarAsync<string>("SELECT DISTINCT typeof(locked_until) FROM serial_activity WHERE locked_until IS NOT NULL"),
            Is.EqualTo("integer"));
        var lot = await connection.QuerySingleAsync<LotRow>("SELECT scan_count, first_scanned_at, last_scanned_at, typeof(last_scanned_at) AS stored_as FROM scan_counts");
        Assert.That((lot.ScanCount, lot.FirstScannedAt, lot.LastScannedAt, lot.StoredAs), Is.EqualTo((7L,
            DateTimeOffset.Parse("2026-11-29T01:12:00.123+00:00"), DateTimeOffset.Parse("2026-11-29T23:00:00.5+00:00"), "integer")));
        await connection.CloseAsync();
        SqliteConnection.ClearAllPools();
    }

    private sealed class LotRow
    {
        public long ScanCount { get; set; }
        public DateTimeOffset FirstScannedAt { get; set; }
        public DateTimeOffset LastScannedAt { get; set; }
        public string StoredAs { get; set; } = "";
    }

    private sealed class ActivityRow
    {
        public string Serial { get; set; } = "";
        public long ScanCount { get; set; }
        public DateTimeOffset? FirstScannedAt { get; set; }
        public DateTimeOffset? LastScannedAt { get; set; }
        public DateTimeOffset? VerifiedAt { get; set; }
        public int FailedPins { get; set; }
        public DateTimeOffset? LockedUntil { get; set; }
    }
}
