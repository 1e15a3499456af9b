using System.Globalization;
using System.Text.Encodings.Web;
using Traceability.Api.PublicRecords;
using Traceability.Api.PublicRecords.Serving;

namespace Traceability.Api.Problems;

/// <summary>Problem details as a browser's user needs them: on a public route, to a client that prefers HTML (every
/// browser's Accept header), a small page in the page's language that says what happened and, for a 429 or 503, when
/// to try again. Apps get application/problem+json as before.</summary>
public sealed class HtmlProblemWriter : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) =>
        PublicSetup.IsPublicPath(context.HttpContext.Request.Path) && PrefersHtml(context.HttpContext.Request);

    /// <summary>Accept names text/html, at no lower quality than JSON (a browser's */* does not count as JSON).</summary>
    public static bool PrefersHtml(HttpRequest request)
    {
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted)) return false;
        double Quality(string type) => accepted.Where(a => a.MediaType.Equals(type, StringComparison.OrdinalIgnoreCase)).Select(a => a.Quality ?? 1).DefaultIfEmpty(-1).Max();
        var html = Math.Max(Quality("text/html"), Quality("application/xhtml+xml"));
        return html > 0 && html >= Math.Max(Quality("application/json"), Quality("application/problem+json"));
    }

    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    public async ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var en = HttpCaching.Language(http.Request) == "en";
        var status = context.ProblemDetails.Status ?? http.Response.StatusCode;
        var retry = http.Response.Headers.RetryAfter.ToString();
        var (title, body) = Words(status, en, int.TryParse(retry, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : null);
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        await http.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="{(en ? "en" : "vi")}">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
            <title>{Encoder.Encode(title)}</title><style>{Pages.Styles.Css}</style></head>
            <body><main><h1>{Encoder.Encode(title)}</h1><section><p>{Encoder.Encode(body)}</p></section></main></body>
            </html>
            """, http.RequestAborted);
    }

    private static (string Title, string Body) Words(int status, bool en, int? retryAfter) => (status, en) switch
    {
        (429, false) => ("Quá nhiều yêu cầu", $"Có quá nhiều lượt truy cập từ mạng này. Hãy thử lại sau {retryAfter ?? 60} giây."),
        (429, true) => ("Too many requests", $"Too many requests came from this network. Try again in {retryAfter ?? 60} seconds."),
        (503, false) => ("Hệ thống tạm gián đoạn", $"Hệ thống đang tạm gián đoạn. Hãy thử lại sau {retryAfter ?? 5} giây."),
        (503, true) => ("Temporarily unavailable", $"The service is temporarily unavailable. Try again in {retryAfter ?? 5} seconds."),
        (404 or 410, false) => ("Không tìm thấy", "Đường dẫn này không dẫn tới một mã truy xuất của hệ thống. Hãy quét lại mã QR trên nhãn."),
        (404 or 410, true) => ("Not found", "This link does not lead to one of our tracing codes. Scan the QR code on the label again."),
        (_, false) => ("Đường dẫn không hợp lệ", "Đường dẫn này không đúng định dạng của mã truy xuất. Hãy quét lại mã QR trên nhãn."),
        (_, true) => ("Not a valid link", "This link is not in the form of a tracing code. Scan the QR code on the label again."),
    };
}

/// <summary>The last resort: problem details as JSON whatever the Accept header says, so that no answer is ever an empty
/// 500 for want of a writer (a rate limiter's 429 to a client that accepts neither HTML on this route nor JSON).</summary>
public sealed class FallbackProblemWriter : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context) =>
        new(context.HttpContext.Response.WriteAsJsonAsync(context.ProblemDetails, context.ProblemDetails.GetType(), (System.Text.Json.JsonSerializerOptions?)null,
            "application/problem+json", context.HttpContext.RequestAborted));
}
