using System.Collections.Concurrent;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Auth;

/// <summary>Remembers valid API keys for a few seconds, so that a phone syncing events does not cost a key lookup per
/// request. A key revoked through this process stops at once; through another process sharing the database, within
/// <see cref="Lifetime"/>. A key stops at its expiry to the second. Unknown keys are never remembered, so guessing cannot
/// fill memory. Also records each key's last use, at most once a minute per key and process.</summary>
public sealed class CallerCache(ApiKeyRepository keys, TimeProvider clock, ILogger<CallerCache> logger)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(1);
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _lastUseWritten = new();

    private sealed record Entry(Caller Caller, Guid KeyId, DateTimeOffset Expires, DateTimeOffset? KeyExpires);

    public async Task<Caller?> FindAsync(byte[] hash, CancellationToken ct)
    {
        var id = Convert.ToHexString(hash);
        var now = clock.GetUtcNow();
        if (!_entries.TryGetValue(id, out var entry) || entry.Expires <= now)
        {
            if (await keys.FindCallerAsync(hash, ct) is not { } f)
            {
                _entries.TryRemove(id, out _);
                return null;
            }
            if (_entries.Count > PruneAbove)
                foreach (var (key, old) in _entries) if (old.Expires <= now) _entries.TryRemove(key, out _);
            _entries[id] = entry = new Entry(f.Caller with { KeyId = f.KeyId, KeyExpiresAt = f.ExpiresAt }, f.KeyId, now + Lifetime, f.ExpiresAt);
        }
        if (entry.KeyExpires is { } expires && expires <= now) return null;
        await NoteUseAsync(entry.KeyId, now, ct);
        return entry.Caller;
    }

    /// <summary>Stamps the key's last use when this process has not done so for a minute. A database that cannot take
    /// the stamp does not fail the request it came with: the stamp is a convenience, the request is not.</summary>
    private async Task NoteUseAsync(Guid keyId, DateTimeOffset now, CancellationToken ct)
    {
        if (_lastUseWritten.TryGetValue(keyId, out var last) && now - last < LastUseResolution) return;
        if (last != default && !_lastUseWritten.TryUpdate(keyId, now, last)) return;
        if (last == default && !_lastUseWritten.TryAdd(keyId, now)) return;
        try
        {
            await keys.TouchAsync(keyId, now, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Could not record the last use of API key {KeyId}: {Error}", keyId, e.Message);
        }
    }

    /// <summary>Forgets every cached key of an account (deactivated or reactivated): its next request reads it afresh.</summary>
    public void ForgetOwner(Guid ownerId)
    {
        foreach (var (key, entry) in _entries) if (entry.Caller.Id == ownerId) _entries.TryRemove(key, out _);
    }

    public void Forget(Guid keyId)
    {
        foreach (var (key, entry) in _entries) if (entry.KeyId == keyId) _entries.TryRemove(key, out _);
    }
}
