using System.Diagnostics;
using Microsoft.Extensions.Options;
using Traceability.Domain;
using Traceability.Domain.Events;
using Traceability.Infrastructure;
using Traceability.Infrastructure.PublicRecords;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Backups;

/// <summary>Backups of the SQLite database while writes go on: a consistent copy (<see cref="ISqlDialect.BackUpIntoAsync"/>)
/// written as *.partial, verified (the database's integrity check, then every batch's hash chain from its first event to
/// its head), renamed to traceability-yyyyMMddTHHmmssZ.db, and the oldest beyond Backup:Keep deleted. One at a time per
/// process; the schedule takes a lease so that one node of several backs up.</summary>
public sealed class Backups(Database db, IOptions<BackupOptions> options, TimeProvider clock, ILogger<Backups> logger)
{
    public const string Prefix = "traceability-";
    private const int BatchPage = 500;
    private const int EventPage = 1000;
    private readonly SemaphoreSlim _one = new(1, 1);

    public string Folder => options.Value.Folder is { Length: > 0 } folder
        ? Path.GetFullPath(folder)
        : throw new ConflictException("No backup folder is configured: set Backup:Folder (docs/operations.md, Backups).");

    public async Task<BackupResponse> RunAsync(CancellationToken ct)
    {
        var folder = Folder;
        if (!await _one.WaitAsync(TimeSpan.Zero, ct)) throw new ConflictException("A backup is being taken by this process; try again when it ends.");
        try
        {
            try { Directory.CreateDirectory(folder); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new BackupFailedException($"The backup folder {folder} cannot be used: {e.Message}");
            }
            var takenAt = clock.GetUtcNow();
            var watch = Stopwatch.StartNew();
            var name = $"{Prefix}{takenAt.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.db";
            var final = Path.Combine(folder, name);
            var partial = final + ".partial";
            File.Delete(partial);
            var copy = await CopyAsync(partial, ct)
                ?? throw new ConflictException("This database is backed up with its own tools (SQL Server: BACKUP DATABASE), not by the service: docs/operations.md, Backups.");
            (string? Integrity, long Batches, long Events, long Broken) verified;
            try { verified = await VerifyAsync(copy, ct); }
            finally { (copy as IDisposable)?.Dispose(); }
            var (integrity, batches, events, broken) = verified;
            if (integrity is not null)
            {
                File.Move(partial, final + ".failed", overwrite: true);
                logger.LogError("Backup {File} failed its integrity check: {Findings}", name, integrity);
                throw new BackupFailedException($"The copy failed the database's integrity check ({integrity}); it is kept as {name}.failed, not as a backup.");
            }
            File.Move(partial, final);
            if (broken > 0) logger.LogWarning("Backup {File}: {Broken} batches have a broken hash chain (as in the database it copies)", name, broken);
            var deleted = Prune(folder, options.Value.Keep);
            var bytes = new FileInfo(final).Length;
            logger.LogInformation("Backup {File}: {Bytes} bytes, {Events} events in {Batches} batches verified in {Seconds:F1} s", name, bytes, events, batches,
                watch.Elapsed.TotalSeconds);
            return new BackupResponse(name, bytes, takenAt, Math.Round(watch.Elapsed.TotalSeconds, 3), "ok", batches, events, broken,
                options.Value.Keep, deleted);
        }
        finally { _one.Release(); }
    }

    /// <summary>The copy, or nothing left behind: a copy cut short (a full disk, a cancelled request) is removed. A copy
    /// the backup folder could not take says so; the database itself is untouched and keeps serving.</summary>
    private async Task<ISqlDialect?> CopyAsync(string partial, CancellationToken ct)
    {
        try { return await db.Dialect.BackUpIntoAsync(partial, ct); }
        catch (Exception e)
        {
            File.Delete(partial);
            if (e is OperationCanceledException) throw;
            var cause = db.Dialect.DescribeFault(e) ?? (e is IOException or UnauthorizedAccessException ? e.Message : null);
            if (cause is null || db.Dialect.StorageFault() is not null) throw;  // the database's own fault: a 503 like any other
            logger.LogError("A backup could not be written to {Folder}: {Cause}", Path.GetDirectoryName(partial), cause);
            throw new BackupFailedException($"The copy could not be written to {Path.GetDirectoryName(partial)} ({cause}); nothing is left behind, and the database is untouched.");
        }
    }

    /// <summary>The copy's integrity check (null: passed), then every batch's chain read from the copy itself.</summary>
    private static async Task<(string? Integrity, long Batches, long Events, long Broken)> VerifyAsync(ISqlDialect copy, CancellationToken ct)
    {
        if (await copy.IntegrityProblemAsync(ct) is { } problem) return (problem, 0, 0, 0);
        var database = new Database(copy);
        var heads = new ChainAuditRepository(database);
        var events = new EventRepository(database, Infrastructure.Webhooks.NoAnnouncements.Instance);
        long batches = 0, verified = 0, broken = 0, after = 0;
        while (await heads.HeadsAsync(after, BatchPage, ct) is { Count: > 0 } page)
        {
            foreach (var head in page)
            {
                batches++;
                var (sequence, hash, intact) = (0L, (string?)null, true);
                while (true)
                {
                    var chunk = await events.ListAsync(head.BatchId, sequence, EventPage, ct);
                    if (chunk.Items.Count == 0) break;
                    if (HashChain.FirstInvalid(chunk.Items, sequence, hash) is not null) { intact = false; break; }
                    (sequence, hash) = (chunk.Items[^1].Sequence, chunk.Items[^1].Hash);
                    verified += chunk.Items.Count;
                    if (chunk.After is null) break;
                }
                if (!intact || sequence != head.LastSequence) broken++;
            }
            after = page[^1].Seq;
        }
        return (null, batches, verified, broken);
    }

    /// <summary>The verified backups in the folder, newest first.</summary>
    public IReadOnlyList<BackupFile> List()
    {
        var folder = Folder;
        if (!Directory.Exists(folder)) return [];
        return Directory.EnumerateFiles(folder, $"{Prefix}*.db").Select(f => new FileInfo(f)).OrderByDescending(f => f.Name, StringComparer.Ordinal)
            .Select(f => new BackupFile(f.Name, f.Length, f.LastWriteTimeUtc)).ToList();
    }

    private static List<string> Prune(string folder, int keep)
    {
        var old = Directory.EnumerateFiles(folder, $"{Prefix}*.db").OrderByDescending(Path.GetFileName, StringComparer.Ordinal).Skip(keep).ToList();
        foreach (var file in old) File.Delete(file);
        return old.Select(f => Path.GetFileName(f)!).ToList();
    }
}
