using System.Globalization;
using System.Text.Json;
using Traceability.Api.Events;
using Traceability.Domain;
using Traceability.Domain.Events;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Epcis;

/// <summary>Reads a captured EPCISDocument, all or nothing. Every event of the five EPCIS 2.0 types is kept as sent
/// (<see cref="EpcisKeeping"/>), with its CBV 2.0 hash. An event whose lots or items (what it is about: an Object- or
/// TransactionEvent's epcList and quantityList, an Aggregation- or AssociationEvent's children, a TransformationEvent's
/// outputs) are the caller's own also becomes an event of that batch: its step from ocop:step or its bizStep, the rest
/// of the project's fields from readPoint, bizLocation and the ocop: terms, and its hash in the batch's chain. An event
/// that names no lot or item of this registry is kept for its capturer alone. One that names another producer's is
/// refused, as is anything that cannot be stored as it was sent, naming the event's index and why.</summary>
public static class EpcisCapture
{
    public const int MaxEvents = 1000;

    /// <summary>Longest identifier, step, disposition or location kept in a queryable column.</summary>
    public const int MaxIdentifier = 400;

    /// <summary>What an event of each type is about, as its lots (quantity lists) and items (EPC lists).</summary>
    private static (string[] Classes, string[] Instances) Targets(string type) => type switch
    {
        "AggregationEvent" or "AssociationEvent" => (["childQuantityList"], ["childEPCs"]),
        "TransformationEvent" => (["outputQuantityList"], ["outputEPCList"]),
        _ => (["quantityList"], ["epcList"]),
    };

    private static readonly string[] ClassLists = ["quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"];
    private static readonly string[] InstanceLists = ["epcList", "childEPCs", "inputEPCList", "outputEPCList", "parentID"];

    /// <summary>One event to keep, with the batch event it feeds (null: it names no lot of this registry), the eventID it
    /// was sent with (for idempotency), and the EPCIS fields kept beside that batch event.</summary>
    public sealed record Captured(int Index, NewEvent? Event, string? EventId, EpcisRepository.SentFields? Sent, Kept Kept)
    {
        /// <summary>A TransformationEvent's inputs that are lots of this registry: its output lot was made from them.</summary>
        public IReadOnlyList<BatchParent> Inputs { get; init; } = [];
    }

    /// <summary>The event as kept: its type, time, the columns a query filters on, its canonical JSON, the namespaces it
    /// uses and its CBV 2.0 hash.</summary>
    public sealed record Kept(string Type, DateTimeOffset EventTime, string? BizStep, string? Disposition, string? ReadPoint, string? BizLocation,
        string Body, string? Namespaces, string Hash, IReadOnlyList<(string Epc, char Kind)> Epcs);

    public static async Task<IReadOnlyList<Captured>> ReadAsync(JsonElement document, Guid producerId, string publicBase, EpcisRepository epcis,
        ItemRepository serials, LotHolderRepository holders, DateTimeOffset now, CancellationToken ct)
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
        var prefixes = EpcisKeeping.Prefixes(document);

