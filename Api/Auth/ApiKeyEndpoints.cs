using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Options;
using Traceability.Api.Hosting;
using Traceability.Api.Producers;
using Traceability.Api.Wire;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Auth;

/// <summary>An account's API keys, the same for producers and authorities: mint one for an app (scoped, expiring no later
/// than the minting key), list them, revoke one (only a key within the revoker's scopes, never the account's last full
/// key). A leaked key is replaced by minting a new one and revoking the old with it.</summary>
public static class ApiKeyEndpoints
{
    /// <summary>The key routes under an account's group (<c>/producers/{id}</c> or <c>/authorities/{id}</c>).</summary>
    public static RouteGroupBuilder MapAccountKeys(this RouteGroupBuilder accounts, Role role)
    {
        var who = role == Role.Producer ? "Producer" : "Authority";
        var whoLower = who.ToLowerInvariant();
        var keys = accounts.MapGroup("/{id:guid}/api-keys").RequireScope(KeyScopes.KeysManage)
            .WithMetadata(new AccountRole(role));
        keys.MapPost("/", CreateApiKey).WithName($"Create{who}ApiKey")
            .WithSummary($"Create another API key for a {whoLower} (the {whoLower} itself or admin), optionally named, scoped to what an app may do and expiring (never later than the calling key); the secret is shown once. The body may be empty: a key with every scope and the expiry of the calling key. An account holds at most Quotas:MaxActiveKeys active keys (409 beyond).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        keys.MapGet("/", ListApiKeys).WithName($"List{who}ApiKeys")
            .WithSummary($"A {whoLower}'s API keys (the {whoLower} itself or admin): name, scopes, creation, expiry, last use (to the minute) and revocation; never the secret.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        keys.MapDelete("/{keyId:guid}", RevokeApiKey).WithName($"Revoke{who}ApiKey")
            .WithSummary($"Revoke one of a {whoLower}'s API keys (the {whoLower} itself or admin): only a key whose scopes the calling key has too (403), never the account's last key with every scope and no expiry (409: create another first).")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return accounts;
    }

    /// <summary>Which kind of account the key routes serve.</summary>
    public sealed record AccountRole(Role Role);

    private static Role RoleOf(HttpContext context) => context.GetEndpoint()!.Metadata.GetMetadata<AccountRole>()!.Role;

    private static string Noun(Role role) => role == Role.Producer ? "Producer" : "Authority";

    public static async Task<Created<ApiKeyCreatedResponse>> CreateApiKey(
        Guid id, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] CreateApiKeyRequest? request, HttpContext context, ClaimsPrincipal user,
        ProducerRepository producers, AuthorityRepository authorities, ApiKeyRepository keys, IOptions<QuotaOptions> quotas, TimeProvider clock,
        CancellationToken ct)
    {
        var role = RoleOf(context);
        user.EnsureSelfOrAdmin(id, Noun(role));
        var exists = role == Role.Producer ? await producers.GetAsync(id, ct) is not null : await authorities.GetAsync(id, ct) is not null;
        if (!exists) throw new NotFoundException(Noun(role), id);
        var now = clock.GetUtcNow();
        var (name, scopes, expiresAt) = (request ?? new CreateApiKeyRequest(null, null, null)).Validate(user.ToCaller(), now);
        var key = IssuedKey.New(role, id, now, name, scopes, expiresAt);
        var max = quotas.Value.MaxActiveKeys;
        if (!await keys.CreateWithinCapAsync(key.Record, key.Hash, max, ct))
            throw new ConflictException($"This account has {max} active API keys, the most it may hold; revoke one it no longer uses first.");
        var path = role == Role.Producer ? "producers" : "authorities";
        return TypedResults.Created(ApiPaths.ApiKey(path, id, key.Record.Id), ApiKeyCreatedResponse.From(key));
    }

    public static async Task<Ok<IReadOnlyList<ApiKeyResponse>>> ListApiKeys(Guid id, HttpContext context, ClaimsPrincipal user, ApiKeyRepository keys,
        CancellationToken ct)
    {
        user.EnsureSelfOrAdmin(id, Noun(RoleOf(context)));
        return TypedResults.Ok<IReadOnlyList<ApiKeyResponse>>((await keys.ListAsync(id, ct)).Select(ApiKeyResponse.From).ToList());
    }

    public static async Task<NoContent> RevokeApiKey(
        Guid id, Guid keyId, HttpContext context, ClaimsPrincipal user, ApiKeyRepository keys, CallerCache cache, TimeProvider clock, CancellationToken ct)
    {
        user.EnsureSelfOrAdmin(id, Noun(RoleOf(context)));
        var target = await keys.GetAsync(id, keyId, ct) ?? throw new NotFoundException("API key", keyId);
        var caller = user.ToCaller();
        if (!caller.MayRevoke(target))
            throw new ForbiddenException($"A key may revoke only keys whose scopes it has too; this key lacks: "
                                         + string.Join(' ', ApiKeyResponse.ScopeList(target.Scopes).Where(s => !caller.HasScope(s))) + ".");
        switch (await keys.RevokeAsync(id, keyId, clock.GetUtcNow(), ct))
        {
            case ApiKeyRepository.RevokeOutcome.NotFound: throw new NotFoundException("API key", keyId);
            case ApiKeyRepository.RevokeOutcome.LastFullKey:
                throw new ConflictException("This is the account's last key with every scope and no expiry; create another first, then revoke this one with it.");
        }
        cache.Forget(keyId);
        return TypedResults.NoContent();
    }
}
