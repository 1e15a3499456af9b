using System.Globalization;
using System.Text.Json.Nodes;
using Traceability.Api.PublicRecords.Building;
using Traceability.Domain;
using Traceability.Domain.Events;

namespace Traceability.Api.Epcis;

/// <summary>Writes a batch's story as a GS1 EPCIS 2.0 JSON-LD document: a TransformationEvent for the batch made
/// from its parents, then one ObjectEvent per recorded event, in chain order.
/// <para>Read as JSON-LD it loses nothing: every extension term is defined in a context the document embeds (the
/// project's vocabulary is {PublicBaseUrl}/voc/), free-form attributes are JSON literals, and no value is null. Lots
/// are GS1 Digital Link URIs when the product has a GTIN, otherwise the batch's public URL.</para></summary>
public static class EpcisDocument
{
    public const string MediaType = "application/ld+json";
    public const string Context = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

    /// <summary>The project's vocabulary: the terms of the extension fields and of the steps CBV has no bizStep for.</summary>
    public static string Vocabulary(string publicBase) => $"{publicBase}/voc/";

    public static string ItemUri(string publicBase, string code, string? gtin14, string serial) => gtin14 is null
        ? publicBase + PublicLinks.ItemPagePath(code, serial)
        : $"https://id.gs1.org/01/{gtin14}/21/{Uri.EscapeDataString(serial)}";

    public static string LotUri(string publicBase, string code, string lotNumber, string? gtin14) => gtin14 is null
        ? publicBase + PublicLinks.PagePath(code)
        : $"https://id.gs1.org/01/{gtin14}/10/{Uri.EscapeDataString(lotNumber)}";

