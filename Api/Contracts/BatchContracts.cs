using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Traceability.Domain;

namespace Traceability.Api.Contracts;

public sealed record OriginDto([property: Required] string? Name, string? Commune, string? Province, double? Latitude, double? Longitude);

public sealed partial record CreateBatchRequest(
    [property: Required] Guid? ProductId, [property: Required] string? LotNumber, [property: Required] DateOnly? ProducedOn, DateOnly? ExpiresOn, decimal? Quantity, string? Unit, OriginDto? Origin)
{
    public Batch ToBatch(Guid id, Product product, DateOnly today, DateTimeOffset now)
    {
        var v = new FieldErrors();
        if (!Domain.LotNumber.IsValid(LotNumber))
            v.Add("lotNumber", $"1–{Domain.LotNumber.MaxLength} characters: letters, digits and !\"%&'()*+,-./:;<=>?_ (GS1 AI 10).");
        if (ProducedOn is null) v.Add("producedOn", "Required.");
        else if (ProducedOn > today) v.Add("producedOn", "Cannot be in the future.");
        var expiresOn = ExpiresOn ?? (product.ShelfLifeDays is { } days ? ProducedOn?.AddDays(days) : null);
        if (ExpiresOn is not null && ProducedOn is not null && ExpiresOn < ProducedOn) v.Add("expiresOn", "Cannot be before producedOn.");
        if (Quantity is <= 0 or > 1_000_000_000_000m) v.Add("quantity", "Greater than 0.");
        var unit = v.Optional("unit", Unit, 3);
        if (unit is not null && !UnitPattern().IsMatch(unit)) v.Add("unit", "A UN/CEFACT Recommendation 20 code such as KGM, LTR or H87.");
        if (Quantity is not null && unit is null) v.Add("unit", "Required with quantity.");
        BatchOrigin? origin = null;
        if (Origin is not null)
        {
            var name = v.Required("origin.name", Origin.Name, 200);
            var commune = v.Optional("origin.commune", Origin.Commune, 100);
            var province = v.Optional("origin.province", Origin.Province, 100);
            if (Origin.Latitude is < -90 or > 90) v.Add("origin.latitude", "Between -90 and 90.");
            if (Origin.Longitude is < -180 or > 180) v.Add("origin.longitude", "Between -180 and 180.");
            if (Origin.Latitude.HasValue != Origin.Longitude.HasValue) v.Add("origin", "Give both latitude and longitude, or neither.");
            origin = new BatchOrigin(name, commune, province, Origin.Latitude, Origin.Longitude);
        }
        v.ThrowIfInvalid();
        return new Batch(id, product.Id, product.ProducerId, LotNumber!, TracingCode.New(), ProducedOn!.Value, expiresOn,
            Quantity, unit, origin, now);
    }

    [GeneratedRegex("^[A-Z0-9]{2,3}$")] private static partial Regex UnitPattern();
}

public sealed record BatchResponse(
    Guid Id, Guid ProductId, string LotNumber, string Code, string PublicUrl, DateOnly ProducedOn, DateOnly? ExpiresOn,
    decimal? Quantity, string? Unit, OriginDto? Origin, DateTimeOffset CreatedAt)
{
    public static BatchResponse From(Batch b, string publicUrl) => new(b.Id, b.ProductId, b.LotNumber, b.Code, publicUrl,
        b.ProducedOn, b.ExpiresOn, b.Quantity, b.Unit,
        b.Origin is { } o ? new OriginDto(o.Name, o.Commune, o.Province, o.Latitude, o.Longitude) : null, b.CreatedAt);
}
