namespace Traceability.Domain;

/// <summary>Where the raw material came from (a farm, a forest plot, a village).</summary>
public sealed record BatchOrigin(string Name, string? Commune, string? Province, double? Latitude, double? Longitude);

/// <summary>A production lot of a product, identified publicly by its random tracing code.
/// A recalled batch stays recalled (<see cref="RecalledAt"/>).</summary>
public sealed record Batch(
    Guid Id, Guid ProductId, Guid ProducerId, string LotNumber, string Code, DateOnly ProducedOn, DateOnly? ExpiresOn,
    decimal? Quantity, string? Unit, BatchOrigin? Origin, DateTimeOffset CreatedAt,
    DateTimeOffset? RecalledAt = null, string? RecallReason = null);

/// <summary>A batch this one was made from, and how much of it went in.</summary>
public sealed record BatchParent(Guid ParentId, decimal? Quantity);

/// <summary>A direct input of a batch, with what identifies its lot publicly.</summary>
public sealed record ParentLink(
    Guid ParentId, string Code, string LotNumber, string? Gtin, decimal? Quantity, string? Unit, string ProductName, string ProducerName);

/// <summary>A batch one or more steps up (ancestor) or down (descendant) a lineage.</summary>
public sealed record LineageNode(
    Guid BatchId, string Code, string LotNumber, Guid ProductId, string ProductName, string? Gtin, Guid ProducerId,
    string ProducerName, int Depth, DateTimeOffset? RecalledAt);
