using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Traceability.Api.Auth;
using Traceability.Api.Producers;
using Traceability.Api.Wire;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Authorities;

public static class AuthorityEndpoints
{
    public static RouteGroupBuilder MapAuthorityEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/authorities").WithTags("Authorities").RequireAuthorization(Policies.AdminOrAuthority);

        group.MapPost("/", CreateAuthority).WithName("CreateAuthority").RequireAuthorization(Policies.Admin)
            .WithSummary("Register an OCOP authority (admin); level province certifies 3–4★, national also 5★.")
            .ProducesValidationProblem();
        group.MapGet("/{id:guid}", GetAuthority).WithName("GetAuthority")
            .WithSummary("Read an authority (admin or the authority itself).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapAccountKeys(Role.Authority);
        return group;
    }

    public static async Task<Created<AccountCreatedResponse<AuthorityResponse>>> CreateAuthority(
        CreateAuthorityRequest request, AuthorityRepository authorities, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var authority = request.ToAuthority(Guid.CreateVersion7(), now);
        var key = IssuedKey.New(Role.Authority, authority.Id, now);
        await authorities.CreateAsync(authority, key.Record, key.Hash, ct);
        return TypedResults.Created(ApiPaths.Authority(authority.Id),
            new AccountCreatedResponse<AuthorityResponse>(authority.Id, key.Record.Id, key.Secret, AuthorityResponse.From(authority)));
    }

    public static async Task<Ok<AuthorityResponse>> GetAuthority(Guid id, ClaimsPrincipal user, AuthorityRepository authorities, CancellationToken ct)
    {
        user.EnsureSelfOrAdmin(id, "Authority");
        var authority = await authorities.GetAsync(id, ct) ?? throw new NotFoundException("Authority", id);
        return TypedResults.Ok(AuthorityResponse.From(authority));
    }
}
