using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Traceability.Api.Auth;
using Traceability.Api.Hosting;
using Traceability.Api.Idempotency;
using Traceability.Api.PublicRecords;
using Traceability.Api.PublicRecords.Building;
using Traceability.Api.PublicRecords.Serving;
using Traceability.Api.Wire;
using Traceability.Domain;
using Traceability.Domain.Serials;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Serials;

/// <summary>Item serials (GS1 AI 21) for a batch: issuing them (with the printer's file), the file again, voiding.</summary>
public static class SerialEndpoints
{
    public static RouteGroupBuilder MapSerialEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/batches/{id:guid}/serials").WithTags("Serials").RequireAuthorization(Policies.Producer);
        group.MapPost("/", IssueSerials).RequireScope(KeyScopes.SerialsWrite).WithName("IssueSerials")
            .WithSummary($"Issue count (1–{ItemSerial.MaxPerRequest:N0}) random item serials for the caller's batch, each with an 8-digit PIN when withPin. "
                + "Answers the printer's file (CSV, streamed): position, serial, status, Digital Link, PIN. Idempotency-Key repeats the same issue and file.")
            .Produces(StatusCodes.Status201Created, contentType: SerialFile.MediaType)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/", ListIssues).WithName("ListSerialIssues")
            .WithSummary("The batch's serial issues, oldest first, each with the address of its file.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{issueId:guid}", DownloadIssue).RequireScope(KeyScopes.SerialsWrite).WithName("DownloadSerialIssue")
            .WithSummary("An issue's printer file again (CSV, PINs derived again), while the batch is not recalled.")
            .Produces(StatusCodes.Status200OK, contentType: SerialFile.MediaType)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{issueId:guid}/labels", ItemLabels).RequireScope(KeyScopes.SerialsWrite).WithName("GetItemLabels")
            .WithSummary($"Printable sheets of item labels (HTML, print CSS, one page per sheet of stock), each with its own item's QR code and serial: "
                + $"count (1–{LabelEndpoints.MaxLabels}, default {LabelEndpoints.DefaultLabels}) labels from position from (default 1), voided serials left out; "
                + "stock as for the batch's labels. No PIN is printed: PINs go to a stamp printing house in the file.")
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/activity", ItemActivityOfBatch).WithName("GetItemActivity")
            .WithSummary("What shoppers did with the batch's items, in figures: issued, scanned, PIN-verified, seen by many clients (the page's \"may have been copied\" warning), wrong PINs and lock-outs (a client paused, or an item slowed); and the items that stand out most, by wrong PINs then clients — the signals of a cloned label.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/void", VoidSerials).RequireScope(KeyScopes.SerialsWrite).WithName("VoidSerials")
            .WithSummary("Void serials (damaged labels): positions from–to of an issue, a list of serials, or both. A voided serial's page warns shoppers.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    public static async Task<Ok<ItemActivityResponse>> ItemActivityOfBatch(Guid id, ClaimsPrincipal user, BatchRepository batches, ItemRepository serials,
        IOptions<SerialOptions> options, CancellationToken ct)
    {
        _ = await batches.LoadAsync(id, user, Access.Need.Change, ct);
        var threshold = options.Value.CopyWarningClients;
        var f = await serials.ActivityAsync(id, threshold, ItemActivityResponse.Top, ct);
        return TypedResults.Ok(new ItemActivityResponse(id, f.Issued, f.Scanned, f.Verified, f.SeenByMany, f.PinFailures, f.Lockouts,
            f.Top.Select(i => new ItemActivityResponse.Item(i.Serial, i.Activity.ScanCount, i.Activity.DistinctClients, i.Activity.SeenByMany(threshold),
                i.Activity.FirstScannedAt, i.Activity.LastScannedAt, i.Activity.VerifiedAt, i.Activity.PinFailuresTotal, i.Activity.LastPinFailureAt,
                i.Activity.Lockouts)).ToList()));
    }

    /// <summary>An issue still incomplete this long after it began was left by a process that died (a million serials are
    /// written in well under a minute).</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(10);

