using System.Collections.Frozen;
using System.Text;

namespace Traceability.Domain;

/// <summary>Maps enum members to their snake_case names on the wire and in the database
/// (CooperativeGroup ↔ "cooperative_group").</summary>
public static class WireEnum<T> where T : struct, Enum
{
    private static readonly FrozenDictionary<T, string> ToName =
        Enum.GetValues<T>().ToFrozenDictionary(v => v, v => SnakeCase(v.ToString()));
    private static readonly FrozenDictionary<string, T> FromName =
        ToName.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    public static IReadOnlyList<string> Names { get; } = ToName.Values.Order(StringComparer.Ordinal).ToArray();

    public static string Name(T value) => ToName[value];

    public static bool TryParse(string? name, out T value) => FromName.TryGetValue(name ?? "", out value);

    public static T Parse(string name) =>
        TryParse(name, out var value) ? value : throw new FormatException($"'{name}' is not a {typeof(T).Name}.");

    private static string SnakeCase(string pascal)
    {
        var sb = new StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            if (char.IsUpper(pascal[i]) && i > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(pascal[i]));
        }
        return sb.ToString();
    }
}
