using System.Globalization;
using System.Text.Json.Nodes;
using Traceability.Domain;
using Traceability.Domain.Events;

namespace Traceability.Api.Epcis;

/// <summary>Writes a batch's story as a GS1 EPCIS 2.0 JSON-LD document: a TransformationEvent for the batch made
/// from its parents, then one ObjectEvent per recorded event, in chain order. Lots are GS1 Digital Link URIs when the
/// product has a GTIN, otherwise URIs in the project's namespace.</summary>
public static class EpcisDocument
{
    public const string MediaType = "application/ld+json";
    public const string Context = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";
    public const string ExtensionNamespace = "urn:ocop-traceability:ext:";
    public const string LotNamespace = "urn:ocop-traceability:lot:";

    public static string LotUri(string code, string lotNumber, string? gtin14) => gtin14 is null
        ? LotNamespace + code
        : $"https://id.gs1.org/01/{gtin14}/10/{Uri.EscapeDataString(lotNumber)}";

    public static JsonObject Build(Batch batch, Product product, IReadOnlyList<ParentLink> parents, IReadOnlyList<SupplyChainEvent> events, DateTimeOffset now)
    {
        var lot = LotUri(batch.Code, batch.LotNumber, product.Gtin);
        var list = new JsonArray();
        if (parents.Count > 0) list.Add(Transformation(batch, lot, parents));
        var correctedBy = events.Where(e => e.Corrects is not null).GroupBy(e => e.Corrects!.Value).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var e in events)
            list.Add(ObjectEvent(e, batch, lot, first: e.Sequence == 1 && parents.Count == 0, correctedBy.GetValueOrDefault(e.Id)));
        return new JsonObject
        {
            ["@context"] = new JsonArray(Context, new JsonObject { ["ocop"] = ExtensionNamespace }),
            ["type"] = "EPCISDocument",
            ["schemaVersion"] = "2.0",
            ["creationDate"] = HashChain.FormatRecordedAt(now),
            ["epcisBody"] = new JsonObject { ["eventList"] = list },
        };
    }

    private static JsonObject Transformation(Batch batch, string lot, IReadOnlyList<ParentLink> parents)
    {
        var produced = new DateTimeOffset(batch.ProducedOn.ToDateTime(TimeOnly.MinValue), VietnamTime.Offset);
        var inputs = new JsonArray();
        foreach (var p in parents) inputs.Add(Quantity(LotUri(p.Code, p.LotNumber, p.Gtin), p.Quantity, p.Unit));
        return new JsonObject
        {
            ["type"] = "TransformationEvent",
            ["eventID"] = $"urn:uuid:{batch.Id}",
            ["eventTime"] = HashChain.FormatOccurredAt(produced),
            ["eventTimeZoneOffset"] = Offset(produced),
            ["recordTime"] = HashChain.FormatRecordedAt(batch.CreatedAt),
            ["inputQuantityList"] = inputs,
            ["outputQuantityList"] = new JsonArray(Quantity(lot, batch.Quantity, batch.Unit)),
            ["bizStep"] = EventTypes.Of(EventType.Processing).BizStep,
            ["ilmd"] = Ilmd(batch),
        };
    }

    private static JsonObject ObjectEvent(SupplyChainEvent e, Batch batch, string lot, bool first, List<SupplyChainEvent>? corrections)
    {
        var info = EventTypes.Of(e.Type);
        var node = new JsonObject
        {
            ["type"] = "ObjectEvent",
            ["eventID"] = $"urn:uuid:{e.Id}",
            ["eventTime"] = HashChain.FormatOccurredAt(e.OccurredAt),
            ["eventTimeZoneOffset"] = Offset(e.OccurredAt),
            ["recordTime"] = HashChain.FormatRecordedAt(e.RecordedAt),
            ["action"] = first ? "ADD" : "OBSERVE",
            ["bizStep"] = info.BizStep,
            ["quantityList"] = new JsonArray(first ? Quantity(lot, batch.Quantity, batch.Unit) : Quantity(lot, null, null)),
        };
        if (info.Disposition is { } disposition) node["disposition"] = disposition;
        if (e.Location is { } l && (l.Gln is not null || l.Latitude is not null))
            node["readPoint"] = new JsonObject
            {
                ["id"] = l.Gln is not null ? $"https://id.gs1.org/414/{l.Gln}"
                    : $"geo:{CanonicalJson.FormatNumber(l.Latitude!.Value)},{CanonicalJson.FormatNumber(l.Longitude!.Value)}",
            };
        var certificateUrls = e.Certificates.Where(c => c.Url is not null).Select(c => (JsonNode)c.Url!).ToArray();
        if (certificateUrls.Length > 0) node["certificationInfo"] = new JsonArray(certificateUrls);
        if (first) node["ilmd"] = Ilmd(batch);
        if (corrections is { Count: > 0 })
            node["errorDeclaration"] = new JsonObject
            {
                ["declarationTime"] = HashChain.FormatRecordedAt(corrections[0].RecordedAt),
                ["reason"] = "incorrect_data",
                ["correctiveEventIDs"] = new JsonArray(corrections.Select(c => (JsonNode)$"urn:uuid:{c.Id}").ToArray()),
            };
        node["ocop:sequence"] = e.Sequence;
        node["ocop:hash"] = e.Hash;
        if (e.PreviousHash is not null) node["ocop:previousHash"] = e.PreviousHash;
        if (e.Corrects is { } corrected) node["ocop:corrects"] = $"urn:uuid:{corrected}";
        if (e.Location?.Name is { } place) node["ocop:location"] = place;
        if (e.Actor is not null) node["ocop:actor"] = e.Actor;
        if (e.Note is not null) node["ocop:note"] = e.Note;
        if (e.Attributes.Count > 0) node["ocop:attributes"] = new JsonObject(e.Attributes.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
        if (e.Certificates.Count > 0)
            node["ocop:certificates"] = new JsonArray(e.Certificates.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name, ["number"] = c.Number, ["issuedBy"] = c.IssuedBy,
                ["validUntil"] = c.ValidUntil?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["url"] = c.Url,
            }).ToArray());
        return node;
    }

    private static JsonObject Quantity(string epcClass, decimal? quantity, string? unit)
    {
        var q = new JsonObject { ["epcClass"] = epcClass };
        if (quantity is { } amount)
        {
            q["quantity"] = amount;
            if (unit is not null) q["uom"] = unit;
        }
        return q;
    }

    private static JsonObject Ilmd(Batch batch)
    {
        var ilmd = new JsonObject { ["cbvmda:lotNumber"] = batch.LotNumber };
        if (batch.ExpiresOn is { } expires) ilmd["cbvmda:itemExpirationDate"] = expires.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        ilmd["ocop:tracingCode"] = batch.Code;
        ilmd["ocop:productionDate"] = batch.ProducedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return ilmd;
    }

    private static string Offset(DateTimeOffset t) =>
        (t.Offset < TimeSpan.Zero ? "-" : "+") + t.Offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);
}