    public static async Task<IResult> IssueSerials(Guid id, IssueSerialsRequest request, HttpContext context, ClaimsPrincipal user,
        BatchRepository batches, ProductRepository products, SerialIssueRepository serials, PublicLinks links, IOptions<SerialOptions> options,
        IOptions<QuotaOptions> quotas, TimeProvider clock, CancellationToken ct)
    {
        var (count, withPin) = request.Validate();
        var batch = await batches.LoadAsync(id, user, Access.Need.Change, ct);
        EnsureOpen(batch);
        var secret = options.Value.Secret;
        if (withPin && secret is null)
            throw new ConflictException("This deployment has no Serials:PinSecret, so it cannot issue PINs; issue without withPin, or ask its operator to set one.");
        var product = await products.GetAsync(batch.ProductId, ct) ?? throw new NotFoundException("Product", batch.ProductId);
        var prefix = SerialFile.LinkPrefix(links.Base, batch.Code, batch.LotNumber, product.Gtin);
        var requestHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{count}|{withPin}")));

        // Idempotency-Key, the same header and rules as IdempotencyFilter, kept differently: that filter stores a response
        // to replay, and this one is a file of up to a million lines streamed from the stored issue. So the issue itself is
        // what is kept under the key, and a repeat streams its file again; never a second issue.
        var key = IdempotencyFilter.ReadKey(context.Request) is { } raw ? Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(raw))) : null;
        if (key is not null && await serials.FindByKeyAsync(batch.Id, key, ct) is { CompletedAt: null } writing)
        {
            // The first request with this key is still writing its serials (or died doing so: then it is removed).
            if (clock.GetUtcNow() - writing.CreatedAt < AbandonedAfter)
                throw new ConflictException("The serials of a request with this Idempotency-Key are still being written; repeat it in a moment to get them.");
            await serials.RemoveAsync(writing.Seq, ct);
        }
        if (key is not null && await serials.FindByKeyAsync(batch.Id, key, ct) is { } earlier)
        {
            if (earlier.RequestHash != requestHash)
                throw new UnprocessableException("This Idempotency-Key was used for another request (count or withPin differ).");
            context.Response.Headers[IdempotencyFilter.ReplayedHeader] = "true";
            return new SerialFile(earlier, prefix, secret, serials, StatusCodes.Status201Created, FileUrl(links, batch.Id, earlier.Id));
        }

        var held = await serials.IssuedByProducerAsync(batch.ProducerId, ct);
        if (held + count > quotas.Value.SerialsPerProducer)
            throw new UnprocessableException($"This producer holds {held:N0} serials; {count:N0} more would pass the {quotas.Value.SerialsPerProducer:N0} it may hold "
                                             + "(Quotas:SerialsPerProducer). Ask the operator if your labels really need more.");
        for (var attempt = 1; ; attempt++)
        {
            var issue = new SerialIssueRepository.Issue(Guid.CreateVersion7(), 0, batch.Id, count, withPin, clock.GetUtcNow(), requestHash);
            try
            {
                var seq = await serials.IssueAsync(issue, key, n => Enumerable.Range(0, n).Select(_ => ItemSerial.New()).ToArray(), ct);
                return new SerialFile(issue with { Seq = seq }, prefix, secret, serials, StatusCodes.Status201Created, FileUrl(links, batch.Id, issue.Id));
            }
            catch (SerialIssueRepository.DuplicateSerialException) when (attempt < 3)
            {
                // 66 random bits each: a repeat (of a stored serial, or within the draw) is a one-in-a-trillion event; draw them all again.
            }
        }
    }

    public static async Task<Ok<List<SerialIssueResponse>>> ListIssues(Guid id, ClaimsPrincipal user, BatchRepository batches,
        SerialIssueRepository serials, PublicLinks links, CancellationToken ct)
    {
        var batch = await batches.LoadAsync(id, user, Access.Need.Change, ct);
        return TypedResults.Ok((await serials.ListIssuesAsync(batch.Id, ct))
            .Select(i => new SerialIssueResponse(i.Id, i.Count, i.WithPin, i.CreatedAt, FileUrl(links, batch.Id, i.Id))).ToList());
    }

    public static async Task<IResult> DownloadIssue(Guid id, Guid issueId, ClaimsPrincipal user, BatchRepository batches, ProductRepository products,
        SerialIssueRepository serials, PublicLinks links, IOptions<SerialOptions> options, CancellationToken ct)
    {
        var batch = await batches.LoadAsync(id, user, Access.Need.Change, ct);
        var issue = await serials.GetIssueAsync(issueId, ct);
        if (issue is null || issue.BatchId != batch.Id || issue.CompletedAt is null) throw new NotFoundException("Serial issue", issueId);
        EnsureOpen(batch);
        var product = await products.GetAsync(batch.ProductId, ct) ?? throw new NotFoundException("Product", batch.ProductId);
        return new SerialFile(issue, SerialFile.LinkPrefix(links.Base, batch.Code, batch.LotNumber, product.Gtin), options.Value.Secret, serials,
            StatusCodes.Status200OK, null);
    }

    public static async Task<IResult> ItemLabels(Guid id, Guid issueId, int? from, int? count, string? stock, ClaimsPrincipal user,
        BatchRepository batches, ProductRepository products, SerialIssueRepository serials, PublicLinks links, CancellationToken ct)
    {
        var v = new FieldErrors();
        if (from is < 1) v.Add("from", "A position, from 1.");
        if (count is < 1 or > LabelEndpoints.MaxLabels) v.Add("count", $"Between 1 and {LabelEndpoints.MaxLabels}.");
        var format = Pages.LabelStock.Find(stock);
        if (format is null) v.Add("stock", "One of " + string.Join(", ", Pages.LabelStock.All.Select(s => s.Name)) + ".");
        v.ThrowIfInvalid();
        var batch = await batches.LoadAsync(id, user, Access.Need.Change, ct);
        var issue = await serials.GetIssueAsync(issueId, ct);
        if (issue is null || issue.BatchId != batch.Id || issue.CompletedAt is null) throw new NotFoundException("Serial issue", issueId);
        EnsureOpen(batch);
        var product = await products.GetAsync(batch.ProductId, ct) ?? throw new NotFoundException("Product", batch.ProductId);
        var prefix = SerialFile.LinkPrefix(links.Base, batch.Code, batch.LotNumber, product.Gtin);
        var items = (await serials.RangeAsync(issue.Seq, from ?? 1, count ?? LabelEndpoints.DefaultLabels, ct))
            .Select(s => (s.Serial, QrCodes.ScalableSvg(prefix + s.Serial))).ToList();
        return new RazorComponentResult<Pages.LabelSheet>(new
        {
            ProductName = product.Name, batch.LotNumber, batch.Code, QrSvg = "", Count = items.Count, Stock = format!,
            Items = (IReadOnlyList<(string, string)>)items,
        });
    }

    public static async Task<Ok<VoidSerialsResponse>> VoidSerials(Guid id, VoidSerialsRequest request, ClaimsPrincipal user, BatchRepository batches,
        SerialIssueRepository serials, TimeProvider clock, CancellationToken ct)
    {
        var (issueId, from, to, list) = request.Validate();
        var batch = await batches.LoadAsync(id, user, Access.Need.Change, ct);
        if (issueId is { } named)
        {
            var issue = await serials.GetIssueAsync(named, ct);
            if (issue is null || issue.BatchId != batch.Id || issue.CompletedAt is null) throw new NotFoundException("Serial issue", named);
        }
        return TypedResults.Ok(new VoidSerialsResponse(await serials.VoidAsync(batch.Id, issueId, from, to, list, clock.GetUtcNow(), ct)));
    }

    /// <summary>A recalled batch gets no new labels, and its labels' files are not handed out again.</summary>
    private static void EnsureOpen(Batch batch)
    {
        if (batch.RecalledAt is not null) throw new ConflictException("The batch has been recalled: no serials are issued or printed for it.");
    }

    private static string FileUrl(PublicLinks links, Guid batchId, Guid issueId) => links.Absolute(ApiPaths.SerialIssue(batchId, issueId));
}
