using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Traceability.Api.Epcis;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Endpoints;

/// <summary>What anyone may read about a batch by its public tracing code, without a key.</summary>
public static class PublicRecordEndpoints
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static RouteGroupBuilder MapPublicRecordEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/public/records").WithTags("Public records").AllowAnonymous();
        group.MapGet("/{code}/epcis", GetEpcis).WithName("GetEpcisDocument")
            .WithSummary("The batch's story as a GS1 EPCIS 2.0 JSON-LD document (application/ld+json).")
            .Produces<JsonElement>(StatusCodes.Status200OK, EpcisDocument.MediaType)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    public static async Task<ContentHttpResult> GetEpcis(
        string code, BatchRepository batches, ProductRepository products, LineageRepository lineage, EventRepository events,
        TimeProvider clock, CancellationToken ct)
    {
        var batch = (TracingCode.Normalize(code) is { } normalized ? await batches.GetByCodeAsync(normalized, ct) : null)
                    ?? throw new NotFoundException("Tracing code", code);
        var product = await products.GetAsync(batch.ProductId, ct) ?? throw new NotFoundException("Product", batch.ProductId);
        var document = EpcisDocument.Build(batch, product, await lineage.ParentsAsync(batch.Id, ct), await events.ChainAsync(batch.Id, ct), clock.GetUtcNow());
        return TypedResults.Content(document.ToJsonString(Json), EpcisDocument.MediaType);
    }
}
