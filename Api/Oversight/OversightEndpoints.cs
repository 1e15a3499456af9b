using System.Security.Claims;
using Traceability.Api.Auth;
using Traceability.Api.Wire;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Oversight;

/// <summary>The reports the OCOP office runs its programme with, over its province (a province authority) or every
/// province or one (the national level, the admin): certified products by rating, certifications ending or ended,
/// certified products with no recent batch, scans, counterfeit signals, recalls, and shoppers' reports. Each is JSON, or CSV for a spreadsheet
/// (<c>?format=csv</c> or <c>Accept: text/csv</c>).</summary>
public static class OversightEndpoints
{
    public const int DefaultWithinDays = 90;

    public static RouteGroupBuilder MapOversightEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/oversight").WithTags("Oversight").RequireAuthorization(Policies.AdminOrAuthority);
        group.MapGet("/products", Products).WithName("OversightProducts")
            .WithSummary("OCOP products with a current certification, counted by commune, category and stars. JSON, or CSV (?format=csv).")
            .Produces<ProductsReport>().Produces(StatusCodes.Status200OK, contentType: Csv.MediaType).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/certifications", Certifications).WithName("OversightCertifications")
            .WithSummary("Certifications ending within withinDays (default 90) and those that ended (a product with no current certification). JSON, or CSV (?format=csv).")
            .Produces<CertificationsReport>().Produces(StatusCodes.Status200OK, contentType: Csv.MediaType).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/idle-products", IdleProducts).WithName("OversightIdleProducts")
            .WithSummary("Products certified today with no batch produced in the last year. JSON, or CSV (?format=csv).")
            .Produces<IdleProductsReport>().Produces(StatusCodes.Status200OK, contentType: Csv.MediaType).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/scans", Scans).WithName("OversightScans")
            .WithSummary("Scans of the province's lots per month over the last months (default 12, at most 36): in total, per product and commune. JSON, or CSV (?format=csv).")
            .Produces<ScansReport>().Produces(StatusCodes.Status200OK, contentType: Csv.MediaType).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/signals", Signals).WithName("OversightSignals")
            .WithSummary("Counterfeit signals per product: items with the copied-label warning, wrong PINs and lock-outs, scans of serials never issued for its lots and of voided serials; and first scans of its items. JSON, or CSV (?format=csv).")
            .Produces<SignalsReport>().Produces(StatusCodes.Status200OK, contentType: Csv.MediaType).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/recalls", Recalls).WithName("OversightRecalls")
            .WithSummary("Recalls of the province's batches, open and withdrawn, with how many batches each reached and its dates. JSON, or CSV (?format=csv).")
            .Produces<RecallsReport>().Produces(StatusCodes.Status200OK, contentType: Csv.MediaType).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/shopper-reports", ShopperReports).WithName("OversightShopperReports")
            .WithSummary("Shoppers' reports counted by lot, reason and status. JSON, or CSV (?format=csv).")
            .Produces<ShopperReportsReport>().Produces(StatusCodes.Status200OK, contentType: Csv.MediaType).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    public static async Task<IResult> Products(HttpContext context, ClaimsPrincipal user, AuthorityRepository authorities, OversightRepository oversight,
        TimeProvider clock, string? province, CancellationToken ct)
    {
        var scope = await ScopeAsync(user, authorities, province, clock, ct);
        var report = OversightReports.Products(scope, await oversight.CertifiedProductsAsync(scope.ProvinceCode, ct));
        return Csv.Wanted(context.Request)
            ? new Csv("ocop-products.csv", ["commune", "category", "stars", "products"], report.Counts.Select(c => new object?[] { c.Commune, c.Category, c.Stars, c.Products }))
            : TypedResults.Ok(report);
    }

    public static async Task<IResult> Certifications(HttpContext context, ClaimsPrincipal user, AuthorityRepository authorities, OversightRepository oversight,
        TimeProvider clock, string? province, int? withinDays, CancellationToken ct)
    {
        if (withinDays is < 1 or > 3 * 365) throw ValidationFailedException.For("withinDays", "From 1 to 1095 days.");
        var scope = await ScopeAsync(user, authorities, province, clock, ct);
        var report = OversightReports.Certifications(scope, withinDays ?? DefaultWithinDays, await oversight.CertifiedProductsAsync(scope.ProvinceCode, ct));
        return Csv.Wanted(context.Request)
            ? new Csv("ocop-certifications.csv", ["state", "product", "gtin", "producer", "commune", "stars", "decision", "validUntil", "daysLeft"],
                report.Expiring.Select(l => Line("expiring", l)).Concat(report.Expired.Select(l => Line("expired", l))))
            : TypedResults.Ok(report);

        static object?[] Line(string state, CertificationLine l) => [state, l.Product, l.Gtin, l.Producer, l.Commune, l.Stars, l.DecisionNumber, l.ValidUntil, l.DaysLeft];
    }

    public static async Task<IResult> IdleProducts(HttpContext context, ClaimsPrincipal user, AuthorityRepository authorities, OversightRepository oversight,
        TimeProvider clock, string? province, CancellationToken ct)
    {
        var scope = await ScopeAsync(user, authorities, province, clock, ct);
        var report = OversightReports.Idle(scope, await oversight.CertifiedProductsAsync(scope.ProvinceCode, ct));
        return Csv.Wanted(context.Request)
            ? new Csv("ocop-idle-products.csv", ["product", "gtin", "producer", "commune", "stars", "lastProducedOn"],
                report.Products.Select(p => new object?[] { p.Product, p.Gtin, p.Producer, p.Commune, p.Stars, p.LastProducedOn }))
            : TypedResults.Ok(report);
    }

