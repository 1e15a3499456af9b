using System.Security.Claims;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Auth;

/// <summary>Ownership rules. A producer's data is readable by that producer, any authority and the admin;
/// to another producer it does not exist (404, never 403, so ids cannot be probed).</summary>
public static class Access
{
    /// <summary>What a request does with a producer's data: read it (the producer, authorities, the admin) or change it
    /// (the producer).</summary>
    public enum Need { Read, Change }

    private static bool May(this ClaimsPrincipal user, Need need, Guid ownerProducerId) =>
        need == Need.Read ? user.ToCaller().MayRead(ownerProducerId) : user.ToCaller().MayChange(ownerProducerId);

    /// <summary>The batch a request names, if the caller may <paramref name="need"/> it; otherwise, as when there is no
    /// such batch, 404.</summary>
    public static async Task<Batch> LoadAsync(this BatchRepository batches, Guid id, ClaimsPrincipal user, Need need, CancellationToken ct) =>
        await batches.GetAsync(id, ct) is { } batch && user.May(need, batch.ProducerId) ? batch : throw new NotFoundException("Batch", id);

    /// <summary>The batch a request records events about, and whether the caller does so as a holder of the lot (a
    /// shipping event named it as the receiver) rather than as its producer; otherwise 404.</summary>
    public static async Task<(Batch Batch, bool Held)> LoadForEventsAsync(this BatchRepository batches, Guid id, ClaimsPrincipal user,
        LotHolderRepository holders, CancellationToken ct)
    {
        var batch = await batches.GetAsync(id, ct);
        var caller = user.ToCaller();
        if (batch is not null && caller.MayChange(batch.ProducerId)) return (batch, false);
        if (batch is not null && caller.Role == Role.Producer && await holders.HoldsAsync(caller.Id!.Value, id, ct)) return (batch, true);
        throw new NotFoundException("Batch", id);
    }

    /// <summary>The batch a request reads, if the caller may read it or holds the lot; otherwise 404.</summary>
    public static async Task<Batch> LoadForReadingAsync(this BatchRepository batches, Guid id, ClaimsPrincipal user, LotHolderRepository holders, CancellationToken ct)
    {
        var batch = await batches.GetAsync(id, ct);
        var caller = user.ToCaller();
        if (batch is not null && (caller.MayRead(batch.ProducerId) || (caller.Role == Role.Producer && await holders.HoldsAsync(caller.Id!.Value, id, ct))))
            return batch;
        throw new NotFoundException("Batch", id);
    }

    /// <summary>The product a request names, if the caller may <paramref name="need"/> it; otherwise 404.</summary>
    public static async Task<Product> LoadAsync(this ProductRepository products, Guid id, ClaimsPrincipal user, Need need, CancellationToken ct) =>
        await products.GetAsync(id, ct) is { } product && user.May(need, product.ProducerId) ? product : throw new NotFoundException("Product", id);

    /// <summary>For an account's own records (its API keys, its profile): the account itself or the admin.</summary>
    public static void EnsureSelfOrAdmin(this ClaimsPrincipal user, Guid accountId, string what)
    {
        var caller = user.ToCaller();
        if (caller.Role != Role.Admin && caller.Id != accountId) throw new NotFoundException(what, accountId);
    }

    /// <summary>Whether the caller may be shown the serials of a producer's items: the producer, and a province authority
    /// of the producer's province (which follows up counterfeits there). Nobody else, not the national level or the
    /// admin: a listed serial is a label that can be copied.</summary>
    public static async Task<bool> SeesItemSerialsAsync(this ClaimsPrincipal user, Guid producerId, ProducerRepository producers,
        AuthorityRepository authorities, CancellationToken ct)
    {
        var caller = user.ToCaller();
        if (caller.Role == Role.Producer) return caller.Id == producerId;
        if (caller.Role != Role.Authority) return false;
        var authority = await authorities.GetAsync(caller.Id!.Value, ct);
        return authority is { Level: AuthorityLevel.Province, ProvinceCode: { } province }
               && (await producers.GetAsync(producerId, ct))?.Address.ProvinceCode == province;
    }

    /// <summary>Producers list their own; the admin and authorities list everyone's or filter by producer.</summary>
    public static Guid? ListScope(this ClaimsPrincipal user, Guid? requestedProducerId)
    {
        var caller = user.ToCaller();
        return caller.Role == Role.Producer ? caller.Id : requestedProducerId;
    }
}
