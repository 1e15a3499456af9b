namespace Traceability.Domain;

/// <summary>GS1 AI (10) batch/lot and AI (21) serial: 1–20 characters of GS1 AI encodable character set 82 (GS1 General
/// Specifications, figure 7.11-1). The one rule for what a label can carry: creation, the resolver and the labels all ask
/// it, so every identifier accepted resolves through its printed Digital Link.</summary>
public static class LotNumber
{
    public const int MaxLength = 20;
    private const string Punctuation = "!\"%&'()*+,-./:;<=>?_";

    public static bool IsValid(string? lot) =>
        lot is { Length: >= 1 and <= MaxLength } && lot.All(c => char.IsAsciiLetterOrDigit(c) || Punctuation.Contains(c));
}
