using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Traceability.Domain;

namespace Traceability.Api.Problems;

/// <summary>The one place where failures become RFC 9457 problem details.</summary>
public sealed partial class ProblemHandler(IProblemDetailsService problems, Infrastructure.Database db, ILogger<ProblemHandler> logger) : IExceptionHandler
{
    /// <summary>How long a client waits before retrying after a database fault.</summary>
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var (status, title, detail, errors) = db.Fault(exception) is { } cause
            ? (503, "The database is unavailable.", $"Nothing was stored; try again in a few seconds ({cause}).", null)
            : Describe(exception);
        if (status == 503)
        {
            // A fault outside the request: one line that names the cause, not a stack trace.
            logger.LogWarning("Database unavailable on {Method} {Path}: {Cause} ({Error})", context.Request.Method, context.Request.Path, detail, exception.Message);
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (status >= 500) logger.LogError(exception, "Unhandled failure on {Path}", context.Request.Path);
        if (exception is QuotaExceededException quota)
            context.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(quota.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (exception is ConflictException { RetryAfter: { } passes })
            context.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(passes.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.StatusCode = status;
        var problem = errors is null
            ? new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title, Detail = detail }
            : new Microsoft.AspNetCore.Http.HttpValidationProblemDetails(errors) { Status = status, Title = title, Detail = detail };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private static (int Status, string Title, string? Detail, IDictionary<string, string[]>? Errors) Describe(Exception e) => e switch
    {
        ValidationFailedException v => (400, "The request is invalid.", v.Message, v.Errors.ToDictionary()),
        NotFoundException => (404, "Not found.", e.Message, null),
        ConflictException => (409, "Conflict.", e.Message, null),
        ForbiddenException => (403, "Forbidden.", e.Message, null),
        UnprocessableException => (422, "Unprocessable request.", e.Message, null),
        QuotaExceededException => (429, "Quota used up.", e.Message, null),
        Backups.BackupFailedException => (500, "The backup failed.", e.Message, null),
        BadHttpRequestException { InnerException: JsonException json } => (400, "The request body is not valid JSON for this operation.", null, JsonErrors(json)),
        BadHttpRequestException { StatusCode: 413 } => (413, "The request body is too large.", e.Message, null),
        BadHttpRequestException b when BindingErrors(b.Message) is { } errors => (400, "The request is invalid.", null, errors),
        BadHttpRequestException b => (b.StatusCode, "The request is invalid.", b.Message, null),
        JsonException json => (400, "The request body is not valid JSON for this operation.", null, JsonErrors(json)),
        _ => (500, "An unexpected error occurred.", null, null),
    };

    /// <summary>What minimal APIs say when a route, query or header value does not bind, or a body is missing, as a field
    /// error like every other: <c>limit=1e9</c> → {"limit": ["'1e9' is not a whole number."]}, a null body → {"body": …}.</summary>
    private static Dictionary<string, string[]>? BindingErrors(string message)
    {
        if (FailedToBind().Match(message) is { Success: true } failed)
            return new() { [failed.Groups["name"].Value] = [$"'{failed.Groups["value"].Value}' is not {Expected(failed.Groups["type"].Value)}."] };
        if (message.StartsWith("Implicit body inferred for parameter", StringComparison.Ordinal))
            return new() { ["body"] = ["Required: a JSON object."] };
        if (NotProvided().Match(message) is { Success: true } missing)
            return missing.Groups["source"].Value == "body"
                ? new() { ["body"] = ["Required: a JSON object."] }
                : new() { [missing.Groups["name"].Value] = ["Required."] };
        return null;
    }

    private static string Expected(string type) => type.TrimEnd('?') switch
    {
        "int" or "long" or "Int32" or "Int64" => "a whole number in range",
        "Guid" => "an id (a UUID)",
        "DateOnly" => "a date (yyyy-mm-dd)",
        "bool" or "Boolean" => "true or false",
        _ => "a valid value",
    };

    [System.Text.RegularExpressions.GeneratedRegex("^Failed to bind parameter \"(?<type>[^\"]+) (?<name>[^\" ]+)\" from \"(?<value>.*)\"\\.$")]
    private static partial System.Text.RegularExpressions.Regex FailedToBind();

    [System.Text.RegularExpressions.GeneratedRegex("^Required parameter \"(?<type>[^\"]+) (?<name>[^\" ]+)\" was not provided from (?<source>[a-z ]+)\\.$")]
    private static partial System.Text.RegularExpressions.Regex NotProvided();

    /// <summary>"$.address.commune" becomes the field key "address.commune"; the reason says what is wrong in the
    /// request's terms, never in .NET's (no type names).</summary>
    private static Dictionary<string, string[]> JsonErrors(JsonException json)
    {
        var path = json.Path is null or "$" ? "body" : json.Path.TrimStart('$', '.');
        var message = json.Message.Split(" Path:")[0];
        if (UnmappedMember().Match(message) is { Success: true } unmapped)
            return new() { [path.EndsWith(unmapped.Groups["name"].Value, StringComparison.Ordinal) ? path : unmapped.Groups["name"].Value] = ["Not a field of this request."] };
        if (message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase)) return new() { [path] = ["Given twice: each field once."] };
        return new() { [path] = [DotNetTypes().Replace(message, m => Friendly(m.Value))] };
    }

    private static string Friendly(string type) => type switch
    {
        "System.Int32" or "System.Int64" or "System.Nullable`1[System.Int32]" or "System.Nullable`1[System.Int64]" => "a whole number",
        "System.Decimal" or "System.Double" or "System.Nullable`1[System.Decimal]" or "System.Nullable`1[System.Double]" => "a number",
        "System.String" => "a text",
        "System.Boolean" or "System.Nullable`1[System.Boolean]" => "true or false",
        "System.Guid" or "System.Nullable`1[System.Guid]" => "an id (a UUID)",
        "System.DateOnly" or "System.Nullable`1[System.DateOnly]" => "a date (yyyy-mm-dd)",
        "System.DateTimeOffset" or "System.Nullable`1[System.DateTimeOffset]" => "a date and time with its offset",
        _ => type.Contains("List", StringComparison.Ordinal) || type.EndsWith("[]", StringComparison.Ordinal) ? "a list" : "this field's kind of value",
    };

    [System.Text.RegularExpressions.GeneratedRegex("^The JSON property '(?<name>[^']*)' could not be mapped")]
    private static partial System.Text.RegularExpressions.Regex UnmappedMember();

    [System.Text.RegularExpressions.GeneratedRegex(@"(System|Traceability)\.[A-Za-z0-9_.`\[\],]+")]
    private static partial System.Text.RegularExpressions.Regex DotNetTypes();
}
