using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Batches;

/// <summary>Resolves the batches a new batch is made from: the caller's own by id, anyone's by public code.</summary>
public static class BatchParents
{
    public static async Task<IReadOnlyList<BatchParent>> ResolveAsync(
        IReadOnlyList<ParentRequest?>? requested, Guid producerId, BatchRepository batches, CancellationToken ct)
    {
        var parents = new List<BatchParent>();
        if (requested is null or { Count: 0 }) return parents;
        var v = new FieldErrors();
        if (requested.Count > BatchRules.MaxParents) v.Add("parents", $"At most {BatchRules.MaxParents}.");
        for (var i = 0; i < Math.Min(requested.Count, BatchRules.MaxParents); i++)
        {
            var field = $"parents[{i}]";
            var p = requested[i];
            if (p is null || (p.BatchId is null) == (p.Code is null)) { v.Add(field, "Give either batchId (your own batch) or code (any batch's public tracing code)."); continue; }
            var quantity = v.Quantity($"{field}.quantity", p.Quantity);
            Batch? parent;
            if (p.BatchId is { } id)
            {
                parent = await batches.GetAsync(id, ct);
                if (parent is null || parent.ProducerId != producerId) { v.Add($"{field}.batchId", "None of your batches has this id."); continue; }
            }
            else
            {
                parent = TracingCode.Normalize(p.Code) is { } code ? await batches.GetByCodeAsync(code, ct) : null;
                if (parent is null) { v.Add($"{field}.code", "No batch has this tracing code."); continue; }
            }
            if (parent.RecalledAt is not null) v.Add(field, $"Batch {parent.Code} is recalled and cannot be used.");
            else if (parents.Any(x => x.ParentId == parent.Id)) v.Add(field, $"Batch {parent.Code} is listed twice.");
            else parents.Add(new BatchParent(parent.Id, quantity));
        }
        v.ThrowIfInvalid();
        return parents;
    }
}
