using System.Text.Json;
using Traceability.Domain;

namespace Traceability.Api.Products;

/// <summary>Applies a JSON merge patch (RFC 7396) to a product's editable fields.</summary>
public static class ProductPatch
{
    public static ProductRequest Apply(ProductRequest current, JsonElement patch, JsonSerializerOptions json)
    {
        if (patch.ValueKind != JsonValueKind.Object) throw ValidationFailedException.For("body", "A JSON object of the fields to change.");
        var v = new FieldErrors();
        var result = current;
        foreach (var field in patch.EnumerateObject())
        {
            try
            {
                result = field.Name switch
                {
                    "name" => result with { Name = Read<string>(field, json) },
                    "nameEn" => result with { NameEn = Read<string>(field, json) },
                    "gtin" => result with { Gtin = Read<string>(field, json) },
                    "category" => result with { Category = Read<string>(field, json) },
                    "description" => result with { Description = Read<string>(field, json) },
                    "standards" => result with { Standards = Read<List<string?>>(field, json) ?? [] },
                    "shelfLifeDays" => result with { ShelfLifeDays = Read<int?>(field, json) },
                    "imageUrl" => result with { ImageUrl = Read<string>(field, json) },
                    _ => throw new KeyNotFoundException(),
                };
            }
            catch (KeyNotFoundException) { v.Add(field.Name, "Not a field that can be changed."); }
            catch (JsonException e) { v.Add(field.Name, e.Message.Split(" Path:")[0]); }
            catch (InvalidOperationException e) { v.Add(field.Name, e.Message); }
        }
        v.ThrowIfInvalid();
        return result;
    }

    private static T? Read<T>(JsonProperty field, JsonSerializerOptions json) => field.Value.Deserialize<T>(json);
}
