namespace Traceability.Domain;

/// <summary>GS1 Global Trade Item Number. Accepts GTIN-8/12/13/14 and stores GTIN-14.</summary>
public static class Gtin
{
    public static bool TryNormalize(string? input, out string gtin14)
    {
        gtin14 = "";
        if (input is null) return false;
        var digits = input.Trim();
        if (digits.Length is not (8 or 12 or 13 or 14) || !digits.All(char.IsAsciiDigit)) return false;
        var padded = digits.PadLeft(14, '0');
        if (CheckDigit(padded.AsSpan(0, 13)) != padded[13] - '0') return false;
        gtin14 = padded;
        return true;
    }

    /// <summary>Weights 3,1,3,… from the rightmost data digit; check = (10 − sum mod 10) mod 10.</summary>
    public static int CheckDigit(ReadOnlySpan<char> data)
    {
        var sum = 0;
        for (var i = 0; i < data.Length; i++)
        {
            var weight = (data.Length - i) % 2 == 1 ? 3 : 1;
            sum += (data[i] - '0') * weight;
        }
        return (10 - sum % 10) % 10;
    }
}
