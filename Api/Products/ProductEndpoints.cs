using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Traceability.Api.Auth;
using Traceability.Api.Wire;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Products;

public static class ProductEndpoints
{
    public static RouteGroupBuilder MapProductEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/products").WithTags("Products").RequireAuthorization(Policies.Any);

        group.MapPost("/", CreateProduct).RequireScope(KeyScopes.BatchesWrite).WithName("CreateProduct").RequireAuthorization(Policies.Producer)
            .WithSummary("Register one of the calling producer's OCOP products.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", ListProducts).WithName("ListProducts")
            .WithSummary("List products, oldest first, a page at a time: a producer's own; everyone's (or one producer's) for admin and authorities.")
            .ProducesValidationProblem();
        group.MapGet("/{id:guid}", GetProduct).WithName("GetProduct")
            .WithSummary("Read a product (its producer, any authority, admin).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPatch("/{id:guid}", PatchProduct).RequireScope(KeyScopes.BatchesWrite).WithName("PatchProduct").RequireAuthorization(Policies.Producer)
            .WithSummary("Change a product with a JSON merge patch (RFC 7396): absent fields stay, null clears. The GTIN is fixed once the product has batches. A change to the name, category or GTIN is kept in the product's changes.")
            .Accepts<ProductPatchRequest>("application/merge-patch+json", "application/json")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id:guid}/changes", ListProductChanges).WithName("ListProductChanges")
            .WithSummary("Every change to the product's certified facts — name, category, GTIN — oldest first: from what, to what, when, and the API key that made it. A certification keeps the facts it was given for; the public page says when they changed since.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    public static async Task<Created<ProductResponse>> CreateProduct(
        ProductRequest request, ClaimsPrincipal user, ProductRepository products, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var product = request.ToProduct(Guid.CreateVersion7(), user.ToCaller().Id!.Value, now, now);
        await products.CreateAsync(product, ct);
        return TypedResults.Created(ApiPaths.Product(product.Id), ProductResponse.From(product));
    }

    public static async Task<Ok<PageResponse<ProductResponse>>> ListProducts(
        ClaimsPrincipal user, ProductRepository products, Guid? producerId, string? cursor, int? limit, CancellationToken ct)
    {
        var (after, size) = Cursor.Read(cursor, limit);
        var page = await products.ListAsync(user.ListScope(producerId), after, size, ct);
        return TypedResults.Ok(page.ToResponse(ProductResponse.From));
    }

    public static async Task<Ok<ProductResponse>> GetProduct(Guid id, ClaimsPrincipal user, ProductRepository products, CancellationToken ct)
    {
        var product = await products.LoadAsync(id, user, Access.Need.Read, ct);
        return TypedResults.Ok(ProductResponse.From(product));
    }

    public static async Task<Ok<ProductResponse>> PatchProduct(
        Guid id, JsonElement patch, ClaimsPrincipal user, ProductRepository products, TimeProvider clock,
        IOptions<JsonOptions> json, CancellationToken ct)
    {
        var product = await products.LoadAsync(id, user, Access.Need.Change, ct);
        var changed = ProductPatch.Apply(ProductRequest.From(product), patch, json.Value.SerializerOptions)
            .ToProduct(product.Id, product.ProducerId, product.CreatedAt, clock.GetUtcNow());
        if (changed.Gtin != product.Gtin && await products.HasBatchesAsync(id, ct))
            throw new ConflictException("The GTIN cannot change once batches exist: their printed Digital Link QR codes carry it.");
        await products.UpdateAsync(changed, ProductChange.Between(product, changed, changed.UpdatedAt, user.ToCaller().KeyId), ct);
        return TypedResults.Ok(ProductResponse.From(changed));
    }

    public static async Task<Ok<IReadOnlyList<ProductChangeResponse>>> ListProductChanges(Guid id, ClaimsPrincipal user, ProductRepository products,
        CancellationToken ct)
    {
        _ = await products.LoadAsync(id, user, Access.Need.Read, ct);
        return TypedResults.Ok<IReadOnlyList<ProductChangeResponse>>((await products.ChangesAsync(id, ct))
            .Select(c => new ProductChangeResponse(c.Field, c.From, c.To, c.At, c.ByKeyId)).ToList());
    }
}
