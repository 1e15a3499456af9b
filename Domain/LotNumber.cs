namespace Traceability.Domain;

/// <summary>GS1 AI (10) batch/lot: 1–20 characters of GS1 AI encodable character set 82.</summary>
public static class LotNumber
{
    public const int MaxLength = 20;
    private const string Punctuation = "!\"%&'()*+,-./:;<=>?_";

    public static bool IsValid(string? lot) =>
        lot is { Length: >= 1 and <= MaxLength } && lot.All(c => char.IsAsciiLetterOrDigit(c) || Punctuation.Contains(c));
}
