namespace Traceability.Domain;

/// <summary>What a shopper should take from a lot's record, in one word, the most serious first: recalled; its record
/// altered; past its best-before date; its OCOP certification ended (expired or withdrawn, none current); certified
/// (a current OCOP rating); recorded (its origin recorded, no OCOP rating ever).</summary>
public enum Verdict { Recalled, Altered, PastBestBefore, CertificationEnded, Certified, Recorded }

public static class Verdicts
{
    public static Verdict Of(bool recalled, bool recordIntact, DateOnly? expiresOn, bool certifiedNow, bool everCertified, DateOnly today) =>
        recalled ? Verdict.Recalled
        : !recordIntact ? Verdict.Altered
        : expiresOn is { } expiry && expiry < today ? Verdict.PastBestBefore
        : certifiedNow ? Verdict.Certified
        : everCertified ? Verdict.CertificationEnded
        : Verdict.Recorded;

    /// <summary>The first day the verdict changes with no write: the day after the best-before date, or the next day a
    /// certification starts or ends; null when none is coming.</summary>
    public static DateOnly? NextChange(DateOnly? expiresOn, IEnumerable<OcopCertification> certifications, DateOnly today)
    {
        var afterExpiry = expiresOn is { } e && e >= today && e < DateOnly.MaxValue ? e.AddDays(1) : (DateOnly?)null;
        var certification = OcopCertification.NextChange(certifications, today);
        return afterExpiry is null ? certification : certification is null ? afterExpiry : afterExpiry < certification ? afterExpiry : certification;
    }
}
