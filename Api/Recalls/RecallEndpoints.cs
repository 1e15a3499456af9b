using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Traceability.Api.Auth;
using Traceability.Api.Certifications;
using Traceability.Api.PublicRecords;
using Traceability.Api.PublicRecords.Building;
using Traceability.Api.Wire;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Recalls;

/// <summary>Recalls: a batch's producer, or an authority within its remit, recalls a batch and everything made from it;
/// whoever issued a recall, or a higher authority, withdraws it. Both land whatever the lineage's size: the batch itself
/// at once, the rest a bounded chunk at a time (<see cref="RecallPropagator"/>).</summary>
public static class RecallEndpoints
{
    /// <summary>Batches a request handles itself before leaving the rest to the worker (a deep, narrow lineage takes a
    /// short step per depth: at most <see cref="InlineSteps"/> of them).</summary>
    public const int InlineBatches = 2_000;
    public const int InlineSteps = 200;

    public static RouteGroupBuilder MapRecallEndpoints(this RouteGroupBuilder api)
    {
        var batches = api.MapGroup("/batches/{id:guid}").WithTags("Recalls").RequireAuthorization(Policies.Any);
        batches.MapPost("/recall", RecallBatch).RequireScope(KeyScopes.BatchesWrite).WithName("RecallBatch")
            .WithSummary("Recall a batch and, transitively, every batch made from it (its producer; a province authority within its province; a national authority anywhere). The batch is recalled at once and every batch made from it is reached, however many: 200 when all are marked, 202 while the rest are marked in the background (follow links.self). The recall is recorded in each batch's chain.")
            .Produces<RecallResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        batches.MapGet("/recalls", ListBatchRecalls).WithName("ListBatchRecalls")
            .WithSummary("Every recall that reached this batch (itself or a batch it was made from), withdrawn ones included, oldest first.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var recalls = api.MapGroup("/recalls/{id:guid}").WithTags("Recalls").RequireAuthorization(Policies.Any);
        recalls.MapGet("", GetRecall).WithName("GetRecall")
            .WithSummary("A recall and how far it has reached (authorities, the admin, the recalled batch's producer, its issuer).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        recalls.MapGet("/batches", ListRecalledBatches).WithName("ListRecalledBatches")
            .WithSummary("The batches a recall has reached so far, a page at a time in registration order, with their depth and whether each is marked.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        recalls.MapPost("/withdrawal", WithdrawRecall).RequireScope(KeyScopes.BatchesWrite).WithName("WithdrawRecall")
            .WithSummary("Withdraw a recall, with a reason (whoever issued it; for a producer's recall, an authority within the producer's province or a national one; for a province authority's, a national one). Each batch it marked that no other recall covers is released, with the withdrawal recorded in its chain; the recall stays on record. 200 when done, 202 while the rest is released in the background.")
            .Produces<RecallResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    public static async Task<Results<Ok<RecallResponse>, Accepted<RecallResponse>>> RecallBatch(
        Guid id, RecallRequest request, ClaimsPrincipal user, BatchRepository batches, RecallRepository recalls, ProducerRepository producers,
        AuthorityRepository authorities, RecallPropagator propagator, TimeProvider clock, CancellationToken ct)
    {
        var batch = await batches.LoadAsync(id, user, Access.Need.Read, ct);
        var caller = user.ToCaller();
        var authority = caller.Role == Role.Authority ? await authorities.GetAsync(caller.Id!.Value, ct) : null;
        var producer = await producers.GetAsync(batch.ProducerId, ct);
        if (RecallRules.RecallRefusal(caller, authority, batch, producer?.Address.ProvinceCode) is { } refusal) throw new ForbiddenException(refusal);
        var v = new FieldErrors();
        var reason = v.Required("reason", request.Reason, 1000, multiLine: true);
        v.ThrowIfInvalid();
        var issuer = authority is not null
            ? new RecallIssuer(RecallIssuerRole.Authority, authority.Id, authority.Name, authority.Level)
            : new RecallIssuer(RecallIssuerRole.Producer, caller.Id, producer?.Name ?? "", null);
        var recall = await recalls.StartAsync(batch, reason, issuer, clock.GetUtcNow(), ct);
        return await FinishAsync(recall, recalls, propagator, clock, ct);
    }

    public static async Task<Ok<IReadOnlyList<RecallResponse>>> ListBatchRecalls(
        Guid id, ClaimsPrincipal user, BatchRepository batches, RecallRepository recalls, CancellationToken ct)
    {
        _ = await batches.LoadAsync(id, user, Access.Need.Read, ct);
        return TypedResults.Ok<IReadOnlyList<RecallResponse>>((await recalls.ReachingAsync(id, ct)).Select(RecallResponse.From).ToList());
    }

    public static async Task<Ok<RecallResponse>> GetRecall(Guid id, ClaimsPrincipal user, RecallRepository recalls, CancellationToken ct) =>
        TypedResults.Ok(RecallResponse.From(await LoadAsync(id, user, recalls, ct)));

    public static async Task<Ok<PageResponse<RecalledBatchResponse>>> ListRecalledBatches(
        Guid id, ClaimsPrincipal user, RecallRepository recalls, PublicLinks links, string? cursor, int? limit, CancellationToken ct)
    {
        var (after, size) = Cursor.Read(cursor, limit);
        var recall = await LoadAsync(id, user, recalls, ct);
        var page = await recalls.ReachedAsync(recall.Seq, after, size, ct);
        return TypedResults.Ok(page.ToResponse(b => new RecalledBatchResponse(b.BatchId, b.Code, b.LotNumber, b.ProductName, b.ProducerId, b.ProducerName,
            b.Depth, b.State switch { 0 => "reached", 1 => "marked", 2 => "released", _ => "not_marked" }, b.Recalled, links.For(b.Code, b.LotNumber, b.Gtin))));
    }

    public static async Task<Results<Ok<RecallResponse>, Accepted<RecallResponse>>> WithdrawRecall(
        Guid id, WithdrawalRequest request, ClaimsPrincipal user, RecallRepository recalls, ProducerRepository producers,
        AuthorityRepository authorities, RecallPropagator propagator, TimeProvider clock, CancellationToken ct)
    {
        var reason = request.Validated();
        var recall = await LoadAsync(id, user, recalls, ct);
        var caller = user.ToCaller();
        var authority = caller.Role == Role.Authority ? await authorities.GetAsync(caller.Id!.Value, ct) : null;
        var producer = await producers.GetAsync(recall.ProducerId, ct);
        if (!RecallRules.MayWithdraw(caller, authority, recall, producer?.Address.ProvinceCode))
            throw new ForbiddenException("A recall is withdrawn by whoever issued it, or by a higher authority: for a producer's recall, an authority "
                                         + "within the producer's province or a national one; for a province authority's, a national one.");
        var name = authority?.Name ?? producer?.Name ?? "";
        if (!await recalls.WithdrawAsync(recall.Seq, new RecallWithdrawal(clock.GetUtcNow(), caller.Id ?? Guid.Empty, name, reason), ct))
            throw new ConflictException("This recall was withdrawn already.");
        return await FinishAsync(recall, recalls, propagator, clock, ct);
    }

    /// <summary>Takes a few steps of the recall's work in this request; what is left goes to the worker (202).</summary>
    private static async Task<Results<Ok<RecallResponse>, Accepted<RecallResponse>>> FinishAsync(
        Recall recall, RecallRepository recalls, RecallPropagator propagator, TimeProvider clock, CancellationToken ct)
    {
        var (handled, more) = (0, true);
        for (var i = 0; i < InlineSteps && handled < InlineBatches && more; i++)
        {
            var step = await recalls.StepAsync(recall.Seq, clock.GetUtcNow(), ct);
            (handled, more) = (handled + step, step > 0);
        }
        var now = RecallResponse.From((await recalls.GetAsync(recall.Id, ct))!);
        if (!more) return TypedResults.Ok(now);
        propagator.Wake();
        return TypedResults.Accepted(now.Links.Self, now);
    }

    /// <summary>A recall, to authorities, the admin, the recalled batch's producer and its issuer; to anyone else, 404.</summary>
    private static async Task<Recall> LoadAsync(Guid id, ClaimsPrincipal user, RecallRepository recalls, CancellationToken ct)
    {
        var caller = user.ToCaller();
        var recall = await recalls.GetAsync(id, ct);
        if (recall is null || (caller.Role == Role.Producer && caller.Id != recall.ProducerId && caller.Id != recall.Issuer.Id))
            throw new NotFoundException("Recall", id);
        return recall;
    }
}
