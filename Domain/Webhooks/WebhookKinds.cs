namespace Traceability.Domain.Webhooks;

/// <summary>What a webhook can announce. Payloads are small and versioned (<see cref="PayloadVersion"/>): ids, codes and
/// links back to the API, never a whole record.</summary>
public static class WebhookKinds
{
    public const int PayloadVersion = 1;

    public const string BatchCreated = "batch.created";
    public const string EventRecorded = "event.recorded";
    public const string BatchRecalled = "batch.recalled";
    public const string BatchRecallWithdrawn = "batch.recall_withdrawn";
    public const string CertificationRecorded = "certification.recorded";
    public const string CertificationExpiring = "certification.expiring";
    public const string SerialsIssued = "serials.issued";
    public const string ReportReceived = "report.received";

    /// <summary>An EPCIS query subscription's results, to the one webhook made for that subscription (never subscribed to
    /// by kind, so not in <see cref="All"/>).</summary>
    public const string EpcisQueryResults = "epcis.query_results";

    public static readonly IReadOnlyList<string> All =
        [BatchCreated, EventRecorded, BatchRecalled, BatchRecallWithdrawn, CertificationRecorded, CertificationExpiring, SerialsIssued, ReportReceived];

    /// <summary>What each role hears about: a producer its own data (and recalls that reach its batches), an authority
    /// every recall and the certifications it recorded, the admin everything.</summary>
    public static IReadOnlyList<string> For(Role role) => role switch
    {
        Role.Authority => [BatchRecalled, BatchRecallWithdrawn, CertificationRecorded, CertificationExpiring],
        _ => All,
    };

    /// <summary>How many days before a certification's validUntil it is announced as expiring.</summary>
    public static readonly IReadOnlyList<int> ExpiryNoticeDays = [30, 7];
}
