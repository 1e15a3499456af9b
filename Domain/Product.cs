namespace Traceability.Domain;

/// <summary>The six OCOP product groups (since 2022).</summary>
public enum ProductCategory { Food, Beverage, Herbal, Handicraft, Ornamental, Tourism }

public sealed record Product(
    Guid Id, Guid ProducerId, string Name, string? NameEn, string? Gtin, ProductCategory Category,
    string? Description, IReadOnlyList<string> Standards, int? ShelfLifeDays, string? ImageUrl,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
