namespace Traceability.Api.Wire;

/// <summary>The paths of the API's own resources, in one place: what a 201's or 202's Location names, and what a
/// response or a webhook links to (made absolute by PublicRecords/Building/PublicLinks). The routes themselves are
/// mapped by each feature's endpoints file.</summary>
public static class ApiPaths
{
    public const string Root = "/api/v1";

    public static string Producer(Guid id) => $"{Root}/producers/{id}";
    public static string Authority(Guid id) => $"{Root}/authorities/{id}";
    public static string ApiKey(string owners, Guid ownerId, Guid keyId) => $"{Root}/{owners}/{ownerId}/api-keys/{keyId}";
    public static string Product(Guid id) => $"{Root}/products/{id}";
    public static string Certifications(Guid productId) => $"{Root}/products/{productId}/ocop-certifications";
    public static string ProductLink(Guid productId, Guid linkId) => $"{Root}/products/{productId}/links/{linkId}";
    public static string Batch(Guid id) => $"{Root}/batches/{id}";
    public static string Event(Guid batchId, Guid eventId) => $"{Root}/batches/{batchId}/events/{eventId}";
    public static string Events => $"{Root}/events";
    public static string SerialIssue(Guid batchId, Guid issueId) => $"{Root}/batches/{batchId}/serials/{issueId}";
    public static string SerialLabels(Guid batchId, Guid issueId) => $"{SerialIssue(batchId, issueId)}/labels";
    public static string Recall(Guid id) => $"{Root}/recalls/{id}";
    public static string RecallBatches(Guid id) => $"{Recall(id)}/batches";
    public static string Report(Guid id) => $"{Root}/reports/{id}";
    public static string Webhook(Guid id) => $"{Root}/webhooks/{id}";
    public static string WebhookDeliveries(Guid id) => $"{Webhook(id)}/deliveries";
    public static string CaptureJob(Guid id) => $"{Root}/epcis/capture/{id}";
    public static string EpcisEvents => $"{Root}/epcis/events";
    public static string EpcisQuery(string name) => $"{Root}/epcis/queries/{Uri.EscapeDataString(name)}";
}
