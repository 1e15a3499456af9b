namespace Traceability.Domain.Serials;

/// <summary>A client's recent wrong PINs (any item's) and until when its PIN checks are paused.</summary>
public sealed record PinClientState(int Failures, DateTimeOffset WindowStart, DateTimeOffset? BlockedUntil);

public enum PinOutcome { FirstVerification, VerifiedBefore, Wrong, ClientPaused, ItemBusy }

/// <summary>How PIN checks are limited so that guessing is hopeless and a stranger cannot lock a shopper out. Failures are
/// weighed by client: a client with <see cref="ClientFailures"/> wrong PINs within <see cref="ClientWindow"/> is paused
/// for <see cref="ClientPause"/> (the item is not). An item that <see cref="ItemSlowAfter"/> wrong PINs in a row have been
/// tried against — from many clients, which is what walking its 10⁸ PINs takes — answers one check per
/// <see cref="ItemSlowEvery"/>, whoever asks: at that pace its PINs take centuries to walk, and the shopper holding it
/// waits a minute at most.</summary>
public sealed record PinPolicy(int ClientFailures, TimeSpan ClientWindow, TimeSpan ClientPause, int ItemSlowAfter, TimeSpan ItemSlowEvery)
{
    public static readonly PinPolicy Default = new(5, TimeSpan.FromHours(1), TimeSpan.FromMinutes(15), 20, TimeSpan.FromMinutes(1));

    /// <summary>One PIN entry: its outcome, and the item's and the client's states after it.</summary>
    public (PinOutcome Outcome, DateTimeOffset? Until, ItemActivity Item, PinClientState Client, bool Lockout) Decide(
        ItemActivity item, PinClientState? client, bool correct, DateTimeOffset now)
    {
        var c = client is null || now - client.WindowStart >= ClientWindow ? new PinClientState(0, now, client?.BlockedUntil) : client;
        if (c.BlockedUntil is { } paused && paused > now) return (PinOutcome.ClientPaused, paused, item, c, false);
        if (item.FailedPins >= ItemSlowAfter && item.LockedUntil is { } next && next > now) return (PinOutcome.ItemBusy, next, item, c, false);
        var slowed = item.FailedPins >= ItemSlowAfter ? now + ItemSlowEvery : (DateTimeOffset?)null;
        if (correct)
        {
            var verified = item with { VerifiedAt = item.VerifiedAt ?? now, VerifyCount = item.VerifyCount + 1, FailedPins = 0, LockedUntil = null };
            return (item.VerifiedAt is null ? PinOutcome.FirstVerification : PinOutcome.VerifiedBefore, item.VerifiedAt, verified, c with { Failures = 0 }, false);
        }
        var failures = item.FailedPins + 1;
        var startsSlowing = failures == ItemSlowAfter;
        var wrong = item with
        {
            FailedPins = failures, PinFailuresTotal = item.PinFailuresTotal + 1, LastPinFailureAt = now,
            LockedUntil = failures >= ItemSlowAfter ? slowed ?? now + ItemSlowEvery : null,
        };
        var clientFailures = c.Failures + 1;
        var pause = clientFailures >= ClientFailures;
        var after = new PinClientState(pause ? 0 : clientFailures, c.WindowStart, pause ? now + ClientPause : c.BlockedUntil);
        var lockout = pause || startsSlowing;
        return (PinOutcome.Wrong, null, lockout ? wrong with { Lockouts = wrong.Lockouts + 1 } : wrong, after, lockout);
    }
}
