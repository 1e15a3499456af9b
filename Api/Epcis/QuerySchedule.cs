using System.Globalization;
using System.Text.Json;
using Traceability.Domain;

namespace Traceability.Api.Epcis;

/// <summary>A scheduled subscription's times, as the EPCIS query interface's QuerySchedule gives them: second, minute,
/// hour, dayOfMonth, month and dayOfWeek, each a list of values and ranges ("0,30", "8-17"; absent or "*": any), in
/// Vietnam time (UTC+7), to the minute (second, if given, must be 0). dayOfWeek counts Monday as 1 and Sunday as 7, as
/// ISO 8601 and the standard do.</summary>
public sealed record QuerySchedule(string? Minute, string? Hour, string? DayOfMonth, string? Month, string? DayOfWeek)
{
    private static readonly (string Name, int Min, int Max)[] Fields =
        [("minute", 0, 59), ("hour", 0, 23), ("dayOfMonth", 1, 31), ("month", 1, 12), ("dayOfWeek", 1, 7)];

    /// <summary>Reads the request's schedule; the field and why when it is not one.</summary>
    public static QuerySchedule? Read(Dictionary<string, string?>? schedule, FieldErrors v)
    {
        if (schedule is null) return null;
        foreach (var name in schedule.Keys.Where(k => k != "second" && Fields.All(f => f.Name != k)))
            v.Add($"schedule.{name}", "Not a schedule field: second, minute, hour, dayOfMonth, month, dayOfWeek.");
        if (schedule.GetValueOrDefault("second") is { } second && second.Trim() != "0")
            v.Add("schedule.second", "Schedules run to the minute: leave second out or give 0.");
        foreach (var (name, min, max) in Fields)
            if (schedule.GetValueOrDefault(name) is { } value && Values(value, min, max) is null)
                v.Add($"schedule.{name}", $"A list of values or ranges from {min} to {max} (\"0,30\", \"8-17\") or \"*\".");
        var read = new QuerySchedule(schedule.GetValueOrDefault("minute"), schedule.GetValueOrDefault("hour"), schedule.GetValueOrDefault("dayOfMonth"),
            schedule.GetValueOrDefault("month"), schedule.GetValueOrDefault("dayOfWeek"));
        return v.IsValid ? read : null;
    }

    public string ToJson() => JsonSerializer.Serialize(this, Infrastructure.Json.Stored);

    public static QuerySchedule FromJson(string json) => JsonSerializer.Deserialize<QuerySchedule>(json, Infrastructure.Json.Stored)!;

    /// <summary>The first whole minute after <paramref name="after"/> that the schedule names; within four years (a 29
    /// February), else never (a date that does not exist, 31 February).</summary>
    public DateTimeOffset? Next(DateTimeOffset after)
    {
        var minutes = Values(Minute, 0, 59)!;
        var hours = Values(Hour, 0, 23)!;
        var days = Values(DayOfMonth, 1, 31)!;
        var months = Values(Month, 1, 12)!;
        var weekdays = Values(DayOfWeek, 1, 7)!;
        var local = after.ToOffset(VietnamTime.Offset);
        var t = new DateTimeOffset(local.Year, local.Month, local.Day, local.Hour, local.Minute, 0, local.Offset).AddMinutes(1);
        var end = t.AddYears(4);
        while (t < end)
        {
            if (!months.Contains(t.Month)) { t = new DateTimeOffset(t.Year, t.Month, 1, 0, 0, 0, t.Offset).AddMonths(1); continue; }
            var weekday = t.DayOfWeek == System.DayOfWeek.Sunday ? 7 : (int)t.DayOfWeek;
            if (!days.Contains(t.Day) || !weekdays.Contains(weekday)) { t = new DateTimeOffset(t.Year, t.Month, t.Day, 0, 0, 0, t.Offset).AddDays(1); continue; }
            if (!hours.Contains(t.Hour)) { t = new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, 0, 0, t.Offset).AddHours(1); continue; }
            if (!minutes.Contains(t.Minute)) { t = t.AddMinutes(1); continue; }
            return t;
        }
        return null;
    }

    private static HashSet<int>? Values(string? text, int min, int max)
    {
        if (text is null || text.Trim() == "*") return [.. Enumerable.Range(min, max - min + 1)];
        var values = new HashSet<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var range = part.Split('-', StringSplitOptions.TrimEntries);
            if (range.Length is < 1 or > 2 || !range.All(r => int.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out _))) return null;
            var (from, to) = (int.Parse(range[0], CultureInfo.InvariantCulture), int.Parse(range[^1], CultureInfo.InvariantCulture));
            if (from < min || to > max || from > to) return null;
            values.UnionWith(Enumerable.Range(from, to - from + 1));
        }
        return values.Count > 0 ? values : null;
    }
}
