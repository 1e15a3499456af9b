namespace Traceability.Domain.Webhooks;

// What each kind of webhook carries in its envelope's data (version 1). The outbox writes these types and openapi.yaml
// describes them (its webhooks section is generated from them), so the two cannot drift apart. Null fields are left out.

/// <summary>The body of every delivery (Standard Webhooks' recommended shape, with a payload version).</summary>
public sealed record WebhookEnvelope<T>(string Type, int Version, DateTimeOffset Timestamp, T Data);

public sealed record BatchLinks(string Batch, string Record);

/// <summary>batch.created: a batch was registered (with the batches it was made from).</summary>
public sealed record BatchCreatedData(Guid BatchId, string Code, Guid ProductId, string LotNumber, DateOnly ProducedOn, IReadOnlyList<Guid> MadeFrom, BatchLinks Links);

public sealed record EventLinks(string Event, string Batch, string Record);

/// <summary>event.recorded: an event was appended to a batch's chain (sequence is its place in the chain).</summary>
public sealed record EventRecordedData(Guid EventId, Guid BatchId, string Code, long Sequence, string Type, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt,
    Guid? Corrects, EventLinks Links);

public sealed record RecallCause(Guid BatchId, string Code);

/// <summary>batch.recalled: a batch was recalled, itself or because a batch it was made from was (recalledBecauseOf).</summary>
public sealed record BatchRecalledData(Guid BatchId, string Code, Guid ProducerId, string Reason, DateTimeOffset RecalledAt, RecallCause? RecalledBecauseOf,
    BatchLinks Links, Guid? RecallId = null);

/// <summary>batch.recall_withdrawn: a recall that had marked the batch was withdrawn, and no other recall covers it: it is
/// no longer recalled (the recall and its withdrawal stay in its chain).</summary>
public sealed record BatchRecallWithdrawnData(Guid BatchId, string Code, Guid ProducerId, Guid RecallId, string Reason, DateTimeOffset WithdrawnAt,
    BatchLinks Links);

public sealed record CertificationLinks(string Certifications, string Product);

/// <summary>certification.recorded and certification.expiring (with daysLeft, sent 30 and 7 days before validUntil).</summary>
public sealed record CertificationData(Guid CertificationId, Guid ProductId, Guid ProducerId, Guid AuthorityId, int Stars, string DecisionNumber,
    DateOnly IssuedOn, DateOnly ValidUntil, int? DaysLeft, CertificationLinks Links);

public sealed record SerialLinks(string File, string Labels);

/// <summary>serials.issued: item serials were issued for a batch; the printer's file is at links.file.</summary>
public sealed record SerialsIssuedData(Guid IssueId, Guid BatchId, string Code, int Count, bool WithPin, SerialLinks Links);

/// <summary>A shopper reported a lot (or one of its items) from its public page: the report's id, its receipt, why, and
/// links to it in the API. The message and the phone number are read through the API, never sent in a payload.</summary>
public sealed record ReportReceivedData(Guid ReportId, string Receipt, Guid BatchId, string Code, string? Serial, string Reason, DateTimeOffset CreatedAt,
    ReportLinks Links);

public sealed record ReportLinks(string Report, string Batch);
