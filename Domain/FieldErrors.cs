namespace Traceability.Domain;

/// <summary>Collects field errors keyed by camelCase path, then throws them all at once.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
    }

    /// <summary>Required text: present, not blank, within <paramref name="max"/> characters, with nothing that displays as
    /// something else (<see cref="Text.Problem"/>; line breaks only where <paramref name="multiLine"/>).</summary>
    public string Required(string field, string? value, int max, bool multiLine = false)
    {
        if (string.IsNullOrWhiteSpace(value)) { Add(field, "Required."); return ""; }
        if (value.Length > max) Add(field, $"At most {max} characters.");
        else if (Text.Problem(value, multiLine) is { } problem) Add(field, problem);
        return value;
    }

    /// <summary>Optional text: blank becomes null; otherwise as <see cref="Required"/>.</summary>
    public string? Optional(string field, string? value, int max, bool multiLine = false)
    {
        value = Text.EmptyToNull(value);
        if (value is not null && value.Length > max) Add(field, $"At most {max} characters.");
        else if (value is not null && Text.Problem(value, multiLine) is { } problem) Add(field, problem);
        return value;
    }

    /// <summary>A date within <see cref="Bounds"/>; null (and an error) outside it.</summary>
    public DateOnly? Date(string field, DateOnly? value)
    {
        if (value is { } d && !Bounds.Contains(d)) { Add(field, Bounds.DateRule); return null; }
        return value;
    }

    /// <summary>A quantity both databases store exactly (<see cref="Bounds.IsQuantity"/>).</summary>
    public decimal? Quantity(string field, decimal? value)
    {
        if (value is { } q && !Bounds.IsQuantity(q)) { Add(field, Bounds.QuantityRule); return null; }
        return value is { } ok ? Bounds.Normalize(ok) : null;
    }

    /// <summary>A place's coordinates: both or neither, each within its range (fields <paramref name="at"/>latitude and
    /// <paramref name="at"/>longitude; <paramref name="at"/> is "origin." or "events[3].location.").</summary>
    public void Coordinates(string at, double? latitude, double? longitude)
    {
        if (latitude is < -90 or > 90) Add(at + "latitude", "Between -90 and 90.");
        if (longitude is < -180 or > 180) Add(at + "longitude", "Between -180 and 180.");
        if (latitude.HasValue != longitude.HasValue) Add(at.TrimEnd('.'), "Give both latitude and longitude, or neither.");
    }

    public T? Enum<T>(string field, string? value, bool required = true) where T : struct, System.Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) Add(field, $"Required; one of: {string.Join(", ", WireEnum<T>.Names)}.");
            return null;
        }
        if (WireEnum<T>.TryParse(value, out var parsed)) return parsed;
        Add(field, $"'{value}' is not allowed; use one of: {string.Join(", ", WireEnum<T>.Names)}.");
        return null;
    }

    public void ThrowIfInvalid()
    {
        if (!IsValid)
            throw new ValidationFailedException(_errors.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal));
    }
}
