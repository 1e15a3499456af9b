namespace Traceability.Api.Backups;

/// <summary>A backup written and verified: its file, size, when it was taken (the copy holds every write committed
/// before then), how long copying and verifying took, and what the verification found.</summary>
public sealed record BackupResponse(string File, long Bytes, DateTimeOffset TakenAt, double Seconds, string Integrity, long Batches, long EventsVerified,
    long BrokenChains, int Kept, IReadOnlyList<string> Deleted);

/// <summary>A backup in the folder.</summary>
public sealed record BackupFile(string File, long Bytes, DateTimeOffset WrittenAt);

public sealed record BackupList(string Folder, IReadOnlyList<BackupFile> Items);

/// <summary>A backup could not be written (its folder unusable, its disk full: nothing is left behind), or was written and
/// did not pass its verification (kept beside the others as *.failed, never as a backup to restore).</summary>
public sealed class BackupFailedException(string message) : Exception(message);
