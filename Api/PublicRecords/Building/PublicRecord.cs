using Traceability.Api.Batches;
using Traceability.Api.Certifications;
using Traceability.Api.Events;
using Traceability.Api.Producers;
using Traceability.Domain;
using Traceability.Domain.Events;
using Traceability.Infrastructure.PublicRecords;
using Traceability.Infrastructure.Repositories;
using Traceability.Api.Wire;

namespace Traceability.Api.PublicRecords.Building;

public sealed record PublicLinksResponse(string Page, string Json, string Epcis, string Certification, string Linkset, string QrPng, string QrSvg);

public sealed record PublicProduct(
    string Name, string? NameEn, string? Gtin, string Category, string? Description, IReadOnlyList<string> Standards, string? ImageUrl)
{
    public static PublicProduct From(Product p) =>
        new(p.Name, p.NameEn, p.Gtin, WireEnum<ProductCategory>.Name(p.Category), p.Description, p.Standards, p.ImageUrl);
}

/// <param name="InactiveSince">Set when the producer was deactivated: what it recorded is still shown, with a notice (the
/// reason is the province's, not the public's).</param>
public sealed record PublicProducer(string Name, string Kind, AddressDto Address, string? Phone, string? Email, DateOnly? InactiveSince = null)
{
    public static PublicProducer From(Producer p) => new(p.Name, WireEnum<ProducerKind>.Name(p.Kind),
        new AddressDto(p.Address.Line, p.Address.Commune, p.Address.Province, p.Address.CommuneCode, p.Address.ProvinceCode), p.Phone, p.Email,
        p.Deactivation is { } d ? DateOnly.FromDateTime(d.At.ToOffset(VietnamTime.Offset).DateTime) : null);
}

public sealed record PublicBatch(string Code, string LotNumber, DateOnly ProducedOn, DateOnly? ExpiresOn, decimal? Quantity, string? Unit, OriginDto? Origin);

/// <summary>A certification as the public sees it: <c>certifiedAs</c> is the product it was given for (its name, category and
/// GTIN then).</summary>
public sealed record PublicCertification(int Stars, string DecisionNumber, string IssuedBy, DateOnly IssuedOn, DateOnly ValidUntil, string Status,
    CertifiedProductResponse? CertifiedAs = null);

/// <summary>The OCOP rating: <c>current</c> is the newest still-valid decision (null when every one has expired or been
/// withdrawn); <c>changedSinceCertification</c> the certified facts (name, category, gtin) the product no longer has —
/// the page then says the rating was given under another name.</summary>
public sealed record PublicOcop(PublicCertification? Current, IReadOnlyList<PublicCertification> History, IReadOnlyList<string>? ChangedSinceCertification = null)
{
    public static PublicOcop From(IReadOnlyList<OcopCertification> certifications, DateOnly today, Product product)
    {
        PublicCertification Cert(OcopCertification c) =>
            new(c.Stars, c.DecisionNumber, c.IssuedBy, c.IssuedOn, c.ValidUntil, c.StatusOn(today), CertifiedProductResponse.From(c.Product));
        var current = OcopCertification.Current(certifications, today);
        var changed = current?.Product?.ChangedIn(product) is { Count: > 0 } fields ? fields : null;
        return new PublicOcop(current is null ? null : Cert(current), certifications.Select(Cert).ToList(), changed);
    }
}

public sealed record PublicParent(string Code, string LotNumber, string ProductName, string ProducerName, decimal? Quantity, string? Unit, string PublicUrl);

public sealed record PublicScans(long Count, DateTimeOffset? FirstScannedAt);

/// <summary>A link the producer added to the resolver for the product or this lot (the resolver answers it by its
/// <paramref name="LinkType"/>); what it points to is the producer's, not this registry's.</summary>
public sealed record PublicProducerLink(string LinkType, string Href, string Title, string? Language, string? MediaType);

/// <summary>An account an event names besides the lot's producer: a trader that recorded it, or the receiver a
/// shipping event handed the lot to.</summary>
public sealed record PublicParty(Guid Id, string Name, [property: OneOf(typeof(ProducerKind))] string Kind);

/// <summary>A batch's public provenance record: what the page shows and what third-party apps read.
/// <c>events</c> are exactly the hashed event objects (docs/hash-chain.md), so the record can be verified as it is.</summary>
public sealed record PublicRecordResponse(
    string Code, string PublicUrl, PublicLinksResponse Links, PublicProduct Product, PublicProducer Producer, PublicBatch Batch,
    PublicOcop Ocop, RecallInfo? Recall, IReadOnlyList<PublicParent> MadeFrom, IReadOnlyList<PublicProducerLink> ProducerLinks,
    IReadOnlyList<EventResponse> Events, IReadOnlyList<PublicParty> Parties, VerificationResponse Verification,
    [property: OneOf(typeof(Verdict))] string Verdict, PublicScans? Scans)
{
    public static PublicRecordResponse From(RecordSource.Data d, PublicLinks links, DateOnly today)
    {
        var b = d.Batch;
        var page = links.For(b, d.Product.Gtin);
        var firstInvalid = HashChain.FirstInvalid(d.Events);
        var verdict = Verdicts.Of(b.RecalledAt is not null, firstInvalid is null, b.ExpiresOn,
            OcopCertification.Current(d.Certifications, today) is not null, d.Certifications.Count > 0, today);
        return new PublicRecordResponse(
            b.Code, page, links.LinksFor(b.Code, page), PublicProduct.From(d.Product), PublicProducer.From(d.Producer),
            new PublicBatch(b.Code, b.LotNumber, b.ProducedOn, b.ExpiresOn, b.Quantity, b.Unit,
                b.Origin is { } o ? new OriginDto(o.Name, o.Commune, o.Province, o.Latitude, o.Longitude) : null),
            PublicOcop.From(d.Certifications, today, d.Product),
            b.RecalledAt is { } at ? new RecallInfo(at, b.RecallReason ?? "") : null,
            d.Parents.Select(p => new PublicParent(p.Code, p.LotNumber, p.ProductName, p.ProducerName, p.Quantity, p.Unit,
                links.For(p.Code, p.LotNumber, p.Gtin))).ToList(),
            d.ProducerLinks.Select(l => new PublicProducerLink("gs1:" + l.LinkType, l.Href, l.Title, l.Language, l.MediaType)).ToList(),
            d.Events.Select(EventResponse.Public).ToList(),
            d.Parties.Select(p => new PublicParty(p.Id, p.Name, WireEnum<ProducerKind>.Name(p.Kind))).ToList(),
            new VerificationResponse(firstInvalid is null, d.Events.Count, d.Events.Count > 0 ? d.Events[^1].Hash : null, firstInvalid),
            WireEnum<Verdict>.Name(verdict), null);
    }
}
