using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Backups;

/// <summary>Backups of the SQLite database while writes go on (docs/operations.md, Backups): the restore drill, the
/// folder's retention, and what an operator is told when there is nothing to back up to.</summary>
public sealed class BackupTests
{
    private static string NewFolder() => Path.Combine(Path.GetTempPath(), "traceability-tests", "backups-" + Guid.NewGuid().ToString("N"));

    [Test]
    public async Task ABackupTakenDuringWrites_RestoresEveryWriteAcknowledgedBeforeItBegan_WithValidChains()
    {
        ApiFactory.RequireSqlite();
        var folder = NewFolder();
        List<(Guid Batch, string Code)> lots = [];
        var acknowledged = new List<(Guid Batch, Guid Event, long At)>();
        var clock = Stopwatch.StartNew();
        long backupBegan;
        JsonElement backup;
        Account producer;
        using (var api = new ApiFactory(new() { ["Backup:Folder"] = folder }))
        {
            producer = await api.CreateProducerAsync();
            var product = await producer.CreateProductAsync(Scenario.NewGtin13());
            for (var i = 0; i < 3; i++)
            {
                var batch = await producer.CreateBatchAsync(product.Id(), $"BK-{i}");
                lots.Add((batch.Id(), batch.GetProperty("code").GetString()!));
            }
            using var stop = new CancellationTokenSource();
            // Three writers, one a lot, each noting when its write was acknowledged.
            var writers = lots.Select(lot => Task.Run(async () =>
            {
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    var response = await producer.Client.PostAsJsonAsync($"/api/v1/batches/{lot.Batch}/events",
                        new { type = "storing", occurredAt = "2025-11-28T07:30:00+07:00", note = $"Kho {n}" });
                    var created = await response.Json(HttpStatusCode.Created);
                    lock (acknowledged) acknowledged.Add((lot.Batch, created.Id(), clock.ElapsedTicks));
                }
            })).ToList();
            while (true) { lock (acknowledged) if (acknowledged.Count >= 60) break; await Task.Delay(10); }
            backupBegan = clock.ElapsedTicks;
            backup = await (await api.Admin().PostAsync("/api/v1/admin/backups", null)).Json(HttpStatusCode.Created);
            while (true) { lock (acknowledged) if (acknowledged.Count >= 150) break; await Task.Delay(10); }  // and writes went on
            stop.Cancel();
            await Task.WhenAll(writers);
        }

        var file = Path.Combine(folder, backup.GetProperty("file").GetString()!);
        Assert.That(backup.GetProperty("file").GetString(), Does.Match(@"^traceability-\d{8}T\d{6}Z\.db$"));
        Assert.That((backup.GetProperty("integrity").GetString(), backup.GetProperty("brokenChains").GetInt64()), Is.EqualTo(("ok", 0L)));
        Assert.That(File.Exists(file) && !File.Exists(file + ".partial"), "renamed once verified");

