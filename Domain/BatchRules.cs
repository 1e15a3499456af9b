using System.Text.RegularExpressions;

namespace Traceability.Domain;

/// <summary>What a batch must be to be registered, whatever sent it.</summary>
public static partial class BatchRules
{
    public const int MaxParents = 100;

    public const string UnitRule = "A UN/CEFACT Recommendation 20 code such as KGM, LTR or H87.";

    /// <summary>A UN/CEFACT Recommendation 20 unit code (2–3 capitals or digits).</summary>
    public static bool IsUnit(string unit) => UnitPattern().IsMatch(unit);

    /// <summary>Produced on a day that has come; expiring no earlier. The expiry, when not given, is the product's shelf
    /// life from the day it was produced.</summary>
    public static (DateOnly? ProducedOn, DateOnly? ExpiresOn) Dates(FieldErrors v, DateOnly? producedOn, DateOnly? expiresOn, Product? product, DateOnly today)
    {
        var produced = v.Date("producedOn", producedOn);
        var given = v.Date("expiresOn", expiresOn);
        if (producedOn is null) v.Add("producedOn", "Required.");
        else if (producedOn > today) v.Add("producedOn", "Cannot be in the future.");
        if (given is not null && produced is not null && given < produced) v.Add("expiresOn", "Cannot be before producedOn.");
        return (produced, given ?? (produced is { } day ? product?.DefaultExpiry(day) : null));
    }

    /// <summary>A quantity needs its unit.</summary>
    public static void CheckQuantity(FieldErrors v, decimal? quantity, string? unit)
    {
        if (unit is not null && !IsUnit(unit)) v.Add("unit", UnitRule);
        if (quantity is not null && unit is null) v.Add("unit", "Required with quantity.");
    }

    [GeneratedRegex("^[A-Z0-9]{2,3}$")] private static partial Regex UnitPattern();
}
