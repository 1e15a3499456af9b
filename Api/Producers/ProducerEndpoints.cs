using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Traceability.Api.Auth;
using Traceability.Api.Wire;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Producers;

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
        group.MapAccountKeys(Role.Producer);
        return group;
    }

    public static async Task<Created<AccountCreatedResponse<ProducerResponse>>> CreateProducer(
        CreateProducerRequest request, ProducerRepository producers, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var producer = request.ToProducer(Guid.CreateVersion7(), now);
        var key = IssuedKey.New(Role.Producer, producer.Id, now);
        await producers.CreateAsync(producer, key.Record, key.Hash, ct);
        return TypedResults.Created(ApiPaths.Producer(producer.Id),
            new AccountCreatedResponse<ProducerResponse>(producer.Id, key.Record.Id, key.Secret, ProducerResponse.From(producer)));
    }

    public static async Task<Ok<ProducerResponse>> GetProducer(Guid id, ClaimsPrincipal user, ProducerRepository producers, CancellationToken ct)
    {
        if (user.ToCaller().Role == Role.Producer) user.EnsureSelfOrAdmin(id, "Producer");
        var producer = await producers.GetAsync(id, ct) ?? throw new NotFoundException("Producer", id);
        return TypedResults.Ok(ProducerResponse.From(producer));
    }
}
