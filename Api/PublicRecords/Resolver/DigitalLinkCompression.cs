using System.Numerics;
using System.Text;
using System.Text.Json;

namespace Traceability.Api.PublicRecords.Resolver;

/// <summary>Decompression of GS1 Digital Links (GS1 Digital Link: Compression, as GS1's Digital Link toolkit implements
/// it): the path after the host is a URI-safe base-64 bit string of AI keys and their values, coded with the toolkit's
/// tables (gs1-compression-tables.json, written by scripts/gs1-ai-table.mjs).</summary>
public static class DigitalLinkCompression
{
    private const string Base64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private const string Hex = "0123456789ABCDEF";
    private static readonly Tables Table = Load();

    /// <summary>Whether a path segment can be a compressed Digital Link at all (URI-safe base 64, long enough for a GTIN).</summary>
    public static bool Looks(string segment) => segment.Length >= 8 && segment.All(c => Base64.Contains(c));

    /// <summary>The AI element strings a compressed path holds, in the order they were coded (non-GS1 keys too, as the
    /// toolkit codes them); null when the bits are not a valid compression.</summary>
    /// <param name="path">"{compressed}" (fully compressed) or "01/{gtin}/{compressed}" (primary key uncompressed).</param>
    public static List<KeyValuePair<string, string>>? Decompress(string path)
    {
        var parts = path.Trim('/').Split('/');
        try
        {
            if (parts.Length == 1 && Looks(parts[0])) return Decode(Bits(parts[0]));
            if (parts.Length == 3 && parts[0] == "01" && Looks(parts[2]))
            {
                var rest = Decode(Bits(parts[2]));
                rest.Insert(0, KeyValuePair.Create("01", parts[1]));
                return rest;
            }
        }
        catch (FormatException) { }
        return null;
    }

    private static string Bits(string base64) =>
        string.Concat(base64.Select(c => Convert.ToString(Base64.IndexOf(c), 2).PadLeft(6, '0')));

    private static List<KeyValuePair<string, string>> Decode(string bits)
    {
        var reader = new BitReader(bits);
        var elements = new List<KeyValuePair<string, string>>();
        while (reader.Remaining > 8)
        {
            var h1 = reader.Int(4);
            var h2 = reader.Int(4);
            if (h1 <= 9 && h2 <= 9)
            {
                var ai = $"{h1}{h2}";
                if (!Table.P.TryGetValue(ai, out var length)) throw new FormatException($"No AI starts with {ai}.");
                for (var i = 2; i < length; i++)
                {
                    var digit = reader.Int(4);
                    if (digit > 9) throw new FormatException("AI keys are all-numeric.");
                    ai += digit;
                }
                elements.Add(KeyValuePair.Create(ai, Value(ai, reader)));
            }
            else if (Table.Opt.TryGetValue($"{Hex[h1]}{Hex[h2]}", out var sequence))
            {
                foreach (var ai in sequence) elements.Add(KeyValuePair.Create(ai, Value(ai, reader)));
            }
            else if (h1 == 0xF)
            {
                // A non-GS1 key=value pair: 7 bits of key length (the last 4 of them already read as h2), the key in
                // base 64, then an encoded value.
                var keyLength = (h2 << 3) | reader.Int(3);
                var key = reader.Chars(keyLength, 6, Base64);
                var encoding = reader.Int(3);
                elements.Add(KeyValuePair.Create(key, Chars(encoding, reader.Int(7), reader)));
            }
            else throw new FormatException($"No optimisation {Hex[h1]}{Hex[h2]}.");
        }
        return elements;
    }

    /// <summary>One AI's value: its fixed- or variable-length numeric and alphanumeric components, in order.</summary>
    private static string Value(string ai, BitReader reader)
    {
        if (!Table.F.TryGetValue(ai, out var components)) throw new FormatException($"AI {ai} has no encoding.");
        var value = new StringBuilder();
        foreach (var c in components)
        {
            if (c.E == "N" && c.L is { } fixedDigits)
                value.Append(reader.Number(ValueBits(int.Parse(fixedDigits))).ToString().PadLeft(int.Parse(fixedDigits), '0'));
            else if (c.E == "N" && c.M is { } maxDigits)
            {
                var digits = reader.Int(LengthBits(int.Parse(maxDigits)));
                var number = reader.Number(ValueBits(digits));
                if (digits > 0) value.Append(number);
            }
            else if (c.E == "X" && c.L is { } fixedChars)
                value.Append(Chars(reader.Int(3), int.Parse(fixedChars), reader));
            else if (c.E == "X" && c.M is { } maxChars)
            {
                var encoding = reader.Int(3);
                value.Append(Chars(encoding, reader.Int(LengthBits(int.Parse(maxChars))), reader));
            }
        }
        return value.ToString();
    }

    /// <summary>Characters in one of the five encodings: digits, lower or upper hex, base 64, 7-bit ASCII.</summary>
    private static string Chars(int encoding, int count, BitReader reader) => encoding switch
    {
        0 => reader.Number(ValueBits(count)).ToString(),
        1 => reader.Chars(count, 4, Hex).ToLowerInvariant(),
        2 => reader.Chars(count, 4, Hex),
        3 => reader.Chars(count, 6, Base64),
        4 => reader.Chars(count, 7, null),
        _ => throw new FormatException($"Unknown encoding {encoding}."),
    };

    private static int LengthBits(int maxLength) => (int)Math.Ceiling(Math.Log2(maxLength) + 0.01);
    private static int ValueBits(int digits) => (int)Math.Ceiling(digits * Math.Log2(10) + 0.01);

    private sealed class BitReader(string bits)
    {
        private int _cursor;

        public int Remaining => bits.Length - _cursor;

        public int Int(int count) => (int)Number(count);

        public BigInteger Number(int count)
        {
            if (count > Remaining) throw new FormatException("The bits end early.");
            var n = BigInteger.Zero;
            for (var i = 0; i < count; i++) n = (n << 1) | (bits[_cursor + i] - '0');
            _cursor += count;
            return n;
        }

        public string Chars(int count, int width, string? alphabet)
        {
            var s = new StringBuilder(count);
            for (var i = 0; i < count; i++)
            {
                var index = Int(width);
                s.Append(alphabet is null ? (char)index : index < alphabet.Length ? alphabet[index] : throw new FormatException("Not in the alphabet."));
            }
            return s.ToString();
        }
    }

    private sealed record Component(string E, string? L, string? M);

    private sealed record Tables(Dictionary<string, int> P, Dictionary<string, List<Component>> F, Dictionary<string, List<string>> Opt);

    private static Tables Load()
    {
        using var stream = typeof(DigitalLinkCompression).Assembly.GetManifestResourceStream("gs1-compression-tables.json")
            ?? throw new InvalidOperationException("gs1-compression-tables.json is not embedded.");
        return JsonSerializer.Deserialize<Tables>(stream)!;
    }
}
