namespace Traceability.Domain;

/// <summary>What a key may do. A key minted for an app carries only the scopes it needs (a farm-diary app:
/// <c>events:write</c>, perhaps <c>read</c>); a key without scopes may do everything its account may.</summary>
public static class KeyScopes
{
    public const string Read = "read";
    public const string EventsWrite = "events:write";
    public const string BatchesWrite = "batches:write";
    public const string SerialsWrite = "serials:write";
    public const string WebhooksManage = "webhooks:manage";
    public const string KeysManage = "keys:manage";

    public static readonly IReadOnlyList<string> All = [Read, EventsWrite, BatchesWrite, SerialsWrite, WebhooksManage, KeysManage];

    /// <summary>The stored form: known scopes, distinct, in <see cref="All"/>'s order, space-separated.</summary>
    public static string Normalize(IEnumerable<string> scopes)
    {
        var set = scopes.ToHashSet(StringComparer.Ordinal);
        return string.Join(' ', All.Where(set.Contains));
    }

    public static bool Includes(string? stored, string scope) =>
        stored is null || stored.Split(' ').Contains(scope, StringComparer.Ordinal);
}
