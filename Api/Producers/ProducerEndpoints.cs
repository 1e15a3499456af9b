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

        group.MapPost("/", CreateProducer).WithName("CreateProducer").RequireAuthorization(Policies.AdminOrAuthority)
            .WithSummary("Register a producer (the admin; a national authority anywhere; a province authority in its province); returns its first API key, shown once, to hand over.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPost("/{id:guid}/deactivate", Deactivate).WithName("DeactivateProducer").RequireAuthorization(Policies.AdminOrAuthority)
            .WithSummary("Deactivate a producer, with a reason (the admin, or an authority whose remit covers its province): its writes are refused while inactive; its public records stay, with a notice.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/reactivate", Reactivate).WithName("ReactivateProducer").RequireAuthorization(Policies.AdminOrAuthority)
            .WithSummary("Reactivate a deactivated producer, with a reason (the admin, or an authority whose remit covers its province).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id:guid}/acts", ListActs).WithName("ListProducerActs").RequireAuthorization(Policies.AdminOrAuthority)
            .WithSummary("Who registered, deactivated and reactivated a producer, when and why, oldest first (the admin, or an authority whose remit covers its province).")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id:guid}", GetProducer).WithName("GetProducer")
            .WithSummary("Read a producer (admin, any authority, or the producer itself).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id:guid}/export", Export).WithName("ExportProducer")
            .WithSummary("Everything the producer recorded as one ZIP, streamed (the producer itself or the admin): products, certifications, batches, each batch's events as an EPCIS 2.0 document, serial issues and serials (no PINs), webhook subscriptions (no secrets), shoppers' reports. README.txt inside says what each file is.")
            .Produces(StatusCodes.Status200OK, contentType: "application/zip").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapAccountKeys(Role.Producer);
        return group;
    }

    public static async Task<Created<AccountCreatedResponse<ProducerResponse>>> CreateProducer(
        CreateProducerRequest request, ClaimsPrincipal user, ProducerRepository producers, AuthorityRepository authorities, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var producer = request.ToProducer(Guid.CreateVersion7(), now);
        var by = await ActingAsync(user, authorities, producer.Address.ProvinceCode, "producer", ct);
        var key = IssuedKey.New(Role.Producer, producer.Id, now);
        await producers.CreateAsync(producer, key.Record, key.Hash, by, ct);
        return TypedResults.Created(ApiPaths.Producer(producer.Id),
            new AccountCreatedResponse<ProducerResponse>(producer.Id, key.Record.Id, key.Secret, ProducerResponse.From(producer)));
    }

    public static async Task<Ok<ProducerResponse>> GetProducer(Guid id, ClaimsPrincipal user, ProducerRepository producers, CancellationToken ct)
    {
        if (user.ToCaller().Role == Role.Producer) user.EnsureSelfOrAdmin(id, "Producer");
        var producer = await producers.GetAsync(id, ct) ?? throw new NotFoundException("Producer", id);
        return TypedResults.Ok(ProducerResponse.From(producer));
    }

    public static async Task<IResult> Export(Guid id, HttpContext context, ClaimsPrincipal user, ProducerRepository producers, ProducerArchive archive,
        TimeProvider clock, CancellationToken ct)
    {
        user.EnsureSelfOrAdmin(id, "Producer");
        var producer = await producers.GetAsync(id, ct) ?? throw new NotFoundException("Producer", id);
        var name = $"ocop-{producer.Id:N}-{clock.GetUtcNow().UtcDateTime:yyyyMMdd}.zip";
        // .NET 10's ZipArchive closes each entry with synchronous writes (its entry streams have no asynchronous
        // disposal): allowed for this response only; Kestrel's back-pressure still bounds what is buffered.
        context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpBodyControlFeature>()!.AllowSynchronousIO = true;
        return TypedResults.Stream(body => archive.WriteAsync(producer, body, ct), "application/zip", name);
    }

    public static async Task<Ok<ProducerResponse>> Deactivate(Guid id, ProducerActRequest request, ClaimsPrincipal user, ProducerRepository producers,
        AuthorityRepository authorities, CallerCache callers, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await SetActiveAsync(id, false, request, user, producers, authorities, callers, clock, ct));

    public static async Task<Ok<ProducerResponse>> Reactivate(Guid id, ProducerActRequest request, ClaimsPrincipal user, ProducerRepository producers,
        AuthorityRepository authorities, CallerCache callers, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await SetActiveAsync(id, true, request, user, producers, authorities, callers, clock, ct));

    private static async Task<ProducerResponse> SetActiveAsync(Guid id, bool active, ProducerActRequest request, ClaimsPrincipal user,
        ProducerRepository producers, AuthorityRepository authorities, CallerCache callers, TimeProvider clock, CancellationToken ct)
    {
        var reason = request.Validate();
        var producer = await producers.GetAsync(id, ct) ?? throw new NotFoundException("Producer", id);
        var by = await ActingAsync(user, authorities, producer.Address.ProvinceCode, "producer", ct);
        if (!await producers.SetActiveAsync(id, active, by, reason, clock.GetUtcNow(), ct))
            throw new ConflictException(active ? "This producer is active." : "This producer is deactivated already.");
        callers.ForgetOwner(id);
        return ProducerResponse.From((await producers.GetAsync(id, ct))!);
    }

    public static async Task<Ok<List<ProducerActResponse>>> ListActs(Guid id, ClaimsPrincipal user, ProducerRepository producers,
        AuthorityRepository authorities, CancellationToken ct)
    {
        var producer = await producers.GetAsync(id, ct) ?? throw new NotFoundException("Producer", id);
        _ = await ActingAsync(user, authorities, producer.Address.ProvinceCode, "producer", ct);
        return TypedResults.Ok((await producers.ActsAsync(id, ct)).Select(ProducerActResponse.From).ToList());
    }

    /// <summary>Who is acting on a producer of <paramref name="provinceCode"/>: the admin, or an authority whose remit
    /// covers it (403 naming both provinces otherwise).</summary>
    private static async Task<ProducerRepository.ActBy> ActingAsync(ClaimsPrincipal user, AuthorityRepository authorities, string? provinceCode, string what,
        CancellationToken ct)
    {
        var caller = user.ToCaller();
        if (caller.Role == Role.Admin) return new ProducerRepository.ActBy(Role.Admin, null, "admin");
        var authority = await authorities.GetAsync(caller.Id!.Value, ct) ?? throw new ForbiddenException("Unknown authority.");
        if (!authority.Covers(provinceCode)) throw new ForbiddenException(authority.OutsideRemit(what, provinceCode));
        return new ProducerRepository.ActBy(Role.Authority, authority.Id, authority.Name);
    }
}
