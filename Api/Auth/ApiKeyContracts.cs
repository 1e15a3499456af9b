using Traceability.Domain;

namespace Traceability.Api.Auth;

/// <summary>Another API key for an account: a name to recognise it by (the app it is for), the scopes it carries
/// (read, events:write, batches:write, serials:write, webhooks:manage, keys:manage; omitted: every scope the calling
/// key has) and an optional expiry. A key can give another only the scopes it has itself, and no later expiry than its
/// own (omitted: the calling key's).</summary>
public sealed record CreateApiKeyRequest(string? Name, List<string?>? Scopes, DateTimeOffset? ExpiresAt)
{
    public const int MaxName = 100;

    public (string? Name, string? Scopes, DateTimeOffset? ExpiresAt) Validate(Caller caller, DateTimeOffset now)
    {
        var v = new FieldErrors();
        var name = Text.EmptyToNull(Text.Normalize(Name));
        if (name is { Length: > MaxName }) v.Add("name", $"At most {MaxName} characters.");
        string? scopes = caller.Scopes;
        if (Scopes is not null)
        {
            if (Scopes.Count == 0) v.Add("scopes", "Name at least one scope, or leave scopes out for every scope.");
            for (var i = 0; i < Scopes.Count; i++)
                if (Scopes[i] is not { } s || !KeyScopes.All.Contains(s))
                    v.Add($"scopes[{i}]", $"One of: {string.Join(", ", KeyScopes.All)}.");
            scopes = KeyScopes.Normalize(Scopes.OfType<string>());
        }
        if (ExpiresAt is { } expires && expires <= now) v.Add("expiresAt", "A time in the future.");
        else if (!caller.TryChildExpiry(ExpiresAt, out _))
            v.Add("expiresAt", $"At most {caller.KeyExpiresAt!.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)}: a key cannot outlive the key that creates it.");
        v.ThrowIfInvalid();
        if (!caller.HasScopes(scopes))
            throw new ForbiddenException($"A key can give another only the scopes it has ({caller.Scopes}).");
        caller.TryChildExpiry(ExpiresAt, out var expiry);
        return (name, scopes, expiry);
    }
}

/// <summary>An API key as its owner sees it in a listing: never the secret.</summary>
public sealed record ApiKeyResponse(Guid Id, string? Name, string Hint, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    public static ApiKeyResponse From(ApiKeyRecord k) => new(k.Id, k.Name, k.Hint, ScopeList(k.Scopes), k.CreatedAt, k.ExpiresAt, k.LastUsedAt, k.RevokedAt);

    public static IReadOnlyList<string> ScopeList(string? scopes) => scopes is null ? KeyScopes.All : scopes.Split(' ');
}
