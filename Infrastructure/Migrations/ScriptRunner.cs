using DbUp.Builder;
using DbUp.Engine.Output;
using Microsoft.Extensions.Logging;

namespace Traceability.Infrastructure.Migrations;

/// <summary>Runs a provider's numbered scripts (Migrations/{Provider}/NNNN_name.sql, embedded),
/// journalled in schema_versions, one transaction per script.</summary>
public static class ScriptRunner
{
    public static void Run(UpgradeEngineBuilder builder, DatabaseProvider provider, ILogger logger)
    {
        var folder = $".Migrations.{provider}.";
        var result = builder
            .WithScriptsEmbeddedInAssembly(typeof(ScriptRunner).Assembly, name => name.Contains(folder, StringComparison.Ordinal))
            .WithTransactionPerScript()
            .LogTo(new Log(logger))
            .Build()
            .PerformUpgrade();
        if (!result.Successful)
            throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed: {result.Error.Message}", result.Error);
    }

    public static IEnumerable<string> ScriptNames(DatabaseProvider provider) =>
        typeof(ScriptRunner).Assembly.GetManifestResourceNames()
            .Where(n => n.Contains($".Migrations.{provider}.", StringComparison.Ordinal)).Order(StringComparer.Ordinal);

    public static string ReadScript(string resourceName)
    {
        using var stream = typeof(ScriptRunner).Assembly.GetManifestResourceStream(resourceName)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private sealed class Log(ILogger logger) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) { }
        public void LogDebug(string format, params object[] args) { }
        public void LogInformation(string format, params object[] args) => logger.LogInformation("{Message}", string.Format(format, args));
        public void LogWarning(string format, params object[] args) => logger.LogWarning("{Message}", string.Format(format, args));
        public void LogError(string format, params object[] args) => logger.LogError("{Message}", string.Format(format, args));
        public void LogError(Exception ex, string format, params object[] args) => logger.LogError(ex, "{Message}", string.Format(format, args));
    }
}
