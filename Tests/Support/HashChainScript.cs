using System.Diagnostics;

namespace Traceability.Tests.Support;

/// <summary>docs/verify-hash-chain.py, the independent verifier a shopper's app or an auditor runs, over a public record.</summary>
public static class HashChainScript
{
    /// <summary>The script's exit code for the record (0: every hash verifies).</summary>
    public static async Task<int> VerifyAsync(string record)
    {
        var file = Path.Combine(Path.GetTempPath(), $"record-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, record);
        try
        {
            using var process = Process.Start(new ProcessStartInfo("python3", [Path.Combine(TestPaths.RepoRoot(), "docs", "verify-hash-chain.py"), file])
                { RedirectStandardOutput = true })!;
            await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return process.ExitCode;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
