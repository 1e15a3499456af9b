using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Epcis;

/// <summary>A capture job as the EPCIS 2.0 REST binding describes it (captureID, createdAt, finishedAt, running,
/// success, captureErrorBehaviour, errors), with what was stored.</summary>
public sealed record CaptureJobResponse(string CaptureID, DateTimeOffset CreatedAt, DateTimeOffset FinishedAt, bool Running, bool Success,
    string CaptureErrorBehaviour, IReadOnlyList<string> Errors, int CapturedEvents, int SkippedEvents, IReadOnlyList<Guid>? EventIds,
    int? UnattachedEvents)
{
    /// <param name="eventIds">The batch events the capture recorded (events about the caller's own lots).</param>
    /// <param name="unattached">How many captured events name no lot of this registry: kept for the caller alone.</param>
    public static CaptureJobResponse From(EpcisRepository.Capture c, IReadOnlyList<Guid>? eventIds, int? unattached) =>
        new(c.Id.ToString(), c.CreatedAt, c.CreatedAt, false, true, "rollback", [], c.EventCount, c.SkippedCount, eventIds, unattached);
}