    /// <param name="withItems">Whether the reader may see the serials of the items an event names (their producer, and
    /// the authorities of its province): otherwise the events name their lot only — a listed serial is a label that can be
    /// copied — and each eventID is the hash of the event as written, so the public can check it.</param>
    /// <param name="sent">The EPCIS fields partners sent with captured events, kept as sent: what those events show.</param>
    public static JsonObject Build(string publicBase, Batch batch, Product product, IReadOnlyList<ParentLink> parents,
        IReadOnlyList<SupplyChainEvent> events, DateTimeOffset now, bool withItems,
        IReadOnlyDictionary<Guid, Infrastructure.Repositories.EpcisRepository.SentFields>? sent = null)
    {
        var lot = LotUri(publicBase, batch.Code, batch.LotNumber, product.Gtin);
        var prefixes = new Dictionary<string, string> { ["ocop"] = Vocabulary(publicBase) };
        var list = new JsonArray();
        if (parents.Count > 0) list.Add(WithHashId(Transformation(publicBase, batch, lot, parents), prefixes));
        // Each eventID is the event's CBV 2.0 hash. A correction names the hash of the event it corrects, which comes
        // before it; the corrected event's errorDeclaration (outside its hash) names the corrections' hashes.
        var ids = new Dictionary<Guid, string>();
        var nodes = new List<(SupplyChainEvent Event, JsonObject Node)>();
        foreach (var e in events)
        {
            var fields = sent?.GetValueOrDefault(e.Id);
            var node = WithHashId(ObjectEvent(publicBase, withItems ? e : e with { Items = [] }, batch, lot, product.Gtin,
                first: e.Sequence == 1 && parents.Count == 0, e.Corrects is { } c ? ids.GetValueOrDefault(c) : null, fields), prefixes);
            // A partner's eventID is what its event is known by; the CBV hash stays beside it.
            if (fields?.EventUri is { } partnerId)
            {
                node["ocop:eventHash"] = node["eventID"]!.GetValue<string>();
                node["eventID"] = partnerId;
            }
            ids[e.Id] = node["eventID"]!.GetValue<string>();
            nodes.Add((e, node));
        }
        var correctedBy = events.Where(e => e.Corrects is not null).GroupBy(e => e.Corrects!.Value).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var (e, node) in nodes)
        {
            if (correctedBy.GetValueOrDefault(e.Id) is { } corrections)
                node["errorDeclaration"] = new JsonObject
                {
                    ["declarationTime"] = HashChain.FormatRecordedAt(corrections[0].RecordedAt),
                    ["reason"] = "incorrect_data",
                    ["correctiveEventIDs"] = new JsonArray(corrections.Select(c => (JsonNode)ids[c.Id]).ToArray()),
                };
            list.Add(node);
        }
        return new JsonObject
        {
            ["@context"] = new JsonArray(Context, ExtensionContext(publicBase)),
            ["type"] = "EPCISDocument",
            ["schemaVersion"] = "2.0",
            ["creationDate"] = HashChain.FormatRecordedAt(now),
            ["epcisBody"] = new JsonObject { ["eventList"] = list },
        };
    }

    /// <summary>Steps after which the goods are not at the step's place (shipped, sold, recalled): no bizLocation.</summary>
    public static readonly IReadOnlySet<EventType> StepsWithoutBizLocation = new HashSet<EventType> { EventType.Shipping, EventType.RetailSelling, EventType.Recalling, EventType.RecallWithdrawn };

    /// <summary>A SimpleEventQuery's answer: the events as an EPCISQueryDocument, with the same contexts as the export.</summary>
    /// <param name="namespaces">The namespaces of the extension prefixes that events kept as captured use.</param>
    public static JsonObject QueryDocument(string publicBase, JsonArray events, DateTimeOffset now, JsonObject? namespaces = null) => new()
    {
        ["@context"] = namespaces is null ? new JsonArray(Context, ExtensionContext(publicBase)) : new JsonArray(Context, ExtensionContext(publicBase), namespaces),
        ["type"] = "EPCISQueryDocument",
        ["schemaVersion"] = "2.0",
        ["creationDate"] = HashChain.FormatRecordedAt(now),
        ["epcisBody"] = new JsonObject
        {
            ["queryResults"] = new JsonObject
            {
                ["queryName"] = "SimpleEventQuery",
                ["resultsBody"] = new JsonObject { ["eventList"] = events },
            },
        },
    };

    /// <summary>The extension terms, so that a JSON-LD processor keeps every one of them.</summary>
    private static JsonObject ExtensionContext(string publicBase) => new()
    {
        ["ocop"] = Vocabulary(publicBase),
        ["ocop:sequence"] = new JsonObject { ["@type"] = "http://www.w3.org/2001/XMLSchema#integer" },
        ["ocop:corrects"] = new JsonObject { ["@type"] = "@id" },
        // Attributes are whatever the producer measured (nhiệtĐộ, độẨm…): kept whole, as a JSON literal.
        ["ocop:attributes"] = new JsonObject { ["@type"] = "@json" },
        ["ocop:certificates"] = new JsonObject
        {
            ["@container"] = "@set",
            ["@context"] = new JsonObject
            {
                ["name"] = "https://schema.org/name",
                ["number"] = "ocop:certificateNumber",
                ["issuedBy"] = "ocop:issuedBy",
                ["validUntil"] = new JsonObject { ["@id"] = "https://schema.org/validUntil", ["@type"] = "http://www.w3.org/2001/XMLSchema#date" },
                ["url"] = new JsonObject { ["@id"] = "https://schema.org/url", ["@type"] = "@id" },
            },
        },
    };

    private static JsonObject Transformation(string publicBase, Batch batch, string lot, IReadOnlyList<ParentLink> parents)
    {
        var produced = new DateTimeOffset(batch.ProducedOn.ToDateTime(TimeOnly.MinValue), VietnamTime.Offset);
        var inputs = new JsonArray();
        foreach (var p in parents) inputs.Add(Quantity(LotUri(publicBase, p.Code, p.LotNumber, p.Gtin), p.Quantity, p.Unit));
        return new JsonObject
        {
            ["type"] = "TransformationEvent",
            ["eventID"] = "",
            ["eventTime"] = HashChain.FormatOccurredAt(produced),
            ["eventTimeZoneOffset"] = Offset(produced),
            ["recordTime"] = HashChain.FormatRecordedAt(batch.CreatedAt),
            ["inputQuantityList"] = inputs,
            ["outputQuantityList"] = new JsonArray(Quantity(lot, batch.Quantity, batch.Unit)),
            // CBV 2.0: the step that produces a quantity of a class-level identifier (the lot).
            ["bizStep"] = "creating_class_instance",
            ["ilmd"] = Ilmd(batch),
        };
    }

    /// <summary>Sets the event's eventID to its CBV 2.0 hash (the eventID itself is outside the hash).</summary>
    private static JsonObject WithHashId(JsonObject node, IReadOnlyDictionary<string, string> prefixes)
    {
        node["eventID"] = EventHash.Of(node, prefixes);
        return node;
    }

    /// <param name="correctedId">The eventID of the event this one corrects, if it is a correction.</param>
    /// <param name="sent">For a captured event: its action, disposition, quantity and ilmd as the partner sent them.</param>
    private static JsonObject ObjectEvent(string publicBase, SupplyChainEvent e, Batch batch, string lot, string? gtin14, bool first, string? correctedId,
        Infrastructure.Repositories.EpcisRepository.SentFields? sent = null)
    {
        var info = EventTypes.Of(e.Type);
        var node = new JsonObject
        {
            ["type"] = "ObjectEvent",
            ["eventID"] = "",
            ["eventTime"] = HashChain.FormatOccurredAt(e.OccurredAt),
            ["eventTimeZoneOffset"] = Offset(e.OccurredAt),
            ["recordTime"] = HashChain.FormatRecordedAt(e.RecordedAt),
            ["action"] = sent?.Action ?? (first ? "ADD" : "OBSERVE"),
            ["bizStep"] = BizStep(publicBase, info, first && sent is null),
            ["quantityList"] = new JsonArray(sent is not null ? Quantity(lot, sent.Quantity, sent.Uom)
                : first ? Quantity(lot, batch.Quantity, batch.Unit) : Quantity(lot, null, null)),
        };
        // The items the step names (a carton shipped), each by its SGTIN Digital Link (or its page, without a GTIN).
        if (e.Items.Count > 0) node["epcList"] = new JsonArray(e.Items.Select(serial => (JsonNode)ItemUri(publicBase, batch.Code, gtin14, serial)).ToArray());
        if ((sent is not null ? sent.Disposition : info.Disposition) is { } disposition) node["disposition"] = disposition;
        if (e.Location is { } l && (l.Gln is not null || l.Latitude is not null))
            node["readPoint"] = new JsonObject
            {
                ["id"] = l.Gln is not null ? $"https://id.gs1.org/414/{l.Gln}"
                    : $"geo:{CanonicalJson.FormatNumber(l.Latitude!.Value)},{CanonicalJson.FormatNumber(l.Longitude!.Value)}",
            };
        var certificateUrls = e.Certificates.Where(c => c.Url is not null).Select(c => (JsonNode)c.Url!).ToArray();
        // Where the goods are after the step, when it is a known place they stay at (not on their way out).
        if (e.Location?.Gln is { } gln && !StepsWithoutBizLocation.Contains(e.Type))
            node["bizLocation"] = new JsonObject { ["id"] = $"https://id.gs1.org/414/{gln}" };
        if (certificateUrls.Length > 0) node["certificationInfo"] = new JsonArray(certificateUrls);
        if (sent is not null) { if (sent.Ilmd is { } ilmd) node["ilmd"] = JsonNode.Parse(ilmd); }
        else if (first) node["ilmd"] = Ilmd(batch);
        // The project's step name, whatever bizStep CBV gives it, then the hash chain and what CBV has no field for.
        node["ocop:step"] = info.Name;
        node["ocop:sequence"] = e.Sequence;
        node["ocop:hash"] = e.Hash;
        Add(node, "ocop:previousHash", e.PreviousHash);
        Add(node, "ocop:corrects", correctedId);
        Add(node, "ocop:location", e.Location?.Name);
        Add(node, "ocop:actor", e.Actor);
        Add(node, "ocop:note", e.Note);
        // Who recorded a trader's step, and whom a shipping handed the lot to: accounts of this registry, by id (their
        // names are in the public record's parties).
        Add(node, "ocop:recordedBy", e.RecordedBy is { } by ? $"urn:uuid:{by:D}" : null);
        Add(node, "ocop:receiver", e.Receiver is { } to ? $"urn:uuid:{to:D}" : null);
        if (e.Attributes.Count > 0) node["ocop:attributes"] = new JsonObject(e.Attributes.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
        if (e.Certificates.Count > 0)
            node["ocop:certificates"] = new JsonArray(e.Certificates.Select(c =>
            {
                var certificate = new JsonObject { ["name"] = c.Name };
                Add(certificate, "number", c.Number);
                Add(certificate, "issuedBy", c.IssuedBy);
                Add(certificate, "validUntil", c.ValidUntil?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                Add(certificate, "url", c.Url);
                return (JsonNode)certificate;
            }).ToArray());
        return node;
    }

    /// <summary>CBV's bizStep, or the project's term for a step CBV has none for; the step that creates the lot (the
    /// first, ADD) is CBV's creating_class_instance when CBV has no name for the step itself.</summary>
    private static string BizStep(string publicBase, EventTypeInfo info, bool createsLot)
    {
        if (!info.BizStep.StartsWith(EventTypes.ExtensionPrefix, StringComparison.Ordinal)) return info.BizStep;
        return createsLot ? "creating_class_instance" : Vocabulary(publicBase) + info.BizStep[EventTypes.ExtensionPrefix.Length..];
    }

    /// <summary>Absent rather than null: GS1's tools (and its event hash) do not take nulls.</summary>
    private static void Add(JsonObject node, string key, string? value)
    {
        if (value is not null) node[key] = value;
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

    /// <summary>Lot master data (CBV 2.0 ilmd): CBV's lot number and expiry date, GS1's production date, and the
    /// batch's tracing code.</summary>
    private static JsonObject Ilmd(Batch batch)
    {
        var ilmd = new JsonObject { ["cbvmda:lotNumber"] = batch.LotNumber };
        if (batch.ExpiresOn is { } expires) ilmd["cbvmda:itemExpirationDate"] = expires.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        ilmd["gs1:productionDate"] = batch.ProducedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        ilmd["ocop:tracingCode"] = batch.Code;
        return ilmd;
    }

    private static string Offset(DateTimeOffset t) =>
        (t.Offset < TimeSpan.Zero ? "-" : "+") + t.Offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);
}
