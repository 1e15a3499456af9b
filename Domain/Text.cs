using System.Text;

namespace Traceability.Domain;

/// <summary>Every piece of text is trimmed and NFC-normalised before it is stored or compared,
/// so Vietnamese typed on any keyboard (precomposed or combining marks) matches.</summary>
public static class Text
{
    public static string? Normalize(string? value)
    {
        if (value is null) return null;
        var trimmed = value.Trim();
        return trimmed.IsNormalized(NormalizationForm.FormC) ? trimmed : trimmed.Normalize(NormalizationForm.FormC);
    }

    public static string? EmptyToNull(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>How a name is searched: lower case, no diacritics (đ → d), letters and digits only, single spaces —
    /// "Mật ong rừng" and "mat  ong RUNG" fold alike, as shoppers type without accents.</summary>
    public static string Fold(string? value)
    {
        var decomposed = (Normalize(value) ?? "").ToLowerInvariant().Replace('đ', 'd').Normalize(NormalizationForm.FormD);
        var plain = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
            if (System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark)
                plain.Append(char.IsLetterOrDigit(c) ? c : ' ');
        return string.Join(' ', plain.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Why <paramref name="value"/> cannot be stored as text a page shows, or null: control characters (C0 but
    /// tab and line breaks, DEL, C1) and the Unicode bidirectional embeddings, overrides and isolates (U+202A–U+202E,
    /// U+2066–U+2069), which make "Mật ong \u202Egnp.exe" display as something else than it is. A single-line field
    /// (a name, a code) takes no tab or line break either.</summary>
    public static string? Problem(string? value, bool multiLine = true)
    {
        if (value is null) return null;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var forbidden = c switch
            {
                '\n' or '\r' or '\t' => !multiLine,
                < ' ' or '\u007F' or (>= '\u0080' and <= '\u009F') => true,
                (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') => true,
                _ => false,
            };
            if (forbidden)
                return $"Contains U+{(int)c:X4} at position {i + 1}: control characters{(multiLine ? "" : ", tabs, line breaks")} and bidirectional overrides are not allowed.";
        }
        return null;
    }
}
