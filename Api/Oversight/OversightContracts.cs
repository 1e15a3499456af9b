using Traceability.Api.Wire;
using Traceability.Domain;

namespace Traceability.Api.Oversight;

/// <summary>Which province a report covers (null: every province) and the day it was computed for (Vietnam time).</summary>
public sealed record OversightScope(string? Province, string? ProvinceCode, DateOnly Today);

/// <summary>OCOP products with a current certification, counted by commune, category and stars.</summary>
public sealed record RatingCount(string Commune, [property: OneOf(typeof(ProductCategory))] string Category, int Stars, int Products);

public sealed record ProductsReport(OversightScope Scope, int CertifiedProducts, IReadOnlyList<RatingCount> Counts);

/// <summary>A product whose certification ends soon or has ended.</summary>
public sealed record CertificationLine(string Product, string? Gtin, string Producer, string Commune, int Stars, string DecisionNumber, DateOnly ValidUntil, int DaysLeft);

public sealed record CertificationsReport(OversightScope Scope, int WithinDays, IReadOnlyList<CertificationLine> Expiring, IReadOnlyList<CertificationLine> Expired);

/// <summary>A product certified today with no batch produced in the last year (null: never one).</summary>
public sealed record IdleProductLine(string Product, string? Gtin, string Producer, string Commune, int Stars, DateOnly? LastProducedOn);

public sealed record IdleProductsReport(OversightScope Scope, IReadOnlyList<IdleProductLine> Products);

public sealed record RecallLineResponse(Guid RecallId, string Code, string LotNumber, string Product, string Producer, string Reason, DateTimeOffset RecalledAt,
    string IssuedBy, long AffectedCount, string State, DateTimeOffset? WithdrawnAt, string? WithdrawalReason);

public sealed record RecallsReport(OversightScope Scope, int Open, int Withdrawn, IReadOnlyList<RecallLineResponse> Recalls);

/// <summary>Scans of a product's lots in a month (yyyy-MM), with its producer's commune.</summary>
public sealed record ScanLine(string Month, string Product, string? Gtin, string Commune, long Scans);

/// <summary>Scans per month over the last <c>months</c>: in total, per product and commune (the lines written as they are
/// read: 120,000 of them for 10,000 products).</summary>
public sealed record ScansReport(OversightScope Scope, int Months, IReadOnlyList<MonthTotal> Totals, IAsyncEnumerable<ScanLine> Lines);

public sealed record MonthTotal(string Month, long Scans);

/// <summary>A product's counterfeit signals over all its lots since they were first kept: items whose label was scanned
/// from more networks than the copied-label warning allows (each item once), wrong PINs, lock-outs, scans of serials never
/// issued for its lots, scans of voided serials; and how many of its items were scanned for the first time.</summary>
public sealed record SignalLine(string Product, string? Gtin, string Producer, string Commune, long CopiedItems, long PinFailures, long Lockouts,
    long UnissuedScans, long VoidedScans, long FirstItemScans);

/// <summary>Products with any counterfeit signal or first item scan, the most suspicious first.</summary>
public sealed record SignalsReport(OversightScope Scope, IReadOnlyList<SignalLine> Products);

public sealed record ShopperReportCount(string Product, string Code, [property: OneOf(typeof(ReportReason))] string Reason,
    [property: OneOf(typeof(ReportStatus))] string Status, long Reports);

public sealed record ShopperReportsReport(OversightScope Scope, long Total, IReadOnlyList<ShopperReportCount> Counts);
