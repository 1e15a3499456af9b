using Microsoft.AspNetCore.Http.HttpResults;
using Traceability.Domain;

namespace Traceability.Api.ReferenceData;

/// <summary>The province-level units a producer's or authority's province is checked against.</summary>
public static class ProvinceEndpoints
{
    public static RouteGroupBuilder MapProvinceEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/provinces", ListProvinces).WithTags("Producers").AllowAnonymous().RequireRateLimiting(PublicRecords.PublicSetup.RatePolicy)
            .WithName("ListProvinces")
            .WithSummary("Vietnam's 34 province-level units since 1 July 2025 with their official two-digit codes, and the source of the list: what address.provinceCode and an authority's provinceCode are checked against.");
        return api;
    }

    public sealed record ProvinceResponse(string Code, string Name);

    public sealed record ProvinceListResponse(string Source, IReadOnlyList<ProvinceResponse> Items);

    public static Ok<ProvinceListResponse> ListProvinces() =>
        TypedResults.Ok(new ProvinceListResponse(Provinces.Source, Provinces.All.Select(p => new ProvinceResponse(p.Code, p.Name)).ToList()));
}