    public static async Task<IResult> Scans(HttpContext context, ClaimsPrincipal user, AuthorityRepository authorities, OversightRepository oversight,
        TimeProvider clock, string? province, int? months, CancellationToken ct)
    {
        if (months is < 1 or > 36) throw ValidationFailedException.For("months", "From 1 to 36.");
        var scope = await ScopeAsync(user, authorities, province, clock, ct);
        var from = OversightReports.FirstMonth(scope.Today, months ?? 12);
        var report = OversightReports.Scans(scope, months ?? 12, await oversight.ScanTotalsAsync(scope.ProvinceCode, from, ct),
            oversight.ScansAsync(scope.ProvinceCode, from, ct));
        return Csv.Wanted(context.Request)
            ? new Csv("ocop-scans.csv", ["month", "product", "gtin", "commune", "scans"], report.Lines.Select(l => new object?[] { l.Month, l.Product, l.Gtin, l.Commune, l.Scans }))
            : TypedResults.Ok(report);
    }

    public static async Task<IResult> Signals(HttpContext context, ClaimsPrincipal user, AuthorityRepository authorities, OversightRepository oversight,
        TimeProvider clock, string? province, CancellationToken ct)
    {
        var scope = await ScopeAsync(user, authorities, province, clock, ct);
        var lines = (await oversight.SignalsAsync(scope.ProvinceCode, ct)).Select(s => new SignalLine(s.Product, s.Gtin, s.ProducerName, s.Commune, s.CopiedItems,
            s.PinFailures, s.Lockouts, s.UnissuedScans, s.VoidedScans, s.FirstItemScans)).ToList();
        return Csv.Wanted(context.Request)
            ? new Csv("ocop-signals.csv", ["product", "gtin", "producer", "commune", "copiedItems", "pinFailures", "lockouts", "unissuedScans", "voidedScans", "firstItemScans"],
                lines.Select(l => new object?[] { l.Product, l.Gtin, l.Producer, l.Commune, l.CopiedItems, l.PinFailures, l.Lockouts, l.UnissuedScans, l.VoidedScans, l.FirstItemScans }))
            : TypedResults.Ok(new SignalsReport(scope, lines));
    }

    public static async Task<IResult> Recalls(HttpContext context, ClaimsPrincipal user, AuthorityRepository authorities, OversightRepository oversight,
        TimeProvider clock, string? province, CancellationToken ct)
    {
        var scope = await ScopeAsync(user, authorities, province, clock, ct);
        var lines = (await oversight.RecallsAsync(scope.ProvinceCode, ct)).Select(r => new RecallLineResponse(r.RecallId, r.Code, r.LotNumber, r.ProductName,
            r.ProducerName, r.Reason, r.RecalledAt, r.IssuerName, r.AffectedCount, r.WithdrawnAt is null ? "open" : "withdrawn", r.WithdrawnAt, r.WithdrawalReason)).ToList();
        var report = new RecallsReport(scope, lines.Count(l => l.WithdrawnAt is null), lines.Count(l => l.WithdrawnAt is not null), lines);
        return Csv.Wanted(context.Request)
            ? new Csv("ocop-recalls.csv", ["state", "code", "lot", "product", "producer", "reason", "recalledAt", "issuedBy", "affectedBatches", "withdrawnAt", "withdrawalReason"],
                lines.Select(l => new object?[] { l.State, l.Code, l.LotNumber, l.Product, l.Producer, l.Reason, l.RecalledAt, l.IssuedBy, l.AffectedCount, l.WithdrawnAt, l.WithdrawalReason }))
            : TypedResults.Ok(report);
    }

    public static async Task<IResult> ShopperReports(HttpContext context, ClaimsPrincipal user, AuthorityRepository authorities, OversightRepository oversight,
        TimeProvider clock, string? province, CancellationToken ct)
    {
        var scope = await ScopeAsync(user, authorities, province, clock, ct);
        var counts = (await oversight.ShopperReportsAsync(scope.ProvinceCode, ct)).Select(c => new ShopperReportCount(c.ProductName, c.Code, c.Reason, c.Status, c.Count)).ToList();
        var report = new ShopperReportsReport(scope, counts.Sum(c => c.Reports), counts);
        return Csv.Wanted(context.Request)
            ? new Csv("ocop-shopper-reports.csv", ["product", "code", "reason", "status", "reports"], counts.Select(c => new object?[] { c.Product, c.Code, c.Reason, c.Status, c.Reports }))
            : TypedResults.Ok(report);
    }

    /// <summary>A province authority reads its own province (asking for another is a 403 naming both); the national level
    /// and the admin every province, or the one named.</summary>
    private static async Task<OversightScope> ScopeAsync(ClaimsPrincipal user, AuthorityRepository authorities, string? province, TimeProvider clock, CancellationToken ct)
    {
        var today = VietnamTime.Today(clock.GetUtcNow());
        var named = province is null ? null : Provinces.BySlugCodeOrName(province) ?? throw new NotFoundException("Province", province);
        var caller = user.ToCaller();
        if (caller.Role == Role.Authority && await authorities.GetAsync(caller.Id!.Value, ct) is { Level: AuthorityLevel.Province } own)
        {
            if (named is not null && named.Code != own.ProvinceCode) throw new ForbiddenException(own.OutsideRemit("report", named.Code));
            var mine = Provinces.ByCodeOrNull(own.ProvinceCode);
            return new OversightScope(mine?.Name, own.ProvinceCode ?? "", today);
        }
        return new OversightScope(named?.Name, named?.Code, today);
    }
}
