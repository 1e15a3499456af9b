using System.Data.Common;
using Traceability.Domain;
using Traceability.Domain.Events;

namespace Traceability.Infrastructure.Webhooks;

/// <summary>The changes a webhook announces, told inside the transaction that makes them, so an announcement exists
/// exactly when its change was committed. The repositories that make these changes require one (no default), so none can
/// be made unannounced by leaving a parameter out; what each message says, and its links, is the implementation's
/// (Api/Webhooks/Announcer.cs), not the repositories'.</summary>
public interface IAnnouncements
{
    Task BatchCreatedAsync(DbConnection connection, DbTransaction transaction, Batch batch, IReadOnlyList<BatchParent> parents, CancellationToken ct);

    Task EventsRecordedAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<RecordedEvent> events, DateTimeOffset now, CancellationToken ct);

    Task BatchesRecalledAsync(DbConnection connection, DbTransaction transaction, RecallNotice recall, IReadOnlyList<BatchReached> batches, DateTimeOffset now,
        CancellationToken ct);

    Task BatchesReleasedAsync(DbConnection connection, DbTransaction transaction, RecallNotice recall, IReadOnlyList<BatchReached> batches, DateTimeOffset now,
        CancellationToken ct);

    Task CertificationRecordedAsync(DbConnection connection, DbTransaction transaction, OcopCertification certification, Guid producerId, CancellationToken ct);

    /// <summary>Returns how many deliveries were queued.</summary>
    Task<int> CertificationExpiringAsync(DbConnection connection, DbTransaction transaction, ExpiryNotice notice, DateTimeOffset now, CancellationToken ct);

    Task ReportReceivedAsync(DbConnection connection, DbTransaction transaction, ShopperReport report, CancellationToken ct);

    Task SerialsIssuedAsync(DbConnection connection, DbTransaction transaction, Repositories.SerialIssueRepository.Issue issue, BatchReached batch,
        CancellationToken ct);
}

/// <summary>An event just recorded, with the producer of its batch.</summary>
public sealed record RecordedEvent(SupplyChainEvent Event, Guid ProducerId);

/// <summary>A batch a recall or a serial issue concerns.</summary>
public sealed record BatchReached(Guid BatchId, string Code, Guid ProducerId);

/// <summary>What an announcement says of a recall: which, of what batch, why, and why it was withdrawn.</summary>
public sealed record RecallNotice(Guid RecallId, Guid BatchId, string BatchCode, string Reason, string? WithdrawalReason);

/// <summary>A product's latest certification nearing its end: <paramref name="DaysLeft"/>, in the window of the
/// <paramref name="Notice"/> (30 or 7 days), announced once under <paramref name="DedupeKey"/>.</summary>
public sealed record ExpiryNotice(OcopCertification Certification, Guid ProducerId, int DaysLeft, int Notice)
{
    public string DedupeKey => $"certification.expiring:{Certification.Id}:{Notice}";
}
