using System.Data.Common;
using Traceability.Api.PublicRecords;
using Traceability.Api.PublicRecords.Building;
using Traceability.Api.Wire;
using Traceability.Domain;
using Traceability.Domain.Events;
using Traceability.Domain.Webhooks;
using Traceability.Infrastructure.Repositories;
using Traceability.Infrastructure.Webhooks;

namespace Traceability.Api.Webhooks;

/// <summary>The one place a webhook message is composed: what each says and its links (from <see cref="PublicLinks"/>),
/// written to the outbox in the transaction of the change it announces. Who hears each kind is
/// <see cref="WebhookOutbox"/>'s (subscriptions) and the audience named here.</summary>
public sealed class Announcer(WebhookOutbox outbox, PublicLinks links, LotHolderRepository holders) : IAnnouncements
{
    private BatchLinks Links(Guid batchId, string code) => new(links.Absolute(ApiPaths.Batch(batchId)), links.Page(code));

    /// <summary>batch.created, to its producer.</summary>
    public Task BatchCreatedAsync(DbConnection connection, DbTransaction transaction, Batch b, IReadOnlyList<BatchParent> parents, CancellationToken ct) =>
        outbox.AddAsync(connection, transaction, [new(WebhookKinds.BatchCreated,
            new BatchCreatedData(b.Id, b.Code, b.ProductId, b.LotNumber, b.ProducedOn, parents.Select(p => p.ParentId).ToList(), Links(b.Id, b.Code)),
            [b.ProducerId])], b.CreatedAt, ct);

    /// <summary>event.recorded, to the producer of each event's batch.</summary>
    public Task EventsRecordedAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<RecordedEvent> events, DateTimeOffset now,
        CancellationToken ct) =>
        outbox.AddAsync(connection, transaction, events.Select(r => new WebhookOutbox.Message(WebhookKinds.EventRecorded, EventData(r.Event),
            [r.ProducerId])).ToList(), now, ct);

    private EventRecordedData EventData(SupplyChainEvent e) =>
        new(e.Id, e.BatchId, e.BatchCode, e.Sequence, WireEnum<EventType>.Name(e.Type), e.OccurredAt, e.RecordedAt, e.Corrects,
            new EventLinks(links.Absolute(ApiPaths.Event(e.BatchId, e.Id)), links.Absolute(ApiPaths.Batch(e.BatchId)), links.Page(e.BatchCode)));

    /// <summary>batch.recalled, for each newly recalled batch: to its producer (for a batch made from the recalled one,
    /// that is the downstream producer, who is told which of its lots the recall reached and why), to the traders it was
    /// shipped to (its holders), and to every authority.</summary>
    public async Task BatchesRecalledAsync(DbConnection connection, DbTransaction transaction, RecallNotice recall, IReadOnlyList<BatchReached> batches,
        DateTimeOffset now, CancellationToken ct)
    {
        var held = await holders.HoldersOfAsync(connection, transaction, batches.Select(b => b.BatchId).ToList(), ct);
        await outbox.AddAsync(connection, transaction, batches.Select(b => new WebhookOutbox.Message(WebhookKinds.BatchRecalled,
            new BatchRecalledData(b.BatchId, b.Code, b.ProducerId, recall.Reason, now,
                b.BatchId == recall.BatchId ? null : new RecallCause(recall.BatchId, recall.BatchCode), Links(b.BatchId, b.Code), recall.RecallId),
            [b.ProducerId, .. held[b.BatchId]], ToAuthorities: true)).ToList(), now, ct);
    }

    /// <summary>batch.recall_withdrawn, for each released batch, to the same audience.</summary>
    public async Task BatchesReleasedAsync(DbConnection connection, DbTransaction transaction, RecallNotice recall, IReadOnlyList<BatchReached> batches,
        DateTimeOffset now, CancellationToken ct)
    {
        var held = await holders.HoldersOfAsync(connection, transaction, batches.Select(b => b.BatchId).ToList(), ct);
        await outbox.AddAsync(connection, transaction, batches.Select(b => new WebhookOutbox.Message(WebhookKinds.BatchRecallWithdrawn,
            new BatchRecallWithdrawnData(b.BatchId, b.Code, b.ProducerId, recall.RecallId, recall.WithdrawalReason ?? "", now, Links(b.BatchId, b.Code)),
            [b.ProducerId, .. held[b.BatchId]], ToAuthorities: true)).ToList(), now, ct);
    }

    /// <summary>certification.recorded, to the product's producer and the certifying authority.</summary>
    public Task CertificationRecordedAsync(DbConnection connection, DbTransaction transaction, OcopCertification c, Guid producerId, CancellationToken ct) =>
        outbox.AddAsync(connection, transaction, [Certification(WebhookKinds.CertificationRecorded, c, producerId, null, null)], c.CreatedAt, ct);

    /// <summary>certification.expiring with the days left, to the same audience, once per notice (its dedupe key).</summary>
    public Task<int> CertificationExpiringAsync(DbConnection connection, DbTransaction transaction, ExpiryNotice n, DateTimeOffset now, CancellationToken ct) =>
        outbox.AddAsync(connection, transaction, [Certification(WebhookKinds.CertificationExpiring, n.Certification, n.ProducerId, n.DaysLeft, n.DedupeKey)], now, ct);

    private WebhookOutbox.Message Certification(string kind, OcopCertification c, Guid producerId, int? daysLeft, string? dedupeKey) =>
        new(kind, new CertificationData(c.Id, c.ProductId, producerId, c.AuthorityId, c.Stars, c.DecisionNumber, c.IssuedOn, c.ValidUntil, daysLeft,
                new CertificationLinks(links.Absolute(ApiPaths.Certifications(c.ProductId)), links.Absolute(ApiPaths.Product(c.ProductId)))),
            [producerId, c.AuthorityId], DedupeKey: dedupeKey);

    /// <summary>report.received, to the lot's producer (its province's office reads reports through the API).</summary>
    public Task ReportReceivedAsync(DbConnection connection, DbTransaction transaction, ShopperReport r, CancellationToken ct) =>
        outbox.AddAsync(connection, transaction, [new(WebhookKinds.ReportReceived,
            new ReportReceivedData(r.Id, r.Receipt, r.BatchId, r.BatchCode, r.Serial, WireEnum<ReportReason>.Name(r.Reason), r.CreatedAt,
                new ReportLinks(links.Absolute(ApiPaths.Report(r.Id)), links.Absolute(ApiPaths.Batch(r.BatchId)))),
            [r.ProducerId])], r.CreatedAt, ct);

    /// <summary>serials.issued, to the batch's producer.</summary>
    public Task SerialsIssuedAsync(DbConnection connection, DbTransaction transaction, SerialIssueRepository.Issue issue, BatchReached batch,
        CancellationToken ct) =>
        outbox.AddAsync(connection, transaction, [new(WebhookKinds.SerialsIssued,
            new SerialsIssuedData(issue.Id, issue.BatchId, batch.Code, issue.Count, issue.WithPin,
                new SerialLinks(links.Absolute(ApiPaths.SerialIssue(issue.BatchId, issue.Id)), links.Absolute(ApiPaths.SerialLabels(issue.BatchId, issue.Id)))),
            [batch.ProducerId])], issue.CreatedAt, ct);
}
