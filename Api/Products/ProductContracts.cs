using System.ComponentModel.DataAnnotations;
using Traceability.Api.Wire;
using Traceability.Domain;

namespace Traceability.Api.Products;

public sealed record ProductRequest(
    [property: Required] string? Name, string? NameEn, string? Gtin, [property: Required, OneOf(typeof(ProductCategory))] string? Category, string? Description,
    IReadOnlyList<string?>? Standards, int? ShelfLifeDays, string? ImageUrl)
{
    public const int MaxStandards = 20;

    /// <summary>Validates the whole product; used for creation and for the result of a PATCH.</summary>
    public Product ToProduct(Guid id, Guid producerId, DateTimeOffset createdAt, DateTimeOffset now)
    {
        var v = new FieldErrors();
        var name = v.Required("name", Name, 200);
        var nameEn = v.Optional("nameEn", NameEn, 200);
        var category = v.Enum<ProductCategory>("category", Category);
        var description = v.Optional("description", Description, 4000, multiLine: true);
        string? gtin = null;
        if (Text.EmptyToNull(Gtin) is { } raw && !Domain.Gtin.TryNormalize(raw, out gtin!))
            v.Add("gtin", "A GTIN-8, -12, -13 or -14 with a valid GS1 check digit.");
        var standards = new List<string>();
        if (Standards is { Count: > MaxStandards }) v.Add("standards", $"At most {MaxStandards}.");
        for (var i = 0; i < (Standards?.Count ?? 0); i++)
        {
            var s = v.Required($"standards[{i}]", Standards![i], 100);
            if (s.Length > 0 && !standards.Contains(s, StringComparer.Ordinal)) standards.Add(s);
        }
        if (ShelfLifeDays is < 1 or > 3650) v.Add("shelfLifeDays", "Between 1 and 3650 days.");
        var imageUrl = v.Optional("imageUrl", ImageUrl, 2000);
        if (imageUrl is not null && !(Uri.TryCreate(imageUrl, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps))
            v.Add("imageUrl", "An absolute https:// URL.");
        v.ThrowIfInvalid();
        return new Product(id, producerId, name, nameEn, gtin, category!.Value, description, standards, ShelfLifeDays, imageUrl, createdAt, now);
    }

    public static ProductRequest From(Product p) => new(p.Name, p.NameEn, p.Gtin, WireEnum<ProductCategory>.Name(p.Category),
        p.Description, p.Standards.ToList<string?>(), p.ShelfLifeDays, p.ImageUrl);
}

/// <summary>The fields a JSON merge patch (RFC 7396) may carry; absent fields stay, null clears an optional one.</summary>
public sealed record ProductPatchRequest(
    string? Name, string? NameEn, string? Gtin, [property: OneOf(typeof(ProductCategory))] string? Category, string? Description,
    IReadOnlyList<string>? Standards, int? ShelfLifeDays, string? ImageUrl);

public sealed record ProductResponse(
    Guid Id, Guid ProducerId, string Name, string? NameEn, string? Gtin, [property: OneOf(typeof(ProductCategory))] string Category, string? Description,
    IReadOnlyList<string> Standards, int? ShelfLifeDays, string? ImageUrl, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ProductResponse From(Product p) => new(p.Id, p.ProducerId, p.Name, p.NameEn, p.Gtin,
        WireEnum<ProductCategory>.Name(p.Category), p.Description, p.Standards, p.ShelfLifeDays, p.ImageUrl, p.CreatedAt, p.UpdatedAt);
}

/// <summary>A change to a certified fact of a product (name, category, gtin): from what, to what, when, by which key.</summary>
public sealed record ProductChangeResponse(string Field, string? From, string? To, DateTimeOffset ChangedAt, Guid? ChangedByKeyId);
