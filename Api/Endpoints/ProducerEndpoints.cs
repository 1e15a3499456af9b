using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
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
        group.MapPost("/{id:guid}/api-keys", CreateApiKey).WithName("CreateProducerApiKey").RequireScope(KeyScopes.KeysManage)
            .WithSummary("Create another API key for a producer (the producer itself or admin), optionally named, scoped to what an app may do and expiring; the secret is shown once. The body may be empty: a key with every scope of the calling key.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id:guid}/api-keys", ListApiKeys).WithName("ListProducerApiKeys").RequireScope(KeyScopes.KeysManage)
            .WithSummary("A producer's API keys (the producer itself or admin): name, scopes, creation, expiry, last use (to the minute) and revocation; never the secret.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{id:guid}/api-keys/{keyId:guid}", RevokeApiKey).WithName("RevokeProducerApiKey").RequireScope(KeyScopes.KeysManage)
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
        Guid id, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] CreateApiKeyRequest? request, ClaimsPrincipal user,
        ProducerRepository producers, ApiKeyRepository keys, TimeProvider clock, CancellationToken ct)
    {
        user.EnsureSelfOrAdmin(id, "Producer");
        _ = await producers.GetAsync(id, ct) ?? throw new NotFoundException("Producer", id);
        var now = clock.GetUtcNow();
        var caller = user.ToCaller();
        var (name, scopes, expiresAt) = (request ?? new CreateApiKeyRequest(null, null, null)).Validate(caller, now);
        var key = IssuedKey.New(Role.Producer, id, now, name, scopes, expiresAt);
        await keys.CreateAsync(key.Record, key.Hash, ct);
        return TypedResults.Created($"/api/v1/producers/{id}/api-keys/{key.Record.Id}", ApiKeyCreatedResponse.From(key));
    }

    public static async Task<Ok<IReadOnlyList<ApiKeyResponse>>> ListApiKeys(Guid id, ClaimsPrincipal user, ApiKeyRepository keys, CancellationToken ct)
    {
        user.EnsureSelfOrAdmin(id, "Producer");
        return TypedResults.Ok<IReadOnlyList<ApiKeyResponse>>((await keys.ListAsync(id, ct)).Select(ApiKeyResponse.From).ToList());
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
