using Traceability.Domain;
using Traceability.Domain.Events;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Events;

/// <summary>Everyone in the chain on the same lot. A shipping event may name its receiver (an account: a distributor,
/// wholesaler, retailer, or another producer); that makes the receiver a holder of the lot, and nothing else does. A
/// holder records its own events about the lot — what a trader does with goods: receiving, storing, shipping (onward,
/// naming the next receiver), retail selling, inspecting — each marked as recorded by it and part of the lot's chain. It
/// neither corrects nor records the producer's steps.</summary>
public static class Handovers
{
    public static readonly IReadOnlySet<EventType> HolderSteps =
        new HashSet<EventType> { EventType.Receiving, EventType.Storing, EventType.Shipping, EventType.RetailSelling, EventType.Inspecting };

    public static string HolderStepsRule =>
        $"A lot shipped to you takes {string.Join(", ", HolderSteps.Select(t => WireEnum<EventType>.Name(t)))} from you; its producer records the rest.";

    /// <summary>Checks the events a caller records about lots it holds (<paramref name="held"/>; the others are its own)
    /// and marks them as its own, and checks every receiver named: an active account other than the caller. Field paths
    /// come from <paramref name="field"/> (the event's index and the member).</summary>
    public static async Task<IReadOnlyList<NewEvent>> CheckAsync(IReadOnlyList<NewEvent> events, Guid callerId, IReadOnlySet<Guid> held,
        ProducerRepository producers, Func<int, string, string> field, CancellationToken ct)
    {
        var v = new FieldErrors();
        var result = new List<NewEvent>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (held.Contains(e.BatchId))
            {
                if (!HolderSteps.Contains(e.Type)) v.Add(field(i, "type"), HolderStepsRule);
                if (e.Corrects is not null) v.Add(field(i, "corrects"), "A lot shipped to you: record a new event instead; corrections are its producer's.");
                e = e with { RecordedBy = callerId };
            }
            if (e.Receiver is { } receiver)
            {
                if (receiver == callerId) v.Add(field(i, "receiver"), "The receiver is another account than yours.");
                else if (await producers.GetAsync(receiver, ct) is not { IsActive: true }) v.Add(field(i, "receiver"), "No active account has this id.");
            }
            result.Add(e);
        }
        v.ThrowIfInvalid();
        return result;
    }
}
