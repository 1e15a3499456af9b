using System.Collections.Concurrent;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Auth;

/// <summary>Remembers valid API keys for a few seconds, so that a phone syncing events does not cost a key lookup per
/// request. A key revoked through this process stops at once; through another process sharing the database, within
/// <see cref="Lifetime"/>. Unknown keys are never remembered, so guessing cannot fill memory.</summary>
public sealed class CallerCache(ApiKeyRepository keys, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed record Entry(Caller Caller, Guid KeyId, DateTimeOffset Expires);

    public async Task<Caller?> FindAsync(byte[] hash, CancellationToken ct)
    {
        var id = Convert.ToHexString(hash);
        var now = clock.GetUtcNow();
        if (_entries.TryGetValue(id, out var cached) && cached.Expires > now) return cached.Caller;
        var found = await keys.FindCallerAsync(hash, ct);
        if (found is not { } f)
        {
            _entries.TryRemove(id, out _);
            return null;
        }
        if (_entries.Count > PruneAbove)
            foreach (var (key, entry) in _entries) if (entry.Expires <= now) _entries.TryRemove(key, out _);
        _entries[id] = new Entry(f.Caller, f.KeyId, now + Lifetime);
        return f.Caller;
    }

    public void Forget(Guid keyId)
    {
        foreach (var (key, entry) in _entries) if (entry.KeyId == keyId) _entries.TryRemove(key, out _);
    }
}
