namespace Traceability.Domain.Events;

public sealed record EventLocation(string? Name, double? Latitude, double? Longitude, string? Gln);

public sealed record EventCertificate(string Name, string? Number, string? IssuedBy, DateOnly? ValidUntil, string? Url);

/// <summary>What a producer reports about one step, before the chain gives it a place.</summary>
public sealed record NewEvent(
    Guid BatchId, EventType Type, DateTimeOffset OccurredAt, EventLocation? Location, string? Actor, string? Note,
    IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<EventCertificate> Certificates, Guid? Corrects)
{
    /// <summary>The serials of the items the event concerns (a carton shipped), if it names any.</summary>
    public IReadOnlyList<string> Items { get; init; } = [];

    /// <summary>The CBV 2.0 event hash of the EPCIS event this one was captured from (kept as sent), which the chain then
    /// covers; null for an event recorded through this API's own endpoints.</summary>
    public string? EpcisEventHash { get; init; }

    /// <summary>The account that recorded it when that is not the batch's producer: a trader the lot was shipped to.</summary>
    public Guid? RecordedBy { get; init; }

    /// <summary>For a shipping event: the account the lot is shipped to, which may then record its own events about the lot.</summary>
    public Guid? Receiver { get; init; }
}

/// <summary>A recorded event: append-only, its place in the batch's hash chain fixed by
/// <see cref="Sequence"/>, <see cref="PreviousHash"/> and <see cref="Hash"/> (see docs/hash-chain.md).</summary>
public sealed record SupplyChainEvent(
    Guid Id, Guid BatchId, string BatchCode, long Sequence, EventType Type, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt,
    EventLocation? Location, string? Actor, string? Note, IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyList<EventCertificate> Certificates, Guid? Corrects, string? PreviousHash, string Hash)
{
    /// <summary>The serials of the items the event concerns, in the order given. Only their producer sees them: the
    /// hash covers them through <see cref="ItemsDigest"/>, which the public sees instead.</summary>
    public IReadOnlyList<string> Items { get; init; } = [];

    /// <summary>The SHA-256 of the items' canonical JSON array (<see cref="HashChain.ItemsDigest"/>), hashed in their place,
    /// so that anyone can verify the chain without being shown a serial. Null for an event without items, and for events
    /// recorded before items were hidden, whose hash covers the serials themselves.</summary>
    public string? ItemsDigest { get; init; }

    /// <summary>The CBV 2.0 hash of the EPCIS event it was captured from, kept as sent (docs/hash-chain.md); null for the
    /// events recorded through this API's own endpoints.</summary>
    public string? EpcisEventHash { get; init; }

    /// <summary>The trader that recorded it (null: the batch's producer), in the chain.</summary>
    public Guid? RecordedBy { get; init; }

    /// <summary>The account a shipping event hands the lot to, in the chain.</summary>
    public Guid? Receiver { get; init; }

    /// <summary>Timestamps are kept to the millisecond, the precision the hash is computed over.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerMillisecond, t.Offset);

    /// <summary>Places <paramref name="e"/> after <paramref name="previousHash"/> as number <paramref name="sequence"/> of the chain.</summary>
    public static SupplyChainEvent Chain(Guid id, NewEvent e, string batchCode, long sequence, string? previousHash, DateTimeOffset recordedAt)
    {
        var unhashed = new SupplyChainEvent(id, e.BatchId, batchCode, sequence, e.Type, Truncate(e.OccurredAt),
            Truncate(recordedAt.ToUniversalTime()), e.Location, e.Actor, e.Note, e.Attributes, e.Certificates, e.Corrects, previousHash, "")
            { Items = e.Items, ItemsDigest = e.Items.Count > 0 ? HashChain.ItemsDigest(e.Items) : null, EpcisEventHash = e.EpcisEventHash,
              RecordedBy = e.RecordedBy, Receiver = e.Receiver };
        return unhashed with { Hash = HashChain.Compute(unhashed) };
    }
}
