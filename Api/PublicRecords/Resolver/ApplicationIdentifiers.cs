using System.Text.Json;
using System.Text.RegularExpressions;
using Traceability.Domain;

namespace Traceability.Api.PublicRecords.Resolver;

/// <summary>GS1 Application Identifiers and the syntax of their values, as GS1's Digital Link toolkit checks them
/// (gs1-ai-table.json, written by scripts/gs1-ai-table.mjs from ../shared/standards/gs1-resolver-testsuite).</summary>
public static class ApplicationIdentifiers
{
    /// <param name="Type">I: a primary key, Q: a key qualifier, D: a data attribute.</param>
    /// <param name="CheckDigit">"L": the value's last digit is a GS1 check digit; "13"/"14": the digit at that position.</param>
    public sealed record Ai(string Code, string Title, string Type, string Regex, string? CheckDigit, IReadOnlyList<string>? Qualifiers)
    {
        private Regex? _syntax;

        public bool Accepts(string value)
        {
            _syntax ??= new Regex($"^(?:{Regex})$", RegexOptions.ECMAScript);
            if (value.Length == 0 || !_syntax.IsMatch(value)) return false;
            if (IsDate && !ValidDate(value)) return false;
            return CheckDigit switch
            {
                "L" => ValidCheckDigit(value.AsSpan()),
                "13" or "14" when int.Parse(CheckDigit) is var n && value.Length >= n => ValidCheckDigit(value.AsSpan(0, n)),
                _ => true,
            };
        }

        /// <summary>YYMMDD dates (production, packaging, best before, expiry…): day 00 means the end of the month.</summary>
        private bool IsDate => Code is "11" or "12" or "13" or "15" or "16" or "17";
    }

    private static readonly Dictionary<string, Ai> Table = Load();

    public static Ai? Find(string code) => Table.GetValueOrDefault(code);

    private static bool ValidCheckDigit(ReadOnlySpan<char> digits) =>
        digits.Length >= 2 && Gtin.CheckDigit(digits[..^1]) == digits[^1] - '0';

    private static bool ValidDate(string yymmdd) =>
        int.Parse(yymmdd.AsSpan(2, 2)) is >= 1 and <= 12 && int.Parse(yymmdd.AsSpan(4, 2)) <= 31;

    private static Dictionary<string, Ai> Load()
    {
        using var stream = typeof(ApplicationIdentifiers).Assembly.GetManifestResourceStream("gs1-ai-table.json")
            ?? throw new InvalidOperationException("gs1-ai-table.json is not embedded.");
        var rows = JsonSerializer.Deserialize<List<Row>>(stream, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
        var table = new Dictionary<string, Ai>();
        foreach (var r in rows) table.TryAdd(r.Ai, new Ai(r.Ai, r.Title, r.Type, r.Regex, r.CheckDigit, r.Qualifiers));
        return table;
    }

    private sealed record Row(string Ai, string Title, string Type, string Regex, string? CheckDigit, List<string>? Qualifiers);
}
