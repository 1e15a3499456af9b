using Microsoft.AspNetCore.Http.HttpResults;
using Traceability.Api.Auth;

namespace Traceability.Api.Backups;

/// <summary>The admin's backups of the SQLite database: take one now (written, verified, the oldest beyond Backup:Keep
/// deleted), and list those in Backup:Folder. The files themselves are the operator's, on the server's disk: never served.</summary>
public static class BackupEndpoints
{
    public static RouteGroupBuilder MapBackupEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/admin/backups").WithTags("Operations").RequireAuthorization(Policies.Admin);
        group.MapPost("/", TakeBackup).WithName("TakeBackup")
            .WithSummary("Take an online backup of the SQLite database now (writes go on), verify it (integrity check and every hash chain) and keep the newest Backup:Keep. 409 when no Backup:Folder is set, or on SQL Server (its native backups).")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status500InternalServerError);
        group.MapGet("/", ListBackups).WithName("ListBackups").WithSummary("The verified backups in Backup:Folder, newest first.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    public static async Task<Created<BackupResponse>> TakeBackup(Backups backups, CancellationToken ct)
    {
        var backup = await backups.RunAsync(ct);
        return TypedResults.Created($"/api/v1/admin/backups/{backup.File}", backup);
    }

    public static Ok<BackupList> ListBackups(Backups backups) => TypedResults.Ok(new BackupList(backups.Folder, backups.List()));
}