        // A fresh API started on a copy of the backup, as an operator restores it.
        var restored = Path.Combine(Path.GetTempPath(), "traceability-tests", $"restored-{Guid.NewGuid():N}.db");
        File.Copy(file, restored);
        using var again = new ApiFactory(databasePath: restored);
        var client = again.ClientWithKey(producer.Key);
        var before = acknowledged.Where(a => a.At < backupBegan).ToList();
        Assert.That(before, Has.Count.GreaterThanOrEqualTo(60));
        long eventsInBackup = 0;
        foreach (var lot in lots)
        {
            var stored = new HashSet<Guid>();
            string? cursor = null;
            do
            {
                var page = await (await client.GetAsync($"/api/v1/batches/{lot.Batch}/events?limit=100{(cursor is null ? "" : $"&cursor={cursor}")}")).Json(HttpStatusCode.OK);
                foreach (var e in page.GetProperty("items").EnumerateArray()) stored.Add(e.Id());
                cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.String ? page.GetProperty("nextCursor").GetString() : null;
            } while (cursor is not null);
            eventsInBackup += stored.Count;
            Assert.That(before.Where(a => a.Batch == lot.Batch).Select(a => a.Event), Is.SubsetOf(stored), "every write acknowledged before the backup began");
            var chain = await (await client.GetAsync($"/api/v1/batches/{lot.Batch}/verification")).Json(HttpStatusCode.OK);
            Assert.That((chain.GetProperty("valid").GetBoolean(), chain.GetProperty("eventCount").GetInt64()), Is.EqualTo((true, (long)stored.Count)));
        }
        Assert.That(backup.GetProperty("eventsVerified").GetInt64(), Is.EqualTo(eventsInBackup), "the verification read every event the copy holds");
        Assert.That(eventsInBackup, Is.LessThan(acknowledged.Count), "a snapshot: writes after it are not in it");
    }

    [Test]
    public async Task TheFolderKeepsTheNewestBackups_AndTheAdminListsThem()
    {
        ApiFactory.RequireSqlite();
        var folder = NewFolder();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var api = new ApiFactory(new() { ["Backup:Folder"] = folder, ["Backup:Keep"] = "2" }).WithClock(clock);
        var names = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            names.Add((await (await api.Admin().PostAsync("/api/v1/admin/backups", null)).Json(HttpStatusCode.Created)).GetProperty("file").GetString()!);
            clock.Advance(TimeSpan.FromMinutes(1));
        }
        var list = await (await api.Admin().GetAsync("/api/v1/admin/backups")).Json(HttpStatusCode.OK);
        Assert.That(list.GetProperty("items").EnumerateArray().Select(f => f.GetProperty("file").GetString()), Is.EqualTo(new[] { names[2], names[1] }));
        Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName), Is.EquivalentTo(new[] { names[2], names[1] }), "the oldest deleted");
    }

    [Test]
    public async Task OnASchedule_ABackupIsTakenEveryInterval()
    {
        ApiFactory.RequireSqlite();
        var folder = NewFolder();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var api = new ApiFactory(new() { ["Backup:Folder"] = folder, ["Backup:IntervalHours"] = "6" }).WithClock(clock);
        _ = api.Admin();  // starts the host and its schedule
        Assert.That(Directory.Exists(folder) ? Directory.GetFiles(folder) : [], Is.Empty, "none before the first interval");
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!(Directory.Exists(folder) && Directory.GetFiles(folder, "traceability-*.db").Length > 0))
        {
            clock.Advance(TimeSpan.FromHours(6));  // the schedule's clock; advanced again until its wait has begun
            await Task.Delay(100, bound.Token);
        }
        Assert.That(Directory.GetFiles(folder, "traceability-*.db").Select(Path.GetFileName), Has.All.Match(@"^traceability-\d{8}T\d{6}Z\.db$"));
    }

    [Test]
    public async Task ABackupDiskThatIsFull_FailsTheBackupWithItsCause_LeavesNothing_AndTheApiWritesOn()
    {
        ApiFactory.RequireSqlite();
        var folder = Traceability.Tests.Faults.FaultStaging.MountTmpfs("64k");
        try
        {
            using var api = new ApiFactory(new() { ["Backup:Folder"] = folder });
            var failed = await (await api.Admin().PostAsync("/api/v1/admin/backups", null)).Json(HttpStatusCode.InternalServerError);
            Assert.That(failed.GetProperty("detail").GetString(), Does.Contain($"could not be written to {folder}").And.Contain("disk is full"));
            Assert.That(Directory.GetFiles(folder), Is.Empty, "no partial copy left behind");
            await api.CreateProducerAsync();  // the database itself writes on
            Assert.That((await api.CreateClient().GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        finally { Traceability.Tests.Faults.FaultStaging.Unmount(folder); }
    }

    [Test]
    public async Task WithNoFolder_TheAdminIsToldWhatToSet_AndNoOneElseMayBackUp()
    {
        using var api = new ApiFactory();
        var refused = await (await api.Admin().PostAsync("/api/v1/admin/backups", null)).Json(HttpStatusCode.Conflict);
        Assert.That(refused.GetProperty("detail").GetString(), Does.Contain("Backup:Folder"));
        var producer = await api.CreateProducerAsync();
        Assert.That((await producer.Client.PostAsync("/api/v1/admin/backups", null)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var authority = await api.CreateAuthorityAsync("national");
        Assert.That((await authority.Client.GetAsync("/api/v1/admin/backups")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task TheBackupCommand_CopiesTheDatabaseOfARunningApi_AndSaysWhatItWrote()
    {
        ApiFactory.RequireSqlite();
        var database = TestPaths.NewDatabaseFile();
        await using var api = ApiProcess.Start(database, ApiFactory.AdminKey);
        await api.WaitUntilReadyAsync();
        api.Client.DefaultRequestHeaders.Add("X-Api-Key", ApiFactory.AdminKey);
        var producer = await (await api.Client.PostAsJsonAsync("/api/v1/producers",
            new { name = "HTX Chè Xuân Lập", kind = "cooperative", address = new { commune = "Xã Xuân Lập", province = "Thanh Hóa" } })).Json(HttpStatusCode.Created);

        var folder = NewFolder();
        var (code, output, errors) = await RunCommandAsync(database, folder);
        Assert.That(code, Is.Zero, errors);
        var written = JsonDocument.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith('{'))).RootElement;
        Assert.That(written.GetProperty("integrity").GetString(), Is.EqualTo("ok"));
        var file = Path.Combine(folder, written.GetProperty("file").GetString()!);
        using (var copy = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False"))
        {
            copy.Open();
            using var command = copy.CreateCommand();
            command.CommandText = "SELECT name FROM producers";
            Assert.That(command.ExecuteScalar(), Is.EqualTo("HTX Chè Xuân Lập"), "the running API's write is in the copy");
        }
        Assert.That((await api.Client.GetAsync($"/api/v1/producers/{producer.Id()}")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the API ran on");

        var (failed, _, why) = await RunCommandAsync(database, folder: null);
        Assert.That((failed, why), Is.EqualTo((1, "backup: No backup folder is configured: set Backup:Folder (docs/operations.md, Backups).\n")));
    }

    private static async Task<(int Code, string Output, string Errors)> RunCommandAsync(string database, string? folder)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var dll = Path.Combine(TestPaths.RepoRoot(), "Api", "bin", configuration, "net10.0", "Traceability.Api.dll");
        var start = new ProcessStartInfo("dotnet", $"\"{dll}\" backup")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            Environment = { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["ConnectionStrings__Traceability"] = $"Data Source={database}" },
        };
        if (folder is not null) start.Environment["Backup__Folder"] = folder;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(bound.Token);
        return (process.ExitCode, await output, await errors);
    }
}
