namespace Traceability.Domain;

/// <summary>One page of a keyset-paged list; <see cref="After"/> is the position to continue from, if any.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, long? After);
