namespace Traceability.Domain;

/// <summary>The six OCOP product groups (since 2022).</summary>
public enum ProductCategory { Food, Beverage, Herbal, Handicraft, Ornamental, Tourism }

public sealed record Product(
    Guid Id, Guid ProducerId, string Name, string? NameEn, string? Gtin, ProductCategory Category,
    string? Description, IReadOnlyList<string> Standards, int? ShelfLifeDays, string? ImageUrl,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>A batch's expiry when the producer gives none: its production date plus the product's shelf life.</summary>
    public DateOnly? DefaultExpiry(DateOnly producedOn) => ShelfLifeDays is { } days ? producedOn.AddDays(days) : null;
}
