using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Traceability.Api.Auth;
using Traceability.Api.Wire;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Certifications;

public static class CertificationEndpoints
{
    public static RouteGroupBuilder MapCertificationEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/products/{id:guid}/ocop-certifications").WithTags("OCOP certifications").RequireAuthorization(Policies.Any);

        group.MapPost("/", CreateCertification).WithName("CreateOcopCertification").RequireAuthorization(Policies.Authority)
            .WithSummary("Record an OCOP star decision for a product (a province authority for producers of its province, 3–4★; a national authority anywhere, also 5★). Valid 36 months from the decision unless validUntil says sooner; a province decision cannot replace a current national one (403 with the reason).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/", ListCertifications).WithName("ListOcopCertifications")
            .WithSummary("A product's certification history, newest first, withdrawn ones included, and the current one (the newest still valid).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{certificationId:guid}/withdrawal", WithdrawCertification).WithName("WithdrawOcopCertification").RequireAuthorization(Policies.Authority)
            .WithSummary("Withdraw a certification, with a reason (the authority that issued it, or a national authority for a province's). It stays in the history as withdrawn and no longer rates the product.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    public static async Task<Created<CertificationResponse>> CreateCertification(
        Guid id, CreateCertificationRequest request, ClaimsPrincipal user, ProductRepository products, ProducerRepository producers,
        AuthorityRepository authorities, CertificationRepository certifications, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var today = VietnamTime.Today(now);
        var product = await products.GetAsync(id, ct) ?? throw new NotFoundException("Product", id);
        var authority = await CallingAuthorityAsync(user, authorities, ct);
        var certification = request.ToCertification(Guid.CreateVersion7(), product, authority, today, now);
        var producer = await producers.GetAsync(product.ProducerId, ct);
        if (OcopCertification.Refusal(authority, certification.Stars, producer?.Address.ProvinceCode, await certifications.ListForProductAsync(id, ct), today)
            is { } refusal)
            throw new ForbiddenException(refusal);
        await certifications.CreateAsync(certification, ct);
        return TypedResults.Created(ApiPaths.Certifications(id), CertificationResponse.From(certification, today));
    }

    public static async Task<Ok<CertificationHistoryResponse>> ListCertifications(
        Guid id, ClaimsPrincipal user, ProductRepository products, CertificationRepository certifications, TimeProvider clock, CancellationToken ct)
    {
        _ = await products.LoadAsync(id, user, Access.Need.Read, ct);
        var today = VietnamTime.Today(clock.GetUtcNow());
        var history = await certifications.ListForProductAsync(id, ct);
        var current = OcopCertification.Current(history, today);
        return TypedResults.Ok(new CertificationHistoryResponse(
            current is null ? null : CertificationResponse.From(current, today),
            history.Select(c => CertificationResponse.From(c, today)).ToList()));
    }

    public static async Task<Ok<CertificationResponse>> WithdrawCertification(
        Guid id, Guid certificationId, WithdrawalRequest request, ClaimsPrincipal user, AuthorityRepository authorities,
        CertificationRepository certifications, TimeProvider clock, CancellationToken ct)
    {
        var reason = request.Validated();
        var authority = await CallingAuthorityAsync(user, authorities, ct);
        var certification = (await certifications.ListForProductAsync(id, ct)).FirstOrDefault(c => c.Id == certificationId)
                            ?? throw new NotFoundException("OCOP certification", certificationId);
        if (!authority.MayOverrule(certification.AuthorityId, certification.IssuerLevel))
            throw new ForbiddenException("A certification is withdrawn by the authority that issued it, or by a national authority.");
        var now = clock.GetUtcNow();
        var withdrawal = new CertificationWithdrawal(now, authority.Id, authority.Name, reason);
        if (!await certifications.WithdrawAsync(id, certificationId, withdrawal, ct))
            throw new ConflictException("This certification was withdrawn already.");
        return TypedResults.Ok(CertificationResponse.From(certification with { Withdrawal = withdrawal }, VietnamTime.Today(now)));
    }

    private static async Task<Authority> CallingAuthorityAsync(ClaimsPrincipal user, AuthorityRepository authorities, CancellationToken ct)
    {
        var authorityId = user.ToCaller().Id!.Value;
        return await authorities.GetAsync(authorityId, ct) ?? throw new NotFoundException("Authority", authorityId);
    }
}
