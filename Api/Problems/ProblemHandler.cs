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

    /// <summary>"$.address.commune" becomes the field key "address.commune"; the reader's message stays as the reason.</summary>
    private static Dictionary<string, string[]> JsonErrors(JsonException json)
    {
        var path = json.Path is null or "$" ? "body" : json.Path.TrimStart('$', '.');
        var message = json.Message.Split(" Path:")[0];
        return new() { [path] = [message] };
    }
}
