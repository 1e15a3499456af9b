using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Traceability.Api.Epcis;
using Traceability.Api.PublicRecords.Building;
using Traceability.Api.PublicRecords.Serving;
using Traceability.Api.Wire;
using Traceability.Domain;
using Traceability.Infrastructure.PublicRecords;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.PublicRecords.Endpoints;

/// <summary>What anyone may read about a batch by its public tracing code, without a key.</summary>
public static class PublicRecordEndpoints
{

    public static RouteGroupBuilder MapPublicRecordEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/public/records").WithTags("Public records").AllowAnonymous()
            .RequireRateLimiting(PublicSetup.RatePolicy);
        group.MapGet("/{code}", GetRecord).WithName("GetPublicRecord").Produces<PublicRecordResponse>()
            .WithSummary("A batch's public record as JSON, for third-party apps. Not counted as a scan. ETag/If-None-Match supported.")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapGet("/{code}/certification", GetCertification).WithName("GetPublicCertification")
            .WithSummary("The product's OCOP certification (gs1:certificationInfo): the current one and the history.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapGet("/{code}/epcis", GetEpcis).WithName("GetEpcisDocument")
            .WithSummary("The batch's story as a GS1 EPCIS 2.0 JSON-LD document (application/ld+json).")
            .Produces<JsonElement>(StatusCodes.Status200OK, EpcisDocument.MediaType)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
        return api;
    }

    public static async Task<IResult> GetRecord(string code, HttpContext context, RecordReader records, IOptions<JsonOptions> json, CancellationToken ct)
    {
        var loaded = await Load(code, records, ct);
        return HttpCaching.Stored(context, loaded, loaded.ETag + "-api", StoredPage.JsonSlotValues(loaded.Scans, json.Value.SerializerOptions),
            "application/json; charset=utf-8", scan: false);
    }

    public static async Task<Ok<PublicOcop>> GetCertification(string code, RecordReader records, CancellationToken ct) =>
        TypedResults.Ok((await Load(code, records, ct)).Record.Ocop);

    private static async Task<RecordReader.Loaded> Load(string code, RecordReader records, CancellationToken ct) =>
        (TracingCode.Normalize(code) is { } normalized ? await records.GetAsync(normalized, ct) : null)
        ?? throw new NotFoundException("Tracing code", code);

    public static async Task<ContentHttpResult> GetEpcis(
        string code, BatchRepository batches, ProductRepository products, LineageRepository lineage, EventRepository events, EpcisRepository epcis,
        PublicLinks links, TimeProvider clock, CancellationToken ct)
    {
        var batch = (TracingCode.Normalize(code) is { } normalized ? await batches.GetByCodeAsync(normalized, ct) : null)
                    ?? throw new NotFoundException("Tracing code", code);
        var product = await products.GetAsync(batch.ProductId, ct) ?? throw new NotFoundException("Product", batch.ProductId);
        var document = EpcisDocument.Build(links.Base, batch, product, await lineage.ParentsAsync(batch.Id, ct), await events.ChainAsync(batch.Id, ct),
            clock.GetUtcNow(), withItems: false, await epcis.FieldsOfBatchAsync(batch.Id, ct));
        return TypedResults.Content(document.ToJsonString(Infrastructure.Json.Stored), EpcisDocument.MediaType);
    }
}
