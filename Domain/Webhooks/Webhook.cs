using System.Security.Cryptography;
using System.Text;

namespace Traceability.Domain.Webhooks;

/// <summary>An account's subscription: where its announcements go, which kinds, and how they are signed.</summary>
public sealed record Webhook(Guid Id, Role OwnerRole, Guid? OwnerId, string Url, IReadOnlyList<string> Events, string? Description, bool Enabled,
    string? DisabledReason, string Secret, string? PreviousSecret, DateTimeOffset? PreviousSecretUntil, DateTimeOffset? FailingSince,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>How long the previous secret still signs after a rotation, so receivers can switch without a gap.</summary>
    public static readonly TimeSpan RotationOverlap = TimeSpan.FromHours(24);

    public bool IsOwnedBy(Caller caller) => caller.Role == Role.Admin ? OwnerRole == Role.Admin : OwnerRole == caller.Role && OwnerId == caller.Id;

    /// <summary>The secrets that sign a message sent at <paramref name="now"/>: the current one, and the previous one for a
    /// day after a rotation.</summary>
    public IReadOnlyList<string> SigningSecrets(DateTimeOffset now) => SigningSecrets(Secret, PreviousSecret, PreviousSecretUntil, now);

    /// <inheritdoc cref="SigningSecrets(DateTimeOffset)"/>
    public static IReadOnlyList<string> SigningSecrets(string secret, string? previous, DateTimeOffset? previousUntil, DateTimeOffset now) =>
        previous is not null && previousUntil > now ? [secret, previous] : [secret];

    /// <summary>Why a subscription is disabled after a failed attempt at <paramref name="attemptedAt"/>, or null while it
    /// stays on: the receiver answered 410 Gone, or every delivery has failed since <paramref name="failingSince"/> for at
    /// least <paramref name="disableAfter"/>. The owner reads the reason on the subscription.</summary>
    public static string? DisableReason(bool gone, DateTimeOffset? failingSince, DateTimeOffset attemptedAt, TimeSpan disableAfter, string lastError) =>
        gone ? $"The receiver answered 410 Gone at {attemptedAt:u}."
        : failingSince is { } since && attemptedAt - since >= disableAfter ? $"Every delivery failed from {since:u} to {attemptedAt:u} (last: {lastError})."
        : null;
}

/// <summary>Standard Webhooks signatures (https://www.standardwebhooks.com): the headers webhook-id, webhook-timestamp
/// (Unix seconds) and webhook-signature, a space-separated list of "v1,{base64 HMAC-SHA256 of id.timestamp.body}" keyed
/// by the secret's bytes (base64 after the whsec_ prefix). Receivers verify with the specification's libraries.</summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";

    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The message id a receiver deduplicates on: the same on every attempt and redelivery of one message.</summary>
    public static string MessageId(Guid id) => "msg_" + id.ToString("N");

    public static string Sign(string secret, string messageId, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.{body}")));
    }

    public static string Header(IEnumerable<string> secrets, string messageId, long timestamp, string body) =>
        string.Join(' ', secrets.Select(s => Sign(s, messageId, timestamp, body)));
}
