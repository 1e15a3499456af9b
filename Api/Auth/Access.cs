using System.Security.Claims;
using Traceability.Domain;

namespace Traceability.Api.Auth;

/// <summary>Ownership rules. A producer's data is readable by that producer, any authority and the admin;
/// to another producer it does not exist (404, never 403, so ids cannot be probed).</summary>
public static class Access
{
    public static void EnsureCanRead(this ClaimsPrincipal user, Guid ownerProducerId, string what, Guid id)
    {
        var caller = user.ToCaller();
        if (caller.Role == Role.Producer && caller.Id != ownerProducerId) throw new NotFoundException(what, id);
    }

    public static void EnsureOwns(this ClaimsPrincipal user, Guid ownerProducerId, string what, Guid id)
    {
        if (!user.ToCaller().IsProducer(ownerProducerId)) throw new NotFoundException(what, id);
    }

    /// <summary>For an account's own records (its API keys, its profile): the account itself or the admin.</summary>
    public static void EnsureSelfOrAdmin(this ClaimsPrincipal user, Guid accountId, string what)
    {
        var caller = user.ToCaller();
        if (caller.Role != Role.Admin && caller.Id != accountId) throw new NotFoundException(what, accountId);
    }

    /// <summary>Producers list their own; the admin and authorities list everyone's or filter by producer.</summary>
    public static Guid? ListScope(this ClaimsPrincipal user, Guid? requestedProducerId)
    {
        var caller = user.ToCaller();
        return caller.Role == Role.Producer ? caller.Id : requestedProducerId;
    }
}
