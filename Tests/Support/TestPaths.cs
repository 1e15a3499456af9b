using System.Net;
using System.Net.Sockets;

namespace Traceability.Tests.Support;

public static class TestPaths
{
    public static string NewDatabaseFile()
    {
        var dir = Path.Combine(Path.GetTempPath(), "traceability-tests");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, $"{Guid.NewGuid():N}.db");
    }

    /// <summary>The repository root (where Traceability.sln is).</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Traceability.sln"))) return dir.FullName;
        throw new InvalidOperationException("Traceability.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A loopback port nobody listens on, for an API on a real Kestrel socket.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
