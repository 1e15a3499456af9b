namespace Traceability.Domain;

/// <summary>Dates (production, certification) are Vietnamese calendar dates: UTC+7, no daylight saving.</summary>
public static class VietnamTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(7);

    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.ToOffset(Offset).DateTime);
}
