using System.ComponentModel.DataAnnotations;
using Traceability.Api.Wire;
using Traceability.Domain;

namespace Traceability.Api.Reports;

/// <summary>A shopper's report as the producer and the authorities handling it read it. <c>phone</c> is shown only to
/// the producer and its province's authorities.</summary>
public sealed record ShopperReportResponse(
    Guid Id, string Receipt, Guid BatchId, string Code, string? Serial, [property: OneOf(typeof(ReportReason))] string Reason, string Message, string? Phone,
    [property: OneOf(typeof(ReportStatus))] string Status, string? Answer, string? AnsweredBy, DateTimeOffset? AnsweredAt, DateTimeOffset CreatedAt)
{
    public static ShopperReportResponse From(ShopperReport r, bool withPhone) => new(r.Id, r.Receipt, r.BatchId, r.BatchCode, r.Serial,
        WireEnum<ReportReason>.Name(r.Reason), r.Message, withPhone ? r.Phone : null, WireEnum<ReportStatus>.Name(r.Status), r.Answer, r.AnsweredBy,
        r.AnsweredAt, r.CreatedAt);
}

/// <summary>What a shopper's receipt page says: the report's state and the public answer; never the message or phone.</summary>
public sealed record ReceiptResponse(string Receipt, string Code, [property: OneOf(typeof(ReportReason))] string Reason,
    [property: OneOf(typeof(ReportStatus))] string Status, string? Answer, string? AnsweredBy, DateTimeOffset? AnsweredAt, DateTimeOffset CreatedAt)
{
    public static ReceiptResponse From(ShopperReport r) => new(r.Receipt, r.BatchCode, WireEnum<ReportReason>.Name(r.Reason),
        WireEnum<ReportStatus>.Name(r.Status), r.Answer, r.AnsweredBy, r.AnsweredAt, r.CreatedAt);
}

/// <summary>How a report is handled: its new status (in_progress, answered, closed) and, when there is one, the answer the
/// shopper reads on the receipt page (at most 2,000 characters).</summary>
public sealed record HandleReportRequest([property: Required, OneOf(typeof(ReportStatus))] string? Status, string? Answer)
{
    public (ReportStatus Status, string? Answer) Validate()
    {
        var v = new FieldErrors();
        var status = v.Enum<ReportStatus>("status", Status);
        if (status == ReportStatus.Received) v.Add("status", "A report is received when it is sent: in_progress, answered or closed.");
        var answer = v.Optional("answer", Answer, 2000, multiLine: true);
        if (status == ReportStatus.Answered && answer is null) v.Add("answer", "Required to answer.");
        v.ThrowIfInvalid();
        return (status!.Value, answer);
    }
}
