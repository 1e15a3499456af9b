using System.ComponentModel.DataAnnotations;
using Traceability.Domain;

namespace Traceability.Api.Batches;

public sealed record OriginDto([property: Required] string? Name, string? Commune, string? Province, double? Latitude, double? Longitude);

/// <summary>A batch this one was made from: one of the caller's own by <c>batchId</c>, or any producer's by its public <c>code</c>.</summary>
public sealed record ParentRequest(Guid? BatchId, string? Code, decimal? Quantity);

public sealed record CreateBatchRequest(
    [property: Required] Guid? ProductId, [property: Required] string? LotNumber, [property: Required] DateOnly? ProducedOn, DateOnly? ExpiresOn,
    decimal? Quantity, string? Unit, OriginDto? Origin, List<ParentRequest?>? Parents)
{
    /// <param name="product">The product named by productId; null when none was given (<paramref name="v"/> says so).</param>
    public Batch ToBatch(Guid id, Product? product, DateOnly today, DateTimeOffset now, FieldErrors v)
    {
        if (!Domain.LotNumber.IsValid(LotNumber))
            v.Add("lotNumber", $"1–{Domain.LotNumber.MaxLength} characters: letters, digits and !\"%&'()*+,-./:;<=>?_ (GS1 AI 10).");
        var (producedOn, expiresOn) = BatchRules.Dates(v, ProducedOn, ExpiresOn, product, today);
        var quantity = v.Quantity("quantity", Quantity);
        var unit = v.Optional("unit", Unit, 3);
        BatchRules.CheckQuantity(v, Quantity, unit);
        BatchOrigin? origin = null;
        if (Origin is not null)
        {
            var name = v.Required("origin.name", Origin.Name, 200);
            var commune = v.Optional("origin.commune", Origin.Commune, 100);
            var province = v.Optional("origin.province", Origin.Province, 100);
            v.Coordinates("origin.", Origin.Latitude, Origin.Longitude);
            origin = new BatchOrigin(name, commune, province, Origin.Latitude, Origin.Longitude);
        }
        v.ThrowIfInvalid();
        return new Batch(id, product!.Id, product.ProducerId, LotNumber!, TracingCode.New(), producedOn!.Value, expiresOn,
            quantity, unit, origin, now);
    }
}

public sealed record RecallInfo(DateTimeOffset RecalledAt, string Reason);

/// <summary>The batch's QR code images; both encode <c>publicUrl</c>.</summary>
public sealed record QrLinks(string Png, string Svg);

public sealed record BatchResponse(
    Guid Id, Guid ProductId, string LotNumber, string Code, string PublicUrl, QrLinks Qr, DateOnly ProducedOn, DateOnly? ExpiresOn,
    decimal? Quantity, string? Unit, OriginDto? Origin, DateTimeOffset CreatedAt, RecallInfo? Recall)
{
    public static BatchResponse From(Batch b, string publicUrl, QrLinks qr) => new(b.Id, b.ProductId, b.LotNumber, b.Code, publicUrl, qr,
        b.ProducedOn, b.ExpiresOn, b.Quantity, b.Unit,
        b.Origin is { } o ? new OriginDto(o.Name, o.Commune, o.Province, o.Latitude, o.Longitude) : null, b.CreatedAt,
        b.RecalledAt is { } at ? new RecallInfo(at, b.RecallReason ?? "") : null);
}

public sealed record LineageNodeResponse(
    Guid BatchId, string Code, string LotNumber, Guid ProductId, string ProductName, Guid ProducerId, string ProducerName,
    int Depth, bool Recalled, string PublicUrl);

/// <summary>One step and more before (ancestors) and after (descendants); depth 1 is the direct link. Each list is a
/// page: pass its next cursor back as <c>cursor</c> with its <c>direction</c> for the rest (null: the list is complete).</summary>
public sealed record LineageResponse(Guid BatchId, string Code, IReadOnlyList<LineageNodeResponse> Ancestors, IReadOnlyList<LineageNodeResponse> Descendants,
    string? AncestorsNextCursor, string? DescendantsNextCursor);
