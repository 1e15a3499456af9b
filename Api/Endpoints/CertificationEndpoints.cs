using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Traceability.Api.Auth;
using Traceability.Api.Contracts;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Endpoints;

public static class CertificationEndpoints
{
    public static RouteGroupBuilder MapCertificationEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/products/{id:guid}/ocop-certifications").WithTags("OCOP certifications").RequireAuthorization(Policies.Any);

        group.MapPost("/", CreateCertification).WithName("CreateOcopCertification").RequireAuthorization(Policies.Authority)
            .WithSummary("Record an OCOP star decision for a product (authority; 5★ only by a national authority). Valid 36 months unless validUntil says otherwise.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/", ListCertifications).WithName("ListOcopCertifications")
            .WithSummary("A product's certification history, newest first, and the current one (the newest still valid).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    public static async Task<Created<CertificationResponse>> CreateCertification(
        Guid id, CreateCertificationRequest request, ClaimsPrincipal user, ProductRepository products,
        AuthorityRepository authorities, CertificationRepository certifications, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var today = VietnamTime.Today(now);
        _ = await products.GetAsync(id, ct) ?? throw new NotFoundException("Product", id);
        var authorityId = user.ToCaller().Id!.Value;
        var authority = await authorities.GetAsync(authorityId, ct) ?? throw new NotFoundException("Authority", authorityId);
        var certification = request.ToCertification(Guid.CreateVersion7(), id, authority.Id, today, now);
        if (!authority.MayCertify(certification.Stars))
            throw new ForbiddenException($"A {WireEnum<AuthorityLevel>.Name(authority.Level)} authority certifies at most {authority.MaxStars} stars; 5 stars is national.");
        await certifications.CreateAsync(certification, ct);
        return TypedResults.Created($"/api/v1/products/{id}/ocop-certifications", CertificationResponse.From(certification, today));
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
}
