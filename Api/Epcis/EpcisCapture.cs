using System.Globalization;
using System.Text.Json;
using Traceability.Api.Events;
using Traceability.Domain;
using Traceability.Domain.Events;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Epcis;

/// <summary>Reads a captured EPCISDocument into events on the caller's batches, all or nothing. An ObjectEvent
/// becomes an event of the batch its lot (quantityList, epcClass) or its items (epcList, the caller's serials) name;
/// its step comes from ocop:step (what this API's export writes) or from its bizStep; the rest of the project's
/// fields from readPoint, bizLocation and the ocop: terms. What cannot be stored as it was sent is refused, naming the
/// event's index and why — nothing is dropped quietly.</summary>
public static class EpcisCapture
{
    public const int MaxEvents = 1000;

    /// <summary>Fields stored: as the event's own (step, time, place, items, certificates, the ocop: terms), or kept as
    /// sent beside it (eventID, action, disposition, quantity and unit, ilmd); recordTime and the chain's fields are this
    /// API's to set. Anything else is refused, naming it.</summary>
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "@context", "type", "eventID", "eventTime", "eventTimeZoneOffset", "recordTime", "action", "bizStep", "disposition", "quantityList",
        "epcList", "readPoint", "bizLocation", "certificationInfo", "ilmd",
        "ocop:step", "ocop:sequence", "ocop:hash", "ocop:previousHash", "ocop:eventHash", "ocop:location", "ocop:actor", "ocop:note", "ocop:attributes",
        "ocop:certificates",
    };

    /// <summary>One event to append, with the eventID it was sent with (for idempotency), if any, and the EPCIS fields
    /// kept as sent.</summary>
    public sealed record Captured(int Index, NewEvent Event, string? EventId, EpcisRepository.SentFields Sent);

    public static async Task<IReadOnlyList<Captured>> ReadAsync(JsonElement document, Guid producerId, string publicBase, EpcisRepository epcis,
        ItemRepository serials, DateTimeOffset now, CancellationToken ct)
    {
        var v = new FieldErrors();
        if (document.ValueKind != JsonValueKind.Object) throw ValidationFailedException.For("body", "An EPCISDocument (a JSON object).");
        // The cheap limit before the expensive check: the schema is evaluated only on a document of at most MaxEvents.
        if (document.TryGetProperty("epcisBody", out var body) && body.ValueKind == JsonValueKind.Object
            && body.TryGetProperty("eventList", out var list) && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() > MaxEvents)
            throw new BadHttpRequestException($"At most {MaxEvents} events a capture (GS1-EPCIS-Capture-Limit); this one has {list.GetArrayLength()}: "
                                              + "send them in several.", StatusCodes.Status413PayloadTooLarge);
        foreach (var (path, message) in EpcisSchema.Problems(document)) v.Add(path, message);
        v.ThrowIfInvalid();
        if (document.GetProperty("type").GetString() != "EPCISDocument") throw ValidationFailedException.For("type", "Capture takes an EPCISDocument.");
        var events = document.GetProperty("epcisBody").GetProperty("eventList");

        // Every serial named anywhere, looked up at once.
        var named = events.EnumerateArray().SelectMany(e => Strings(e, "epcList")).Select(u => EpcisIdentifiers.Serial(u, publicBase)).OfType<string>().ToList();
        var batchOfSerial = await serials.BatchesOfAsync(named, ct);
        var lots = new Dictionary<string, EpcisRepository.Lot?>(StringComparer.Ordinal);
        var captured = new List<Captured>();
        var seenIds = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var e in events.EnumerateArray())
        {
            var at = $"epcisBody.eventList[{index}]";
            var i = index++;
            if (Text(e, "type") != "ObjectEvent")
            {
                v.Add(at + ".type", $"Only ObjectEvents are captured ({Text(e, "type")}: a batch made from others is registered with its parents, POST /api/v1/batches).");
                continue;
            }
            var unknown = e.EnumerateObject().Select(p => p.Name).Where(n => !Known.Contains(n)).ToList();
            if (e.TryGetProperty("ocop:corrects", out _)) v.Add(at + ".ocop:corrects", "A correction is recorded with POST /api/v1/batches/{id}/events naming the event it corrects.");
            else if (e.TryGetProperty("errorDeclaration", out _))
                v.Add(at + ".errorDeclaration", "An error declaration cannot be captured: record the correction with POST /api/v1/batches/{id}/events naming the event it corrects.");
            else if (unknown.Count > 0) v.Add(at, $"This API cannot store {string.Join(", ", unknown)}; leave them out or record them as ocop:attributes.");
            if (Text(e, "action") is "DELETE") v.Add(at + ".action", "DELETE cannot be captured: events are append-only; record a correction instead.");

            var batchId = await BatchOf(e, at, producerId, publicBase, epcis, lots, batchOfSerial, v, ct);
            var step = StepOf(e, at, publicBase, v);
            var eventId = Text(e, "eventID");
            if (eventId is not null && !seenIds.Add(eventId)) v.Add(at + ".eventID", "Sent twice in this document.");
            if (batchId is null || step is null) continue;

            var request = new EventRequest(WireEnum<EventType>.Name(step.Value), OccurredAt(e), Location(e), Text(e, "ocop:actor"), Text(e, "ocop:note"),
                Attributes(e, at, v), Certificates(e), null,
                Strings(e, "epcList").Select(u => EpcisIdentifiers.Serial(u, publicBase)).OfType<string?>().ToList());
            var sent = Sent(e, at, eventId, v);
            if (EventInput.Read(request, batchId.Value, now, v, at + ".") is { } read && sent is not null) captured.Add(new Captured(i, read, eventId, sent));
        }
        v.ThrowIfInvalid();
        return captured;
    }

    /// <summary>What is kept as sent: the eventID, the action, the disposition, one quantity with its unit, the ilmd.</summary>
    private static EpcisRepository.SentFields? Sent(JsonElement e, string at, string? eventId, FieldErrors v)
    {
        decimal? quantity = null;
        string? uom = null;
        if (e.TryGetProperty("quantityList", out var q) && q.ValueKind == JsonValueKind.Array)
        {
            var withQuantity = q.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Object && x.TryGetProperty("quantity", out _)).ToList();
            if (q.GetArrayLength() > 1 && withQuantity.Count > 0)
            {
                v.Add(at + ".quantityList", "With quantities, name the lot once: one quantity per event.");
                return null;
            }
            if (withQuantity.FirstOrDefault() is { ValueKind: JsonValueKind.Object } entry)
            {
                if (!entry.GetProperty("quantity").TryGetDecimal(out var amount) || !Bounds.IsQuantity(amount))
                {
                    v.Add(at + ".quantityList[0].quantity", Bounds.QuantityRule);
                    return null;
                }
                quantity = Bounds.Normalize(amount);
                uom = Text(entry, "uom");
                if (uom is { Length: > 10 }) { v.Add(at + ".quantityList[0].uom", "A UN/CEFACT unit code (KGM, LTR, H87…)."); return null; }
            }
        }
        var ilmd = e.TryGetProperty("ilmd", out var m) ? m.GetRawText() : null;
        if (ilmd is { Length: > 10_000 }) { v.Add(at + ".ilmd", "At most 10,000 characters of lot master data."); return null; }
        var disposition = Text(e, "disposition");
        if (disposition is { Length: > 500 }) { v.Add(at + ".disposition", "At most 500 characters."); return null; }
        return new EpcisRepository.SentFields(eventId, Text(e, "action") ?? "OBSERVE", disposition, quantity, uom, ilmd);
    }

    /// <summary>The one batch of the caller's that the event's lots and items name.</summary>
    private static async Task<Guid?> BatchOf(JsonElement e, string at, Guid producerId, string publicBase, EpcisRepository epcis,
        Dictionary<string, EpcisRepository.Lot?> lots, IReadOnlyDictionary<string, Guid> batchOfSerial, FieldErrors v, CancellationToken ct)
    {
        var batches = new HashSet<Guid>();
        var classes = e.TryGetProperty("quantityList", out var q) && q.ValueKind == JsonValueKind.Array
            ? q.EnumerateArray().Select(x => Text(x, "epcClass")).OfType<string>().ToList() : [];
        foreach (var (uri, n) in classes.Select((u, n) => (u, n)))
        {
            if (!lots.TryGetValue(uri, out var lot))
            {
                lot = EpcisIdentifiers.Lot(uri, publicBase) is not { } id ? null
                    : id.Code is { } code ? await epcis.LotByCodeAsync(code, ct) : await epcis.LotAsync(id.Gtin14!, id.LotNumber!, ct);
                lots[uri] = lot;
            }
            if (lot is null || lot.ProducerId != producerId)
                v.Add($"{at}.quantityList[{n}].epcClass", EpcisIdentifiers.Lot(uri, publicBase) is null
                    ? "Not a lot this API knows: a GS1 Digital Link with a GTIN and a lot (…/01/{gtin}/10/{lot}) or this API's /p/{code}."
                    : "None of your batches is this lot.");
            else batches.Add(lot.BatchId);
        }
        foreach (var (uri, n) in Strings(e, "epcList").Select((u, n) => (u, n)))
        {
            if (EpcisIdentifiers.Serial(uri, publicBase) is { } serial && batchOfSerial.TryGetValue(serial, out var batch) && await OwnedAsync(batch))
                batches.Add(batch);
            else v.Add($"{at}.epcList[{n}]", "Not an item of one of your batches: an item's Digital Link (…/01/{gtin}/21/{serial}) or /p/{code}/{serial}.");
        }
        if (classes.Count == 0 && !e.TryGetProperty("epcList", out _)) v.Add(at, "Names no lot (quantityList) or item (epcList) of yours.");
        if (batches.Count > 1) v.Add(at, "Names lots or items of more than one batch; send one event per batch.");
        return batches.Count == 1 ? batches.Single() : null;

        async Task<bool> OwnedAsync(Guid batch) =>
            lots.Values.Any(l => l?.BatchId == batch && l.ProducerId == producerId) || await epcis.OwnerOfAsync(batch, ct) == producerId;
    }

    private static EventType? StepOf(JsonElement e, string at, string publicBase, FieldErrors v)
    {
        if (Text(e, "ocop:step") is { } name)
        {
            if (WireEnum<EventType>.TryParse(name, out var named)) return named;
            v.Add(at + ".ocop:step", $"One of: {string.Join(", ", EventTypes.All.Where(t => t.Recordable).Select(t => t.Name))}.");
            return null;
        }
        if (Text(e, "bizStep") is not { } bizStep)
        {
            v.Add(at + ".bizStep", "Required: the step (a CBV bizStep such as packing or shipping, or ocop:step).");
            return null;
        }
        if (EpcisIdentifiers.Step(bizStep, publicBase) is { } step) return step;
        v.Add(at + ".bizStep", $"No step of this API is '{bizStep}'. CBV steps it knows: "
                              + string.Join(", ", EventTypes.All.Where(t => t.Recordable && !t.BizStep.StartsWith(EventTypes.ExtensionPrefix, StringComparison.Ordinal)).Select(t => t.BizStep))
                              + "; or name the step with ocop:step.");
        return null;
    }

    /// <summary>eventTime at its own offset (eventTimeZoneOffset), as a producer would have written it.</summary>
    private static string? OccurredAt(JsonElement e)
    {
        if (Text(e, "eventTime") is not { } time || !DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)) return Text(e, "eventTime");
        if (Text(e, "eventTimeZoneOffset") is { } offset && TimeSpan.TryParse(offset.TrimStart('+'), CultureInfo.InvariantCulture, out var o))
            t = t.ToOffset(offset.StartsWith('-') ? -o.Duration() : o);
        return t.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);
    }

    private static EventLocationDto? Location(JsonElement e)
    {
        var name = Text(e, "ocop:location");
        double? latitude = null, longitude = null;
        string? gln = null;
        if (e.TryGetProperty("readPoint", out var rp) && Text(rp, "id") is { } id)
        {
            if (id.StartsWith("geo:", StringComparison.Ordinal))
            {
                var parts = id[4..].Split(';')[0].Split(',');
                if (parts.Length >= 2 && double.TryParse(parts[0], CultureInfo.InvariantCulture, out var lat) && double.TryParse(parts[1], CultureInfo.InvariantCulture, out var lon))
                    (latitude, longitude) = (lat, lon);
            }
            else gln = EpcisIdentifiers.Gln(id);
        }
        if (gln is null && e.TryGetProperty("bizLocation", out var bl) && Text(bl, "id") is { } where) gln = EpcisIdentifiers.Gln(where);
        return name is null && latitude is null && gln is null ? null : new EventLocationDto(name, latitude, longitude, gln);
    }

    private static Dictionary<string, string?>? Attributes(JsonElement e, string at, FieldErrors v)
    {
        if (!e.TryGetProperty("ocop:attributes", out var a)) return null;
        if (a.ValueKind != JsonValueKind.Object)
        {
            v.Add(at + ".ocop:attributes", "An object of text values.");
            return null;
        }
        return a.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText());
    }

    private static List<EventCertificateDto?>? Certificates(JsonElement e)
    {
        var list = new List<EventCertificateDto?>();
        if (e.TryGetProperty("ocop:certificates", out var c) && c.ValueKind == JsonValueKind.Array)
            list.AddRange(c.EnumerateArray().Select(x => (EventCertificateDto?)new EventCertificateDto(Text(x, "name"), Text(x, "number"), Text(x, "issuedBy"),
                DateOnly.TryParse(Text(x, "validUntil"), CultureInfo.InvariantCulture, out var d) ? d : null, Text(x, "url"))));
        // A certificate given only by its URL (certificationInfo) is kept by that URL.
        foreach (var url in Strings(e, "certificationInfo").Where(u => list.All(x => x?.Url != u)))
            list.Add(new EventCertificateDto(url, null, null, null, url));
        return list.Count > 0 ? list : null;
    }

    private static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    private static IEnumerable<string> Strings(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var p)
            ? p.ValueKind == JsonValueKind.Array ? p.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!)
            : p.ValueKind == JsonValueKind.String ? [p.GetString()!] : []
            : [];
}
