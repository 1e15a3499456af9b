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
