namespace Traceability.Domain;

/// <summary>The one range every date and time the API accepts lies in, and the quantities both databases store exactly.
/// Checked before any date arithmetic (a default expiry or validity), so nothing can overflow.</summary>
public static class Bounds
{
    public static readonly DateOnly MinDate = new(2000, 1, 1);
    public static readonly DateOnly MaxDate = new(2099, 12, 31);
    public const string DateRule = "A date from 2000-01-01 to 2099-12-31.";
    public const string TimeRule = "A time from 2000-01-01 to 2099-12-31 (UTC).";

    public static bool Contains(DateOnly date) => date >= MinDate && date <= MaxDate;

    public static bool Contains(DateTimeOffset time) => Contains(DateOnly.FromDateTime(time.UtcDateTime));

    /// <summary>Below 10¹² with at most 3 decimal places: SQL Server's decimal(18,3) holds it exactly, so no database rounds.</summary>
    public const decimal MaxQuantity = 1_000_000_000_000m;
    public const string QuantityRule = "Greater than 0 and below 1 000 000 000 000, with at most 3 decimal places.";

    public static bool IsQuantity(decimal quantity) => quantity > 0 && quantity < MaxQuantity && decimal.Round(quantity, 3) == quantity;

    /// <summary>The same number without trailing zeros (200.000 → 200): a quantity answers as it was given.</summary>
    public static decimal Normalize(decimal value) => value / 1.0000000000000000000000000000m;
}
