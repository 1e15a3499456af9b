using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Traceability.Api.Auth;
using Traceability.Api.Contracts;
using Traceability.Api.Idempotency;
using Traceability.Api.PublicRecords;
using Traceability.Api.Setup;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Endpoints;

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
            .WithSummary("The batches one and more steps before (made into this one) and after (made from it) — circular 02/2024/TT-BKHCN. Each batch once, at its nearest depth, up to 64 steps; more than 10,000 batches → 422.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/{id:guid}/recall", RecallBatch).RequireScope(KeyScopes.BatchesWrite).WithName("RecallBatch")
            .WithSummary("Recall a batch and, transitively, every batch made from it (the owner or any authority). The recall is recorded in each chain; a recalled batch stays recalled.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return group;
    }

    public static async Task<Created<BatchResponse>> CreateBatch(
        CreateBatchRequest request, ClaimsPrincipal user, ProductRepository products, BatchRepository batches,
        PublicLinks links, RequestTransaction transaction, TimeProvider clock, CancellationToken ct)
    {
        var v = new FieldErrors();
        if (request.ProductId is null) v.Add("productId", "Required.");
        var product = request.ProductId is { } productId ? await products.LoadAsync(productId, user, Access.Need.Change, ct) : null;
        var now = clock.GetUtcNow();
        var candidate = request.ToBatch(Guid.CreateVersion7(), product, VietnamTime.Today(now), now, v);
        var parents = await BatchParents.ResolveAsync(request.Parents, candidate.ProducerId, batches, ct);
        var (connection, tx) = await transaction.BeginAsync(ct);
        var batch = await batches.CreateAsync(connection, tx, candidate, parents, ct);
        return TypedResults.Created($"/api/v1/batches/{batch.Id}", Response(batch, product!.Gtin, links));
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
        Guid id, ClaimsPrincipal user, ProductRepository products, BatchRepository batches, PublicLinks links, CancellationToken ct)
    {
        var batch = await batches.LoadAsync(id, user, Access.Need.Read, ct);
        var product = await products.GetAsync(batch.ProductId, ct) ?? throw new NotFoundException("Product", batch.ProductId);
        return TypedResults.Ok(Response(batch, product.Gtin, links));
    }

    public static async Task<Ok<LineageResponse>> GetLineage(
        Guid id, ClaimsPrincipal user, BatchRepository batches, LineageRepository lineage, PublicLinks links, CancellationToken ct)
    {
        var batch = await batches.LoadAsync(id, user, Access.Need.Read, ct);
        var ancestors = await lineage.AncestorsAsync(id, ct);
        var descendants = await lineage.DescendantsAsync(id, ct);
        LineageNodeResponse Map(LineageNode n) => new(n.BatchId, n.Code, n.LotNumber, n.ProductId, n.ProductName, n.ProducerId,
            n.ProducerName, n.Depth, n.RecalledAt is not null, links.For(n.Code, n.LotNumber, n.Gtin));
        return TypedResults.Ok(new LineageResponse(id, batch.Code, ancestors.Select(Map).ToList(), descendants.Select(Map).ToList()));
    }

    public static async Task<Ok<RecallResponse>> RecallBatch(
        Guid id, RecallRequest request, ClaimsPrincipal user, BatchRepository batches, RecallRepository recalls,
        ProducerRepository producers, AuthorityRepository authorities, TimeProvider clock, CancellationToken ct)
    {
        var batch = await batches.LoadAsync(id, user, Access.Need.Read, ct);
        var caller = user.ToCaller();
        if (!caller.MayRecall(batch))
            throw caller.Role == Role.Admin
                ? new ForbiddenException("A recall is made by the batch's producer or an OCOP authority.")
                : new NotFoundException("Batch", id);
        var v = new FieldErrors();
        var reason = v.Required("reason", request.Reason, 1000);
        v.ThrowIfInvalid();
        var by = caller.Role == Role.Authority
            ? (await authorities.GetAsync(caller.Id!.Value, ct))?.Name
            : (await producers.GetAsync(caller.Id!.Value, ct))?.Name;
        var result = await recalls.RecallAsync(batch, reason, by ?? "", clock.GetUtcNow(), ct);
        return TypedResults.Ok(new RecallResponse(batch.Code, result.AffectedCodes, result.NewlyRecalledCodes));
    }

    private static BatchResponse Response(Batch batch, string? gtin, PublicLinks links) =>
        BatchResponse.From(batch, links.For(batch, gtin), new QrLinks(links.QrPng(batch.Code), links.QrSvg(batch.Code)));
}
