using System.ComponentModel.DataAnnotations;

namespace Traceability.Api.Backups;

/// <summary>The "Backup" configuration section: where the SQLite database's backups go, how often the service takes one
/// itself, and how many it keeps. With no folder the service takes none (the admin endpoint and the command say so).</summary>
public sealed class BackupOptions
{
    /// <summary>A folder on another disk than the database's, ideally; created when missing.</summary>
    public string? Folder { get; set; }

    /// <summary>Hours between scheduled backups; 0: none (on demand only).</summary>
    [Range(0, 24 * 31)]
    public double IntervalHours { get; set; }

    /// <summary>Verified backups kept in the folder, newest first; older ones are deleted after each new one.</summary>
    [Range(1, 1000)]
    public int Keep { get; set; } = 7;
}
