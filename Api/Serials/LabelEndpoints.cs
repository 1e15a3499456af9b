using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Traceability.Api.Auth;
using Traceability.Api.Pages;
using Traceability.Api.PublicRecords;
using Traceability.Api.PublicRecords.Building;
using Traceability.Api.PublicRecords.Serving;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Serials;

public static class LabelEndpoints
{
    public const int MaxLabels = 500;
    public const int DefaultLabels = 24;

    public static RouteGroupBuilder MapLabelEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/batches/{id:guid}/labels", GetLabels).WithTags("Batches").RequireAuthorization(Policies.Producer).WithName("GetBatchLabels")
            .WithSummary($"Printable sheets of QR labels for a batch (HTML with print CSS, one page per sheet of stock): each the QR code, product name, lot and tracing code. count 1–{MaxLabels} (default {DefaultLabels}); stock = "
                + string.Join(", ", LabelStock.All.Select(s => $"{s.Name} ({s.Description})")) + $", default {LabelStock.Default.Name}.")
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    public static async Task<RazorComponentResult<LabelSheet>> GetLabels(
        Guid id, int? count, string? stock, ClaimsPrincipal user, BatchRepository batches, ProductRepository products, PublicLinks links, CancellationToken ct)
    {
        var v = new FieldErrors();
        if (count is < 1 or > MaxLabels) v.Add("count", $"Between 1 and {MaxLabels}.");
        var format = LabelStock.Find(stock);
        if (format is null) v.Add("stock", "One of " + string.Join(", ", LabelStock.All.Select(s => s.Name)) + ".");
        v.ThrowIfInvalid();
        var batch = await batches.LoadAsync(id, user, Access.Need.Change, ct);
        var product = await products.GetAsync(batch.ProductId, ct) ?? throw new NotFoundException("Product", batch.ProductId);
        return new RazorComponentResult<LabelSheet>(new
        {
            ProductName = product.Name, batch.LotNumber, batch.Code,
            QrSvg = QrCodes.ScalableSvg(links.For(batch, product.Gtin)), Count = count ?? DefaultLabels, Stock = format!,
        });
    }
}
