using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Traceability.Api.Auth;
using Traceability.Api.Hosting;
using Traceability.Api.Idempotency;
using Traceability.Api.PublicRecords;
using Traceability.Api.PublicRecords.Building;
using Traceability.Api.Wire;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Batches;

public static class BatchEndpoints
{
    public static RouteGroupBuilder MapBatchEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/batches").WithTags("Batches").RequireAuthorization(Policies.Any);

        group.MapPost("/", CreateBatch).RequireScope(KeyScopes.BatchesWrite).WithName("CreateBatch").RequireAuthorization(Policies.Producer)
            .WithSummary("Register a production batch (lot) of one of the caller's products, optionally made from other batches; returns its public tracing code and URL.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .Idempotent();
        group.MapGet("/", ListBatches).WithName("ListBatches")
            .WithSummary("List batches, oldest first, a page at a time, optionally of one product: a producer's own; everyone's for admin and authorities.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id:guid}", GetBatch).WithName("GetBatch")
            .WithSummary("Read a batch (its producer, any authority, admin).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id:guid}/lineage", GetLineage).WithName("GetBatchLineage")
            .WithSummary("The batches one and more steps before (made into this one) and after (made from it) — circular 02/2024/TT-BKHCN. Each batch once, at its nearest depth, nearest first, however deep or wide; each list a page (limit, default 50): pass its next cursor back as cursor with direction=ancestors or descendants for the rest of that list.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    public static async Task<Created<BatchResponse>> CreateBatch(
        CreateBatchRequest request, ClaimsPrincipal user, ProductRepository products, BatchRepository batches,
        PublicLinks links, RequestTransaction transaction, Microsoft.Extensions.Options.IOptions<QuotaOptions> quotas, TimeProvider clock, CancellationToken ct)
    {
        var v = new FieldErrors();
        if (request.ProductId is null) v.Add("productId", "Required.");
        var product = request.ProductId is { } productId ? await products.LoadAsync(productId, user, Access.Need.Change, ct) : null;
        var now = clock.GetUtcNow();
        var candidate = request.ToBatch(Guid.CreateVersion7(), product, VietnamTime.Today(now), now, v);
        var parents = await BatchParents.ResolveAsync(request.Parents, candidate.ProducerId, batches, ct);
        var (connection, tx) = await transaction.BeginAsync(ct);
        var batch = await batches.CreateAsync(connection, tx, candidate, parents, ct, Quota(quotas.Value, now));
        return TypedResults.Created(ApiPaths.Batch(batch.Id), Response(batch, product!.Gtin, links));
    }

    public static async Task<Ok<PageResponse<BatchResponse>>> ListBatches(
        ClaimsPrincipal user, ProductRepository products, BatchRepository batches, PublicLinks links,
        Guid? productId, string? cursor, int? limit, CancellationToken ct)
    {
        var (after, size) = Cursor.Read(cursor, limit);
        string? gtin = null;
        if (productId is { } pid)
        {
            var product = await products.LoadAsync(pid, user, Access.Need.Read, ct);
            gtin = product.Gtin;
        }
        var page = await batches.ListAsync(user.ListScope(null), productId, after, size, ct);
        var gtins = productId is null ? await products.GetGtinsAsync(page.Items.Select(b => b.ProductId).Distinct(), ct) : null;
        return TypedResults.Ok(page.ToResponse(b => Response(b, gtins is null ? gtin : gtins.GetValueOrDefault(b.ProductId), links)));
    }

    public static async Task<Ok<BatchResponse>> GetBatch(
        Guid id, ClaimsPrincipal user, ProductRepository products, BatchRepository batches, LotHolderRepository holders, PublicLinks links, CancellationToken ct)
    {
        var batch = await batches.LoadForReadingAsync(id, user, holders, ct);
        var product = await products.GetAsync(batch.ProductId, ct) ?? throw new NotFoundException("Product", batch.ProductId);
        return TypedResults.Ok(Response(batch, product.Gtin, links));
    }

    public static async Task<Ok<LineageResponse>> GetLineage(
        Guid id, ClaimsPrincipal user, BatchRepository batches, LineageRepository lineage, PublicLinks links,
        string? direction, string? cursor, int? limit, CancellationToken ct)
    {
        var v = new FieldErrors();
        LineageRepository.Direction? only = direction switch
        {
            null => null,
            "ancestors" => LineageRepository.Direction.Ancestors,
            "descendants" => LineageRepository.Direction.Descendants,
            _ => null,
        };
        if (direction is not null && only is null) v.Add("direction", "ancestors or descendants.");
        if (cursor is not null && only is null) v.Add("direction", "Name the list the cursor continues: ancestors or descendants.");
        var after = LineageCursor.Read(cursor, v);
        if (limit is < 1 or > Cursor.MaxLimit) v.Add("limit", $"Between 1 and {Cursor.MaxLimit}.");
        v.ThrowIfInvalid();
        var batch = await batches.LoadAsync(id, user, Access.Need.Read, ct);
        LineageNodeResponse Map(LineageNode n) => new(n.BatchId, n.Code, n.LotNumber, n.ProductId, n.ProductName, n.ProducerId,
            n.ProducerName, n.Depth, n.RecalledAt is not null, links.For(n.Code, n.LotNumber, n.Gtin));
        async Task<(IReadOnlyList<LineageNodeResponse>, string?)> List(LineageRepository.Direction d)
        {
            if (only is not null && only != d) return ([], null);
            var (nodes, next) = await lineage.PageAsync(id, d, after, limit ?? Cursor.DefaultLimit, ct);
            return (nodes.Select(Map).ToList(), LineageCursor.Encode(next));
        }
        var (ancestors, ancestorsNext) = await List(LineageRepository.Direction.Ancestors);
        var (descendants, descendantsNext) = await List(LineageRepository.Direction.Descendants);
        return TypedResults.Ok(new LineageResponse(id, batch.Code, ancestors, descendants, ancestorsNext, descendantsNext));
    }

    /// <summary>Today's quota, by the Vietnam day.</summary>
    private static BatchRepository.Quota Quota(QuotaOptions o, DateTimeOffset now)
    {
        var today = VietnamTime.Today(now);
        var midnight = new DateTimeOffset(today.AddDays(1).ToDateTime(TimeOnly.MinValue), VietnamTime.Offset);
        return new BatchRepository.Quota(o.BatchesPerDay, o.ChildrenPerForeignBatch, today, midnight - now);
    }

    private static BatchResponse Response(Batch batch, string? gtin, PublicLinks links) =>
        BatchResponse.From(batch, links.For(batch, gtin), new QrLinks(links.QrPng(batch.Code), links.QrSvg(batch.Code)));
}
