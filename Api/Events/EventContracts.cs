using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.RegularExpressions;
using Traceability.Api.Wire;
using Traceability.Domain;
using Traceability.Domain.Events;

namespace Traceability.Api.Events;

public sealed record EventLocationDto(string? Name, double? Latitude, double? Longitude, string? Gln);

public sealed record EventCertificateDto([property: Required] string? Name, string? Number, string? IssuedBy, DateOnly? ValidUntil, string? Url);

/// <summary>One supply-chain step as a producer reports it.</summary>
/// <param name="OccurredAt">ISO 8601 with an offset, e.g. 2025-11-20T06:30:00+07:00; at most 10 minutes in the future.</param>
/// <param name="Corrects">The id of an earlier event of the same batch that this one corrects.</param>
/// <param name="Items">Serials of the batch's items the step concerns (a carton of 24 jars shipped), at most 1,000.</param>
public sealed record EventRequest(
    [property: Required, OneOf(typeof(EventType))] string? Type, [property: Required] string? OccurredAt, EventLocationDto? Location,
    string? Actor, string? Note, Dictionary<string, string?>? Attributes, List<EventCertificateDto?>? Certificates, Guid? Corrects,
    List<string?>? Items = null, Guid? Receiver = null);

/// <summary>An event for the bulk upload, naming its batch.</summary>
public sealed record BulkEventRequest(
    [property: Required] Guid? BatchId, [property: Required, OneOf(typeof(EventType))] string? Type, [property: Required] string? OccurredAt,
    EventLocationDto? Location, string? Actor, string? Note, Dictionary<string, string?>? Attributes, List<EventCertificateDto?>? Certificates, Guid? Corrects,
    List<string?>? Items = null, Guid? Receiver = null)
{
    public EventRequest ToEvent() => new(Type, OccurredAt, Location, Actor, Note, Attributes, Certificates, Corrects, Items, Receiver);
}

public sealed record BulkEventsRequest([property: Required] List<BulkEventRequest?>? Events);

public static partial class EventInput
{
    public const int MaxBulk = 1000;

    /// <summary>Validates one event; field paths start with <paramref name="prefix"/> ("" or "events[3].").</summary>
    public static NewEvent? Read(EventRequest r, Guid batchId, DateTimeOffset now, FieldErrors v, string prefix)
    {
        var type = v.Enum<EventType>(prefix + "type", r.Type);
        if (type is { } t) EventRules.CheckType(v, prefix + "type", t, r.Type!);
        var occurredAt = ReadTime(r.OccurredAt, now, v, prefix + "occurredAt");
        EventLocation? location = null;
        if (r.Location is { } l)
        {
            var name = v.Optional(prefix + "location.name", l.Name, 200);
            v.Coordinates(prefix + "location.", l.Latitude, l.Longitude);
            var gln = v.Optional(prefix + "location.gln", l.Gln, 13);
            if (gln is not null && !EventRules.IsGln(gln)) v.Add(prefix + "location.gln", "A 13-digit GS1 Global Location Number with a valid check digit.");
            location = new EventLocation(name, EventRules.Round(l.Latitude), EventRules.Round(l.Longitude), gln);
            if (location is { Name: null, Latitude: null, Gln: null }) location = null;
        }
        var actor = v.Optional(prefix + "actor", r.Actor, 200);
        var note = v.Optional(prefix + "note", r.Note, 2000, multiLine: true);
        var attributes = EventRules.Attributes(v, prefix, r.Attributes);
        var certificates = new List<EventCertificate>();
        if (r.Certificates is { Count: > EventRules.MaxCertificates }) v.Add(prefix + "certificates", $"At most {EventRules.MaxCertificates}.");
        for (var i = 0; i < (r.Certificates?.Count ?? 0); i++)
        {
            var c = r.Certificates![i];
            var path = $"{prefix}certificates[{i}].";
            if (c is null) { v.Add($"{prefix}certificates[{i}]", "Required."); continue; }
            var url = v.Optional(path + "url", c.Url, 2000);
            if (url is not null && !EventRules.IsCertificateUrl(url)) v.Add(path + "url", "An absolute https:// URL.");
            certificates.Add(new EventCertificate(v.Required(path + "name", c.Name, 200), v.Optional(path + "number", c.Number, 100),
                v.Optional(path + "issuedBy", c.IssuedBy, 200), v.Date(path + "validUntil", c.ValidUntil), url));
        }
        var items = EventRules.Items(v, prefix, r.Items);
        if (r.Receiver is not null && type is not null && type != EventType.Shipping)
            v.Add(prefix + "receiver", "Only a shipping event names a receiver: the account the lot is shipped to.");
        return v.IsValid && type is not null && occurredAt is not null
            ? new NewEvent(batchId, type.Value, occurredAt.Value, location, actor, note, attributes, certificates, r.Corrects) { Items = items, Receiver = r.Receiver }
            : null;
    }

    private static DateTimeOffset? ReadTime(string? value, DateTimeOffset now, FieldErrors v, string field)
    {
        if (string.IsNullOrWhiteSpace(value)) { v.Add(field, "Required: ISO 8601 with an offset, e.g. 2025-11-20T06:30:00+07:00."); return null; }
        if (!WithOffset().IsMatch(value) || !DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            v.Add(field, "ISO 8601 with an offset (Z or ±hh:mm), e.g. 2025-11-20T06:30:00+07:00.");
            return null;
        }
        EventRules.CheckOccurredAt(v, field, time, now);
        return time;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex WithOffset();
}

public sealed record EventResponse(
    Guid Id, Guid BatchId, string Batch, long Sequence, [property: OneOf(typeof(EventType))] string Type, string OccurredAt, string RecordedAt,
    EventLocationDto? Location, string? Actor, string? Note, IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyList<EventCertificateDto> Certificates, Guid? Corrects, string? PreviousHash, string Hash, IReadOnlyList<string> Items,
    string? ItemsDigest, string? EpcisEventHash, Guid? RecordedBy, Guid? Receiver)
{
    /// <summary>An event as its producer reads it: the strings are exactly those the hash was computed over, and the
    /// serials of the items it names (hashed through <c>itemsDigest</c> where there is one).</summary>
    public static EventResponse From(SupplyChainEvent e) => new(e.Id, e.BatchId, e.BatchCode, e.Sequence, WireEnum<EventType>.Name(e.Type),
        HashChain.FormatOccurredAt(e.OccurredAt), HashChain.FormatRecordedAt(e.RecordedAt),
        e.Location is { } l ? new EventLocationDto(l.Name, l.Latitude, l.Longitude, l.Gln) : null, e.Actor, e.Note, e.Attributes,
        e.Certificates.Select(c => new EventCertificateDto(c.Name, c.Number, c.IssuedBy, c.ValidUntil, c.Url)).ToList(),
        e.Corrects, e.PreviousHash, e.Hash, e.Items, e.ItemsDigest, e.EpcisEventHash, e.RecordedBy, e.Receiver);

    /// <summary>An event as the public record shows it: never a serial (its digest verifies in its place).</summary>
    public static EventResponse Public(SupplyChainEvent e) => From(e) with { Items = [] };
}

public sealed record BulkEventsResponse(IReadOnlyList<EventResponse> Events);

public sealed record VerificationResponse(bool Valid, long EventCount, string? HeadHash, long? FirstInvalidSequence);

public sealed record EventTypeResponse(string Type, string LabelVi, string LabelEn, string BizStep, string? Disposition, bool Recordable)
{
    public static EventTypeResponse From(EventTypeInfo i) => new(i.Name, i.LabelVi, i.LabelEn, i.BizStep, i.Disposition, i.Recordable);
}
