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
}
