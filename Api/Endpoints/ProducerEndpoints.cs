using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Traceability.Api.Auth;
using Traceability.Api.Contracts;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Endpoints;

public static class ProducerEndpoints
{
    public static RouteGroupBuilder MapProducerEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/producers").WithTags("Producers").RequireAuthorization(Policies.Any);

        group.MapPost("/", CreateProducer).WithName("CreateProducer").RequireAuthorization(Policies.Admin)
            .WithSummary("Register a producer (admin); returns its first API key, shown once.")
            .ProducesValidationProblem();
        group.MapGet("/{id:guid}", GetProducer).WithName("GetProducer")
            .WithSummary("Read a producer (admin, any authority, or the producer itself).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/api-keys", CreateApiKey).WithName("CreateProducerApiKey")
            .WithSummary("Create another API key for a producer (the producer itself or admin); shown once.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{id:guid}/api-keys/{keyId:guid}", RevokeApiKey).WithName("RevokeProducerApiKey")
            .WithSummary("Revoke one of a producer's API keys (the producer itself or admin).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    public static async Task<Created<AccountCreatedResponse<ProducerResponse>>> CreateProducer(
        CreateProducerRequest request, ProducerRepository producers, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var producer = request.ToProducer(Guid.CreateVersion7(), now);
        var key = IssuedKey.New(Role.Producer, producer.Id, now);
        await producers.CreateAsync(producer, key.Record, key.Hash, ct);
        return TypedResults.Created($"/api/v1/producers/{producer.Id}",
            new AccountCreatedResponse<ProducerResponse>(producer.Id, key.Record.Id, key.Secret, ProducerResponse.From(producer)));
    }

    public static async Task<Ok<ProducerResponse>> GetProducer(Guid id, ClaimsPrincipal user, ProducerRepository producers, CancellationToken ct)
    {
        if (user.ToCaller().Role == Role.Producer) user.EnsureSelfOrAdmin(id, "Producer");
        var producer = await producers.GetAsync(id, ct) ?? throw new NotFoundException("Producer", id);
        return TypedResults.Ok(ProducerResponse.From(producer));
    }

    public static async Task<Created<ApiKeyCreatedResponse>> CreateApiKey(
        Guid id, ClaimsPrincipal user, ProducerRepository producers, ApiKeyRepository keys, TimeProvider clock, CancellationToken ct)
    {
        user.EnsureSelfOrAdmin(id, "Producer");
        _ = await producers.GetAsync(id, ct) ?? throw new NotFoundException("Producer", id);
        var key = IssuedKey.New(Role.Producer, id, clock.GetUtcNow());
        await keys.CreateAsync(key.Record, key.Hash, ct);
        return TypedResults.Created($"/api/v1/producers/{id}/api-keys/{key.Record.Id}", new ApiKeyCreatedResponse(key.Record.Id, key.Secret));
    }

    public static async Task<NoContent> RevokeApiKey(
        Guid id, Guid keyId, ClaimsPrincipal user, ApiKeyRepository keys, CallerCache cache, TimeProvider clock, CancellationToken ct)
    {
        user.EnsureSelfOrAdmin(id, "Producer");
        if (!await keys.RevokeAsync(id, keyId, clock.GetUtcNow(), ct)) throw new NotFoundException("API key", keyId);
        cache.Forget(keyId);
        return TypedResults.NoContent();
    }
}
