using System.Security.Cryptography;

namespace Traceability.Domain;

public enum ReportReason { SuspectedFake, QualityProblem, WrongInformation, Other }

public enum ReportStatus { Received, InProgress, Answered, Closed }

/// <summary>What a shopper reported about a lot (or one item of it) from its public page: why, in their words, and how to
/// reach them if they wish; and how the producer or an authority of its province handled it. <paramref name="Receipt"/> is
/// the code the shopper follows it by; the phone is seen only by the producer and its province's authorities.</summary>
public sealed record ShopperReport(
    Guid Id, long Seq, string Receipt, Guid BatchId, string BatchCode, Guid ProducerId, string? ProvinceCode, string? Serial, ReportReason Reason,
    string Message, string? Phone, ReportStatus Status, string? Answer, string? AnsweredBy, DateTimeOffset? AnsweredAt, DateTimeOffset CreatedAt);

public static class ShopperReports
{
    public const int MaxMessage = 1000;

    /// <summary>Reports one client (a keyed network prefix) may send in <see cref="Window"/>: enough for a shopper with several
    /// products, too few to flood a producer.</summary>
    public const int PerClient = 5;
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// <summary>A receipt code a shopper can read out over the phone: 10 characters, no 0/O or 1/I, ~50 random bits.</summary>
    public static string NewReceipt() => RandomNumberGenerator.GetString(Alphabet, 10);

    public static bool IsReceipt(string? value) => value is { Length: 10 } && value.All(Alphabet.Contains);

    /// <summary>A shopper's report as sent: reason, message (1–1,000 characters), an optional phone number.</summary>
    public static (ReportReason Reason, string Message, string? Phone) Read(FieldErrors v, string? reason, string? message, string? phone)
    {
        var why = v.Enum<ReportReason>("reason", reason);
        var text = v.Required("message", message, MaxMessage, multiLine: true);
        var number = v.Optional("phone", phone, 20);
        if (number is not null && !number.All(c => char.IsAsciiDigit(c) || c is ' ' or '+' or '.' or '-'))
            v.Add("phone", "A phone number: digits, spaces and + . - only.");
        return (why ?? ReportReason.Other, text, number);
    }

    /// <summary>Who may handle a report: its producer, and an authority whose remit covers the producer's province.</summary>
    public static bool MayHandle(Caller caller, Authority? authority, ShopperReport report) => caller.Role switch
    {
        Role.Admin => true,
        Role.Producer => caller.Id == report.ProducerId,
        Role.Authority => authority?.Covers(report.ProvinceCode) == true,
        _ => false,
    };

    /// <summary>Who may see the shopper's phone number: the producer, and authorities of its province (who follow it up),
    /// not the national level nor the admin.</summary>
    public static bool SeesPhone(Caller caller, Authority? authority, ShopperReport report) =>
        (caller.Role == Role.Producer && caller.Id == report.ProducerId)
        || (caller.Role == Role.Authority && authority is { Level: AuthorityLevel.Province } && authority.ProvinceCode == report.ProvinceCode);
}
