using System.Diagnostics;
using NUnit.Framework;

namespace Traceability.Tests.Faults;

/// <summary>Real faults under a real database file: a small tmpfs that fills up, an immutable file, a folder taken
/// away. Staging them needs root (mount, chattr); where the machine cannot, the tests are ignored with the reason,
/// unless REQUIRE_FAULTS=1.</summary>
public static class FaultStaging
{
    public static string Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        process.WaitForExit();
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {arguments}: {output}");
        return output;
    }

    public static void Require(Action stage, string what)
    {
        try { stage(); }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            if (Environment.GetEnvironmentVariable("REQUIRE_FAULTS") == "1") Assert.Fail($"Cannot {what}: {e.Message}");
            Assert.Ignore($"This machine cannot {what} (needs root): {e.Message}");
        }
    }

    /// <summary>A fresh folder under the test temp folder.</summary>
    public static string NewFolder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "traceability-tests", "fault-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A tmpfs of <paramref name="size"/> mounted on a new folder; unmount it with <see cref="Unmount"/>.</summary>
    public static string MountTmpfs(string size)
    {
        var dir = NewFolder();
        Require(() => Run("mount", $"-t tmpfs -o size={size} tmpfs {dir}"), "mount a tmpfs");
        return dir;
    }

    public static void Unmount(string dir)
    {
        try { Run("umount", $"-l {dir}"); } catch (InvalidOperationException) { }
        try { Directory.Delete(dir, true); } catch (IOException) { }
    }

    /// <summary>Fills the file system under <paramref name="dir"/> to the last byte.</summary>
    public static string Fill(string dir)
    {
        var filler = Path.Combine(dir, "filler.bin");
        var block = new byte[64 * 1024];
        Random.Shared.NextBytes(block);
        using var stream = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        try
        {
            while (true) stream.Write(block);
        }
        catch (IOException)
        {
            // A partial block: the last bytes too.
            for (var size = block.Length / 2; size > 0; size /= 2)
                try { stream.Write(block, 0, size); } catch (IOException) { }
        }
        return filler;
    }

    /// <summary>Polls <paramref name="condition"/> a bounded number of times, a quarter second apart.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, int tries = 80)
    {
        for (var i = 0; i < tries; i++)
        {
            if (await condition()) return true;
            await Task.Delay(250);
        }
        return false;
    }
}
