using System.Text.Json.Nodes;
using Traceability.Api.PublicRecords.Building;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Epcis;

/// <summary>A SimpleEventQuery answered for a reader, whether asked over HTTP, by name, or by a subscription. Who sees
/// what: anyone, a named lot's or item's events as its public page shows them (no serials); a producer, its own, and
/// the events it captured as it sent them; a province authority, its province's (with serials, and the captured events
/// attached to its lots as sent); the national level and the admin, everyone's (without serials).</summary>
public sealed class EpcisAnswers(EpcisRepository epcis, AuthorityRepository authorities, EpcisEventPage pages, PublicLinks links, TimeProvider clock)
{
    /// <summary>The answer as an EPCISQueryDocument, and the next page's token (null: none).</summary>
    /// <param name="role">The reader's role; null for the public.</param>
    public async Task<(JsonObject Document, string? Next)> AnswerAsync(Role? role, Guid? id, IQueryCollection query, CancellationToken ct)
    {
        var authority = role == Role.Authority ? await authorities.GetAsync(id!.Value, ct) : null;
        var province = authority is { Level: AuthorityLevel.Province } ? authority.ProvinceCode ?? "" : null;
        var serials = role == Role.Producer || province is { Length: > 0 };
        var read = await EpcisQuery.ReadAsync(query, role == Role.Producer ? id : null, province, role is null, links.Base, epcis, ct);
        var (list, next, namespaces) = await pages.ReadAsync(read, serials, ct);
        return (EpcisDocument.QueryDocument(links.Base, list, clock.GetUtcNow(), namespaces), next);
    }
}
