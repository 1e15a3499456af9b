using System.Runtime.InteropServices;

namespace Traceability.Api.Hosting;

/// <summary>Caps glibc's malloc arenas at two. SQLite's page caches and statements, zlib's inflaters and the socket
/// layer allocate with malloc from whichever thread-pool thread runs the request; glibc gives threads their own arenas
/// (up to eight per core) and each keeps the memory freed into it, so the resident set grows with the number of
/// threads that ever allocated rather than with what is in use (bench/NOTES.md, "Memory"). This is what setting
/// MALLOC_ARENA_MAX=2 does, set from inside so that every deployment gets it. Elsewhere (Windows, macOS, musl's
/// malloc, which has no arenas) it does nothing.</summary>
public static class MallocArenas
{
    private const int ArenaMax = -8;   // M_ARENA_MAX in glibc's malloc.h

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);

    /// <summary>Call first thing: arenas that already exist stay.</summary>
    public static void Limit(int arenas = 2)
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is { Length: > 0 }) return;
        try
        {
            MallOpt(ArenaMax, arenas);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: nothing to limit.
        }
    }
}
