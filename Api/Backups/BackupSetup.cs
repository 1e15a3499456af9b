using System.Text.Json;

namespace Traceability.Api.Backups;

public static class BackupSetup
{
    public static IServiceCollection AddTraceabilityBackups(this IServiceCollection services)
    {
        services.AddOptions<BackupOptions>().BindConfiguration("Backup").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Backups>();
        services.AddHostedService<ScheduledBackups>();
        return services;
    }

    /// <summary><c>dotnet Traceability.Api.dll backup</c>: one backup with the service's configuration (Backup:Folder, the
    /// connection string), printed as JSON; exit code 0 when written and verified, 1 otherwise. The API may be running.</summary>
    public static async Task<int> RunBackupCommandAsync(this WebApplication app)
    {
        try
        {
            var backup = await app.Services.GetRequiredService<Backups>().RunAsync(CancellationToken.None);
            Console.WriteLine(JsonSerializer.Serialize(backup, JsonSerializerOptions.Web));
            return 0;
        }
        catch (Exception e) when (e is Domain.ConflictException or BackupFailedException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"backup: {e.Message}");
            return 1;
        }
    }
}