        // Every serial named anywhere, looked up at once.
        var named = events.EnumerateArray().SelectMany(e => Strings(e, "epcList").Concat(Strings(e, "childEPCs")).Concat(Strings(e, "outputEPCList"))
                .Concat(Strings(e, "inputEPCList")))
            .Select(u => EpcisIdentifiers.Serial(u, publicBase)).OfType<string>().Distinct().ToList();
        var batchOfSerial = await serials.BatchesOfAsync(named, ct);
        var lots = new Dictionary<string, EpcisRepository.Lot?>(StringComparer.Ordinal);
        var owners = new Dictionary<Guid, Guid?>();
        var captured = new List<Captured>();
        var seenIds = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var e in events.EnumerateArray())
        {
            var at = $"epcisBody.eventList[{index}]";
            var i = index++;
            var type = Text(e, "type")!;
            var eventId = Text(e, "eventID");
            if (eventId is not null && !seenIds.Add(eventId)) v.Add(at + ".eventID", "Sent twice in this document.");
            if (eventId is { Length: > MaxIdentifier }) v.Add(at + ".eventID", $"At most {MaxIdentifier} characters.");
            var kept = Keep(e, type, at, prefixes, v);
            var (batchId, held) = await BatchOf(e, type, at, producerId, publicBase, epcis, holders, lots, owners, batchOfSerial, v, ct);
            if (kept is null) continue;
            if (batchId is null)
            {
                captured.Add(new Captured(i, null, eventId, null, kept));
                continue;
            }

            // Attached: the batch's own event, in its chain.
            if (e.TryGetProperty("ocop:corrects", out _)) v.Add(at + ".ocop:corrects", "A correction is recorded with POST /api/v1/batches/{id}/events naming the event it corrects.");
            if (e.TryGetProperty("errorDeclaration", out _))
                v.Add(at + ".errorDeclaration", "An error declaration about your own lot cannot be captured: record the correction with POST /api/v1/batches/{id}/events naming the event it corrects.");
            if (Text(e, "action") is "DELETE") v.Add(at + ".action", "DELETE about your own lot cannot be captured: its events are append-only; record a correction instead.");
            var step = StepOf(e, at, publicBase, v);
            if (step is null) continue;
            if (held && !Handovers.HolderSteps.Contains(step.Value)) v.Add(at + ".bizStep", Handovers.HolderStepsRule);
            var items = Targets(type).Instances.SelectMany(n => Strings(e, n)).Select(u => EpcisIdentifiers.Serial(u, publicBase)).OfType<string?>().ToList();
            var request = new EventRequest(WireEnum<EventType>.Name(step.Value), OccurredAt(e), Location(e), Text(e, "ocop:actor"), Text(e, "ocop:note"),
                Attributes(e, at, v), Certificates(e), null, items);
            var sent = Sent(e, type, at, eventId, v);
            var inputs = type == "TransformationEvent" && !held ? await InputsAsync(e, batchId.Value, publicBase, epcis, lots, batchOfSerial, ct) : [];
            if (EventInput.Read(request, batchId.Value, now, v, at + ".") is { } read && sent is not null)
                captured.Add(new Captured(i, read with { EpcisEventHash = kept.Hash, RecordedBy = held ? producerId : null }, eventId, sent, kept) { Inputs = inputs });
        }
        v.ThrowIfInvalid();
        return captured;
    }

    /// <summary>The lots of this registry a TransformationEvent names as its inputs (by lot, with its quantity, or by item),
    /// anyone's, as a batch registered with its inputs may name anyone's by public code.</summary>
    private static async Task<IReadOnlyList<BatchParent>> InputsAsync(JsonElement e, Guid output, string publicBase, EpcisRepository epcis,
        Dictionary<string, EpcisRepository.Lot?> lots, IReadOnlyDictionary<string, Guid> batchOfSerial, CancellationToken ct)
    {
        var inputs = new Dictionary<Guid, decimal?>();
        if (e.TryGetProperty("inputQuantityList", out var q) && q.ValueKind == JsonValueKind.Array)
            foreach (var entry in q.EnumerateArray())
            {
                if (Text(entry, "epcClass") is not { } uri) continue;
                if (!lots.TryGetValue(uri, out var lot))
                {
                    lot = EpcisIdentifiers.Lot(uri, publicBase) is not { } id ? null
                        : id.Code is { } code ? await epcis.LotByCodeAsync(code, ct) : await epcis.LotAsync(id.Gtin14!, id.LotNumber!, ct);
                    lots[uri] = lot;
                }
                if (lot is null || lot.BatchId == output) continue;
                decimal? quantity = entry.TryGetProperty("quantity", out var n) && n.TryGetDecimal(out var amount) && Bounds.IsQuantity(amount) ? Bounds.Normalize(amount) : null;
                inputs[lot.BatchId] = inputs.TryGetValue(lot.BatchId, out var sum) && sum is { } s && quantity is { } add ? s + add : quantity ?? sum;
            }
        foreach (var uri in Strings(e, "inputEPCList"))
            if (EpcisIdentifiers.Serial(uri, publicBase) is { } serial && batchOfSerial.TryGetValue(serial, out var batch) && batch != output)
                inputs.TryAdd(batch, null);
        return inputs.Select(p => new BatchParent(p.Key, p.Value)).ToList();
    }

    /// <summary>The event as kept, or null (with the reason) when a column it is queried by would not hold it.</summary>
    private static Kept? Keep(JsonElement e, string type, string at, IReadOnlyDictionary<string, string> prefixes, FieldErrors v)
    {
        if (EpcisKeeping.Canonical(e, out var duplicate) is not { } body)
        {
            v.Add($"{at}.{duplicate}", "This member is given twice in one object: send it once, so the event can be kept as sent.");
            return null;
        }
        body.Remove("recordTime");   // the repository's to set
        var hash = EventHash.Of(body, prefixes);
        var epcs = InstanceLists.SelectMany(n => Strings(e, n)).Select(x => (x, 'i'))
            .Concat(ClassLists.SelectMany(n => e.TryGetProperty(n, out var q) && q.ValueKind == JsonValueKind.Array
                ? q.EnumerateArray().Select(x => Text(x, "epcClass")).OfType<string>() : []).Select(x => (x, 'c')))
            .Select(p => (Traceability.Domain.Text.Normalize(p.x)!, p.Item2)).Distinct().ToList();
        var bizStep = Text(e, "bizStep") is { } b ? EpcisIdentifiers.ShortName(Traceability.Domain.Text.Normalize(b)!, "BizStep") : null;
        var disposition = Text(e, "disposition") is { } d ? EpcisIdentifiers.ShortName(Traceability.Domain.Text.Normalize(d)!, "Disp") : null;
        var readPoint = e.TryGetProperty("readPoint", out var rp) ? Traceability.Domain.Text.Normalize(Text(rp, "id")) : null;
        var bizLocation = e.TryGetProperty("bizLocation", out var bl) ? Traceability.Domain.Text.Normalize(Text(bl, "id")) : null;
        var tooLong = epcs.Select(x => x.Item1).Append(bizStep).Append(disposition).Append(readPoint).Append(bizLocation).FirstOrDefault(x => x is { Length: > MaxIdentifier });
        if (tooLong is not null)
        {
            v.Add(at, $"An identifier, step, disposition or location of at most {MaxIdentifier} characters (this one has {tooLong.Length}).");
            return null;
        }
        if (!DateTimeOffset.TryParse(Text(e, "eventTime"), CultureInfo.InvariantCulture, DateTimeStyles.None, out var eventTime) || !Bounds.Contains(eventTime))
        {
            v.Add(at + ".eventTime", "An ISO 8601 date and time with its offset.");
            return null;
        }
        var used = EpcisKeeping.Used(body, prefixes);
        return new Kept(type, eventTime, bizStep, disposition, readPoint, bizLocation, body.ToJsonString(), used.Count == 0 ? null : JsonSerializer.Serialize(used),
            hash, epcs);
    }

    /// <summary>What is kept as sent: the eventID, the action, the disposition, one quantity with its unit, the ilmd.</summary>
    private static EpcisRepository.SentFields? Sent(JsonElement e, string type, string at, string? eventId, FieldErrors v)
    {
        decimal? quantity = null;
        string? uom = null;
        if (e.TryGetProperty(Targets(type).Classes[0], out var q) && q.ValueKind == JsonValueKind.Array)
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

    /// <summary>The one batch the event is about (see <see cref="Targets"/>): the caller's own, or one shipped to it
    /// (held); null when it names no lot or item of this registry. Another producer's lot or item that was not shipped to
    /// the caller, or lots of more than one batch, are refused.</summary>
    private static async Task<(Guid? Batch, bool Held)> BatchOf(JsonElement e, string type, string at, Guid producerId, string publicBase, EpcisRepository epcis,
        LotHolderRepository holders, Dictionary<string, EpcisRepository.Lot?> lots, Dictionary<Guid, Guid?> owners,
        IReadOnlyDictionary<string, Guid> batchOfSerial, FieldErrors v, CancellationToken ct)
    {
        var batches = new HashSet<Guid>();
        var held = new HashSet<Guid>();
        async Task<bool> HoldsAsync(Guid batch) => held.Contains(batch) || (await holders.HoldsAsync(producerId, batch, ct) && held.Add(batch));
        var (classLists, instanceLists) = Targets(type);
        foreach (var listName in classLists)
        {
            if (!e.TryGetProperty(listName, out var q) || q.ValueKind != JsonValueKind.Array) continue;
            foreach (var (entry, n) in q.EnumerateArray().Select((x, n) => (x, n)))
            {
                if (Text(entry, "epcClass") is not { } uri) continue;
                if (!lots.TryGetValue(uri, out var lot))
                {
                    lot = EpcisIdentifiers.Lot(uri, publicBase) is not { } id ? null
                        : id.Code is { } code ? await epcis.LotByCodeAsync(code, ct) : await epcis.LotAsync(id.Gtin14!, id.LotNumber!, ct);
                    lots[uri] = lot;
                }
                if (lot is null) continue;
                owners[lot.BatchId] = lot.ProducerId;
                if (lot.ProducerId != producerId && !await HoldsAsync(lot.BatchId))
                    v.Add($"{at}.{listName}[{n}].epcClass", "This lot is another producer's, and was not shipped to you: only its producer, and those it ships it to, record events about it.");
                else batches.Add(lot.BatchId);
            }
        }
        foreach (var listName in instanceLists)
            foreach (var (uri, n) in Strings(e, listName).Select((u, n) => (u, n)))
            {
                if (EpcisIdentifiers.Serial(uri, publicBase) is not { } serial || !batchOfSerial.TryGetValue(serial, out var batch)) continue;
                if (!owners.TryGetValue(batch, out var owner)) owners[batch] = owner = await epcis.OwnerOfAsync(batch, ct);
                if (owner != producerId && !await HoldsAsync(batch))
                    v.Add($"{at}.{listName}[{n}]", "This item is another producer's, and was not shipped to you: only its producer, and those it ships it to, record events about it.");
                else batches.Add(batch);
            }
        if (batches.Count > 1) v.Add(at, "Names lots or items of more than one of your batches; send one event per batch.");
        return batches.Count == 1 ? (batches.Single(), held.Contains(batches.Single())) : (null, false);
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
