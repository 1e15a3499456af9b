using System.Security.Cryptography;

namespace Traceability.Domain;

/// <summary>The public tracing code printed on a label: random (never sequential), URL-safe, and free of
/// characters people confuse (0/O, 1/I/L, U/V). 10 characters of a 30-symbol alphabet ≈ 49 bits.</summary>
public static class TracingCode
{
    public const string Alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
    public const int Length = 10;

    public static string New() => RandomNumberGenerator.GetString(Alphabet, Length);

    /// <summary>Codes are read back case-insensitively (people type them from labels).</summary>
    public static string? Normalize(string? code)
    {
        if (code is null) return null;
        var upper = code.Trim().ToUpperInvariant();
        return upper.Length == Length && upper.All(c => Alphabet.Contains(c)) ? upper : null;
    }
}
