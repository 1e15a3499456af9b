using Traceability.Domain;

namespace Traceability.Infrastructure.Repositories;

internal static class Paging
{
    /// <summary>Queries fetch one row more than asked; its presence says there is a next page.</summary>
    public static Page<T> ToPage<TRow, T>(List<TRow> rows, int limit, Func<TRow, long> seq, Func<TRow, T> map)
    {
        var more = rows.Count > limit;
        if (more) rows.RemoveAt(rows.Count - 1);
        return new Page<T>(rows.Select(map).ToList(), more ? seq(rows[^1]) : null);
    }
}

/// <summary>A row of an id and one value, for small lookups.</summary>
internal sealed class Pair<T>
{
    public Guid Id { get; set; }
    public T Value { get; set; } = default!;
}
