namespace Traceability.Domain;

/// <summary>Where the raw material came from (a farm, a forest plot, a village).</summary>
public sealed record BatchOrigin(string Name, string? Commune, string? Province, double? Latitude, double? Longitude);

/// <summary>A production lot of a product, identified publicly by its random tracing code.</summary>
public sealed record Batch(
    Guid Id, Guid ProductId, Guid ProducerId, string LotNumber, string Code, DateOnly ProducedOn, DateOnly? ExpiresOn,
    decimal? Quantity, string? Unit, BatchOrigin? Origin, DateTimeOffset CreatedAt);
