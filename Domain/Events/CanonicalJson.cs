using System.Globalization;
using System.Text;

namespace Traceability.Domain.Events;

/// <summary>Canonical JSON (RFC 8785 style): object members sorted by ordinal key, no whitespace, strings escaped
/// only where JSON requires (", \ and control characters), numbers in shortest round-trip form without exponent.
/// Values are null, bool, string, long, double, IReadOnlyList&lt;object?&gt; or IReadOnlyDictionary&lt;string, object?&gt;.</summary>
public static class CanonicalJson
{
    public static string Serialize(object? value)
    {
        var sb = new StringBuilder(256);
        Write(sb, value);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null: sb.Append("null"); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case string s: WriteString(sb, s); break;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case int i: sb.Append(i.ToString(CultureInfo.InvariantCulture)); break;
            case double d: sb.Append(FormatNumber(d)); break;
            case IReadOnlyDictionary<string, object?> obj:
                sb.Append('{');
                var first = true;
                foreach (var key in obj.Keys.Order(StringComparer.Ordinal))
                {
                    if (!first) sb.Append(',');
                    first = false;
                    WriteString(sb, key);
                    sb.Append(':');
                    Write(sb, obj[key]);
                }
                sb.Append('}');
                break;
            case IReadOnlyList<object?> list:
                sb.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    Write(sb, list[i]);
                }
                sb.Append(']');
                break;
            default: throw new ArgumentException($"Cannot canonicalise {value.GetType()}.");
        }
    }

    /// <summary>Shortest decimal that round-trips, never in exponent form (coordinates are rounded to 7 places).</summary>
    public static string FormatNumber(double d)
    {
        if (!double.IsFinite(d)) throw new ArgumentException("Not a finite number.");
        var r = d.ToString("R", CultureInfo.InvariantCulture);
        return r.Contains('E') ? d.ToString("0.###############", CultureInfo.InvariantCulture) : r;
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }
}
