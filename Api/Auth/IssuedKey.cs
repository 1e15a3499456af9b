using Traceability.Domain;

namespace Traceability.Api.Auth;

/// <summary>A freshly generated API key: the secret to show once, and what is stored.</summary>
public sealed record IssuedKey(string Secret, byte[] Hash, ApiKeyRecord Record)
{
    public static IssuedKey New(Role role, Guid? ownerId, DateTimeOffset now, string? name = null, string? scopes = null, DateTimeOffset? expiresAt = null)
    {
        var secret = ApiKey.New();
        return new IssuedKey(secret, ApiKey.Hash(secret),
            new ApiKeyRecord(Guid.CreateVersion7(), role, ownerId, ApiKey.Hint(secret), now, null, name, scopes, expiresAt));
    }
}
