namespace Traceability.Api.Wire;

/// <summary>303 See Other, the answer to a form that worked: the browser follows it with a GET, so reloading the next
/// page never sends the form again (Post/Redirect/Get).</summary>
public sealed class SeeOther(string location) : IResult
{
    public Task ExecuteAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = location;
        return Task.CompletedTask;
    }
}
