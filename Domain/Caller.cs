namespace Traceability.Domain;

/// <summary>The three kinds of account: the operator (admin), an OCOP authority, a producer.</summary>
public enum Role { Admin, Authority, Producer }

/// <summary>Who is calling, resolved from the key. <paramref name="Scopes"/> null: every scope. <paramref name="KeyExpiresAt"/>:
/// when the calling key expires (null: never).</summary>
public sealed record Caller(Role Role, Guid? Id, AuthorityLevel? Level = null, string? Scopes = null, Guid? KeyId = null,
    DateTimeOffset? KeyExpiresAt = null, ProducerDeactivation? Deactivation = null)
{
    /// <summary>Why this caller may not write, or null when it may: a deactivated producer reads its own records but
    /// changes nothing until an authority reactivates it.</summary>
    public string? WriteRefusal => Deactivation is { } d
        ? $"This producer was deactivated on {d.At.ToOffset(VietnamTime.Offset):dd/MM/yyyy} ({d.Reason}): it may read its records but not change them until its province's OCOP office reactivates it."
        : null;

    /// <summary>The expiry of a key this key creates: never later than this key's own, so a key about to expire cannot
    /// leave a longer-lived child behind. Null when neither expires; otherwise the requested expiry or, when none was
    /// asked, this key's. False when the requested one is later than this key's.</summary>
    public bool TryChildExpiry(DateTimeOffset? requested, out DateTimeOffset? expiry)
    {
        expiry = requested ?? KeyExpiresAt;
        return KeyExpiresAt is not { } own || expiry <= own;
    }

    /// <summary>A key revokes only keys whose scopes are within its own (a keys:manage-only key cannot lock out the
    /// owner's full key).</summary>
    public bool MayRevoke(ApiKeyRecord target) => HasScopes(target.Scopes);

    public bool HasScope(string scope) => KeyScopes.Includes(Scopes, scope);

    /// <summary>A key may give another key only what it has itself.</summary>
    public bool HasScopes(string? scopes) => Scopes is null || (scopes is not null && scopes.Split(' ').All(HasScope));

    public bool Is(Role role) => Role == role;
    public bool IsProducer(Guid producerId) => Role == Role.Producer && Id == producerId;

    /// <summary>A producer's data is read by that producer, any authority and the admin.</summary>
    public bool MayRead(Guid ownerProducerId) => Role != Role.Producer || Id == ownerProducerId;

    /// <summary>A producer's data is changed by that producer only.</summary>
    public bool MayChange(Guid ownerProducerId) => IsProducer(ownerProducerId);
}
