using System.Buffers.Text;
using System.Text;
using Traceability.Domain;

namespace Traceability.Api.Wire;

/// <summary>A page of results; pass <c>nextCursor</c> back as <c>cursor</c> for the next page (null on the last).</summary>
public sealed record PageResponse<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>Opaque keyset cursors and the page-size rule shared by every list.</summary>
public static class Cursor
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static string? Encode(long? after) => after is { } a ? Base64Url.EncodeToString(Encoding.ASCII.GetBytes($"v1:{a}")) : null;

    public static (long After, int Limit) Read(string? cursor, int? limit)
    {
        var v = new FieldErrors();
        long after = 0;
        if (!string.IsNullOrEmpty(cursor) && !TryDecode(cursor, out after)) v.Add("cursor", "Not a cursor this API issued; pass nextCursor from the previous page.");
        if (limit is < 1 or > MaxLimit) v.Add("limit", $"Between 1 and {MaxLimit}.");
        v.ThrowIfInvalid();
        return (after, limit ?? DefaultLimit);
    }

    private static bool TryDecode(string cursor, out long after)
    {
        after = 0;
        try
        {
            var text = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(cursor));
            return text.StartsWith("v1:", StringComparison.Ordinal) && long.TryParse(text.AsSpan(3), out after) && after >= 0;
        }
        catch (FormatException) { return false; }
    }

    public static PageResponse<TOut> ToResponse<TIn, TOut>(this Page<TIn> page, Func<TIn, TOut> map) =>
        new(page.Items.Select(map).ToList(), Encode(page.After));
}

/// <summary>A lineage list's cursor: the depth and registration order of the last batch of the page before.</summary>
public static class LineageCursor
{
    public static string? Encode(Infrastructure.Repositories.LineageRepository.Position? p) =>
        p is { } at ? Base64Url.EncodeToString(Encoding.ASCII.GetBytes($"l1:{at.Depth}:{at.Seq}")) : null;

    public static Infrastructure.Repositories.LineageRepository.Position? Read(string? cursor, FieldErrors v)
    {
        if (string.IsNullOrEmpty(cursor)) return null;
        try
        {
            var parts = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(cursor)).Split(':');
            if (parts is ["l1", var d, var s] && int.TryParse(d, out var depth) && long.TryParse(s, out var seq) && depth > 0 && seq >= 0)
                return new(depth, seq);
        }
        catch (FormatException) { }
        v.Add("cursor", "Not a cursor this API issued; pass the next cursor from the previous page.");
        return null;
    }
}
