using System.Data.Common;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Infrastructure.Webhooks;

/// <summary>Announces nothing: for code that only reads (a backup's verification) and for the repository contracts,
/// which test storage (the announcements themselves are tested through the API, Tests/Webhooks).</summary>
public sealed class NoAnnouncements : IAnnouncements
{
    public static readonly NoAnnouncements Instance = new();

    public Task BatchCreatedAsync(DbConnection c, DbTransaction t, Batch batch, IReadOnlyList<BatchParent> parents, CancellationToken ct) => Task.CompletedTask;
    public Task EventsRecordedAsync(DbConnection c, DbTransaction t, IReadOnlyList<RecordedEvent> events, DateTimeOffset now, CancellationToken ct) => Task.CompletedTask;
    public Task BatchesRecalledAsync(DbConnection c, DbTransaction t, RecallNotice r, IReadOnlyList<BatchReached> b, DateTimeOffset now, CancellationToken ct) => Task.CompletedTask;
    public Task BatchesReleasedAsync(DbConnection c, DbTransaction t, RecallNotice r, IReadOnlyList<BatchReached> b, DateTimeOffset now, CancellationToken ct) => Task.CompletedTask;
    public Task CertificationRecordedAsync(DbConnection c, DbTransaction t, OcopCertification cert, Guid producerId, CancellationToken ct) => Task.CompletedTask;
    public Task<int> CertificationExpiringAsync(DbConnection c, DbTransaction t, ExpiryNotice notice, DateTimeOffset now, CancellationToken ct) => Task.FromResult(0);
    public Task ReportReceivedAsync(DbConnection c, DbTransaction t, ShopperReport report, CancellationToken ct) => Task.CompletedTask;
    public Task SerialsIssuedAsync(DbConnection c, DbTransaction t, SerialIssueRepository.Issue issue, BatchReached batch, CancellationToken ct) => Task.CompletedTask;
}
