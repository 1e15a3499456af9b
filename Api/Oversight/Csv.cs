using System.Globalization;
using System.Text;

namespace Traceability.Api.Oversight;

/// <summary>A report as CSV a spreadsheet opens as it is: UTF-8 with a byte-order mark (so Excel reads Vietnamese
/// correctly), a header row, commas, every field quoted when it holds a comma, a quote or a line break (RFC 4180), and
/// a field that starts with =, +, - or @ prefixed with an apostrophe, so that no producer's text runs as a formula.</summary>
public sealed class Csv(string fileName, IReadOnlyList<string> headers, IAsyncEnumerable<IReadOnlyList<object?>> rows) : IResult
{
    public const string MediaType = "text/csv";
    /// <summary>Characters written at a time: a report of 120,000 lines is never one string.</summary>
    private const int Chunk = 16 * 1024;

    public Csv(string fileName, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<object?>> rows) : this(fileName, headers, rows.ToAsyncEnumerable()) { }

    public static bool Wanted(HttpRequest request) =>
        request.Query["format"] == "csv" || request.Headers.Accept.ToString().Contains(MediaType, StringComparison.OrdinalIgnoreCase);

    public async Task ExecuteAsync(HttpContext context)
    {
        context.Response.ContentType = $"{MediaType}; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        var text = new StringBuilder("\uFEFF", Chunk + 1024);
        text.Append(string.Join(',', headers.Select(Field))).Append("\r\n");
        await foreach (var row in rows.WithCancellation(context.RequestAborted))
        {
            text.Append(string.Join(',', row.Select(v => Field(Format(v))))).Append("\r\n");
            if (text.Length < Chunk) continue;
            await context.Response.WriteAsync(text.ToString(), Encoding.UTF8, context.RequestAborted);
            text.Clear();
        }
        await context.Response.WriteAsync(text.ToString(), Encoding.UTF8, context.RequestAborted);
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Field(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            value = "'" + value;
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
    }
}
