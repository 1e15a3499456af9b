using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Traceability.Api.Auth;
using Traceability.Api.Wire;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Products;

/// <summary>A producer's own links in the GS1 resolver for its products and lots (issue 28, part 5): they join the
/// linkset and answer ?linkType= redirects, picked by the shopper's language; the registry's own links stay, and a lot's
/// default link stays its provenance page.</summary>
public static class ProductLinkEndpoints
{
    public static RouteGroupBuilder MapProductLinkEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/products/{id:guid}/links").WithTags("Products").RequireAuthorization(Policies.Any);
        group.MapPost("/", AddLink).RequireScope(KeyScopes.BatchesWrite).WithName("AddProductLink").RequireAuthorization(Policies.Producer)
            .WithSummary("Add a link of the producer's own to the GS1 resolver for the product's GTIN, or one lot of it (lotNumber): a GS1 Web Vocabulary link type "
                + "that is not the registry's own, an https target on a public host, a title, optionally its language and media type, and whether it is "
                + "the default of its link type. At most 50 per product.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", ListLinks).WithName("ListProductLinks")
            .WithSummary("The product's own resolver links, oldest first.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{linkId:guid}", DeleteLink).RequireScope(KeyScopes.BatchesWrite).WithName("DeleteProductLink").RequireAuthorization(Policies.Producer)
            .WithSummary("Remove one of the product's resolver links.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    public static async Task<Created<ProductLinkResponse>> AddLink(Guid id, ProductLinkRequest request, ClaimsPrincipal user, ProductRepository products,
        ProducerLinkRepository links, TimeProvider clock, CancellationToken ct)
    {
        var product = await products.LoadAsync(id, user, Access.Need.Change, ct);
        var link = request.ToLink(Guid.CreateVersion7(), product, clock.GetUtcNow());
        if (product.Gtin is null)
            throw new ConflictException("The product has no GTIN: the resolver answers only GS1 Digital Links, which name one. Give the product its GTIN first.");
        if (!await links.CreateAsync(link, ct))
            throw new ConflictException($"The product has {ProducerLinks.MaxPerProduct} links already; remove one first.");
        return TypedResults.Created(ApiPaths.ProductLink(product.Id, link.Id), ProductLinkResponse.From(link));
    }

    public static async Task<Ok<IReadOnlyList<ProductLinkResponse>>> ListLinks(Guid id, ClaimsPrincipal user, ProductRepository products,
        ProducerLinkRepository links, CancellationToken ct)
    {
        _ = await products.LoadAsync(id, user, Access.Need.Read, ct);
        return TypedResults.Ok<IReadOnlyList<ProductLinkResponse>>((await links.ListAsync(id, ct)).Select(ProductLinkResponse.From).ToList());
    }

    public static async Task<NoContent> DeleteLink(Guid id, Guid linkId, ClaimsPrincipal user, ProductRepository products, ProducerLinkRepository links,
        CancellationToken ct)
    {
        _ = await products.LoadAsync(id, user, Access.Need.Change, ct);
        if (!await links.DeleteAsync(id, linkId, ct)) throw new NotFoundException("Link", linkId);
        return TypedResults.NoContent();
    }
}
