using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Traceability.Api.Auth;
using Traceability.Api.Pages;
using Traceability.Api.PublicRecords;
using Traceability.Api.PublicRecords.Endpoints;
using Traceability.Api.PublicRecords.Scans;
using Traceability.Api.PublicRecords.Serving;
using Traceability.Api.Wire;
using Traceability.Domain;
using Traceability.Domain.Serials;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Reports;

/// <summary>Shoppers' reports: a plain form on every lot's and item's page (no JavaScript), a receipt page the shopper
/// follows, and the API through which the producer and its province's authorities read, answer and close them.</summary>
public static class ReportEndpoints
{
    public static WebApplication MapReportEndpoints(this WebApplication app)
    {
        foreach (var path in new[] { "/p/{code}/report", "/p/{code}/{serial}/report" })
        {
            var named = path.Contains("{serial}") ? "Item" : "";
            app.MapGet(path, Form).WithTags("Public pages").WithName($"Report{named}Form").AllowAnonymous().RequireRateLimiting(PublicSetup.RatePolicy)
                .WithSummary("The form a shopper reports a lot (or an item) with: a reason, a message, an optional phone number. HTML, no JavaScript.")
                .Produces(StatusCodes.Status200OK, contentType: "text/html").ProducesProblem(StatusCodes.Status404NotFound);
            app.MapPost(path, Submit).WithTags("Public pages").WithName($"Report{named}").AllowAnonymous().RequireRateLimiting(PublicSetup.PinRatePolicy)
                .WithSummary($"Sends the report form (application/x-www-form-urlencoded: reason, message, phone): 303 to the receipt page. At most {ShopperReports.PerClient} reports a client an hour (429).")
                .Accepts<ReportForm>("application/x-www-form-urlencoded")
                .Produces(StatusCodes.Status303SeeOther).Produces(StatusCodes.Status400BadRequest, contentType: "text/html")
                .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
        }
        app.MapGet("/r/{receipt}", Receipt).WithTags("Public pages").WithName("ReportReceipt").AllowAnonymous().RequireRateLimiting(PublicSetup.RatePolicy)
            .WithSummary("A report's receipt page: its state and the public answer (HTML; JSON for Accept: application/json). Never the message or the phone.")
            .Produces(StatusCodes.Status200OK, contentType: "text/html").Produces<ReceiptResponse>(StatusCodes.Status200OK, "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var api = app.MapGroup($"{ApiPaths.Root}/reports").WithTags("Reports").RequireAuthorization(Policies.Any);
        api.MapGet("/", List).WithName("ListReports")
            .WithSummary("Shoppers' reports, newest first, a page at a time, optionally by status: a producer's own; a province authority's province's; everyone's for the national level and the admin.")
            .ProducesValidationProblem();
        api.MapGet("/{id:guid}", Get).WithName("GetReport").WithSummary("A report (its producer, an authority of its province, the national level, the admin).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{id:guid}/handle", Handle).WithName("HandleReport")
            .WithSummary("Marks a report in progress, answers it (the answer is shown on the shopper's receipt page) or closes it.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>The report form's fields.</summary>
    public sealed record ReportForm(string? Reason, string? Message, string? Phone);

    public static async Task<IResult> Form(string code, string? serial, HttpContext context, BatchRepository batches, CancellationToken ct)
    {
        var batch = await BatchOf(code, serial, batches, ct);
        if (batch is null) return PublicPageEndpoints.NotFound(context, code);
        return Page(context, batch.Code, serial, null, null, StatusCodes.Status200OK);
    }

    public static async Task<IResult> Submit(string code, string? serial, HttpContext context, BatchRepository batches, ProducerRepository producers,
        ShopperReportRepository reports, ClientIdentity clients, TimeProvider clock, CancellationToken ct)
    {
        var batch = await BatchOf(code, serial, batches, ct);
        if (batch is null) return PublicPageEndpoints.NotFound(context, code);
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(ct) : null;
        var v = new FieldErrors();
        var (reason, message, phone) = ShopperReports.Read(v, form?["reason"], form?["message"], form?["phone"]);
        var sent = new ReportForm(form?["reason"], form?["message"], form?["phone"]);
        if (!v.IsValid)
            return Page(context, batch.Code, serial, sent, Errors(v), StatusCodes.Status400BadRequest);
        var producer = await producers.GetAsync(batch.ProducerId, ct);
        var now = clock.GetUtcNow();
        var report = new ShopperReport(Guid.CreateVersion7(now), 0, ShopperReports.NewReceipt(), batch.Id, batch.Code, batch.ProducerId,
            producer?.Address.ProvinceCode, serial, reason, message, phone, ReportStatus.Received, null, null, null, now);
        if (!await reports.CreateAsync(report, await clients.OfAsync(context, ct), ct))
        {
            context.Response.Headers.RetryAfter = ((int)ShopperReports.Window.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Page(context, batch.Code, serial, sent, [Words(context).TooMany], StatusCodes.Status429TooManyRequests);
        }
        var lang = HttpCaching.Language(context.Request);
        return new SeeOther($"/r/{report.Receipt}{(lang == "en" ? "?lang=en" : "")}");
    }

    public static async Task<IResult> Receipt(string receipt, HttpContext context, ShopperReportRepository reports, CancellationToken ct)
    {
        var report = ShopperReports.IsReceipt(receipt) ? await reports.GetByReceiptAsync(receipt, ct) : null;
        if (report is null) throw new NotFoundException("Receipt", receipt);
        context.Response.Headers.CacheControl = "no-store";
        var response = ReceiptResponse.From(report);
        if (HttpCaching.WantsJson(context.Request)) return TypedResults.Ok(response);
        return new RazorComponentResult<ReceiptPage>(new { R = response, T = PageText.For(HttpCaching.Language(context.Request)) });
    }

    public static async Task<Ok<PageResponse<ShopperReportResponse>>> List(ClaimsPrincipal user, ShopperReportRepository reports, AuthorityRepository authorities,
        string? status, string? cursor, int? limit, CancellationToken ct)
    {
        var v = new FieldErrors();
        var wanted = status is null ? null : v.Enum<ReportStatus>("status", status);
        v.ThrowIfInvalid();
        var (after, size) = Cursor.Read(cursor, limit);
        var caller = user.ToCaller();
        var authority = caller.Role == Role.Authority ? await authorities.GetAsync(caller.Id!.Value, ct) : null;
        var (producerId, province) = caller.Role switch
        {
            Role.Producer => (caller.Id, null),
            Role.Authority when authority is { Level: AuthorityLevel.Province } => ((Guid?)null, authority.ProvinceCode ?? ""),
            _ => ((Guid?)null, (string?)null),
        };
        var page = await reports.ListAsync(producerId, province, wanted, after == 0 ? long.MaxValue : after, size, ct);
        return TypedResults.Ok(new PageResponse<ShopperReportResponse>(
            page.Select(r => ShopperReportResponse.From(r, ShopperReports.SeesPhone(caller, authority, r))).ToList(),
            page.Count == size ? Cursor.Encode(page[^1].Seq) : null));
    }

    public static async Task<Ok<ShopperReportResponse>> Get(Guid id, ClaimsPrincipal user, ShopperReportRepository reports, AuthorityRepository authorities,
        CancellationToken ct)
    {
        var (report, caller, authority) = await LoadAsync(id, user, reports, authorities, ct);
        return TypedResults.Ok(ShopperReportResponse.From(report, ShopperReports.SeesPhone(caller, authority, report)));
    }

    public static async Task<Ok<ShopperReportResponse>> Handle(Guid id, HandleReportRequest request, ClaimsPrincipal user, ShopperReportRepository reports,
        AuthorityRepository authorities, ProducerRepository producers, TimeProvider clock, CancellationToken ct)
    {
        var (status, answer) = request.Validate();
        var (report, caller, authority) = await LoadAsync(id, user, reports, authorities, ct);
        var by = caller.Role switch
        {
            Role.Authority => authority!.Name,
            Role.Producer => (await producers.GetAsync(report.ProducerId, ct))?.Name ?? "",
            _ => "OCOP",
        };
        await reports.HandleAsync(id, status, answer, by, clock.GetUtcNow(), ct);
        return TypedResults.Ok(ShopperReportResponse.From((await reports.GetAsync(id, ct))!, ShopperReports.SeesPhone(caller, authority, report)));
    }

    private static async Task<(ShopperReport, Caller, Authority?)> LoadAsync(Guid id, ClaimsPrincipal user, ShopperReportRepository reports,
        AuthorityRepository authorities, CancellationToken ct)
    {
        var caller = user.ToCaller();
        var authority = caller.Role == Role.Authority ? await authorities.GetAsync(caller.Id!.Value, ct) : null;
        var report = await reports.GetAsync(id, ct);
        return report is not null && ShopperReports.MayHandle(caller, authority, report) ? (report, caller, authority) : throw new NotFoundException("Report", id);
    }

    private static async Task<Batch?> BatchOf(string code, string? serial, BatchRepository batches, CancellationToken ct) =>
        TracingCode.Normalize(code) is { } normal && (serial is null || ItemSerial.IsValid(serial)) ? await batches.GetByCodeAsync(normal, ct) : null;

    private static ReportWords Words(HttpContext context) => ReportWords.For(HttpCaching.Language(context.Request));

    private static IReadOnlyList<string> Errors(FieldErrors v)
    {
        try { v.ThrowIfInvalid(); return []; }
        catch (ValidationFailedException e) { return e.Errors.SelectMany(p => p.Value).ToList(); }
    }

    private static IResult Page(HttpContext context, string code, string? serial, ReportForm? sent, IReadOnlyList<string>? errors, int status)
    {
        context.Response.StatusCode = status;
        context.Response.Headers.CacheControl = "no-store";
        var lang = HttpCaching.Language(context.Request);
        return new RazorComponentResult<ReportFormPage>(new
        {
            Code = code, Serial = serial, Sent = sent, Errors = errors ?? [], T = PageText.For(lang), W = ReportWords.For(lang),
            Action = $"{context.Request.Path}{(lang == "en" ? "?lang=en" : "")}",
        }) { StatusCode = status };
    }
}
