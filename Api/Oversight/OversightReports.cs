using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Oversight;

/// <summary>The reports computed from a province's certified products, with the certification rules of Domain (which
/// certification is current, when one has ended).</summary>
public static class OversightReports
{
    public static ProductsReport Products(OversightScope scope, IReadOnlyList<OversightRepository.ProductCertifications> products)
    {
        var current = products.Select(p => (p, c: OcopCertification.Current(p.Certifications, scope.Today))).Where(x => x.c is not null).ToList();
        var counts = current.GroupBy(x => (x.p.Commune, x.p.Category, x.c!.Stars))
            .Select(g => new RatingCount(g.Key.Commune, WireEnum<ProductCategory>.Name(g.Key.Category), g.Key.Stars, g.Count()))
            .OrderBy(c => c.Commune, StringComparer.Ordinal).ThenBy(c => c.Category, StringComparer.Ordinal).ThenByDescending(c => c.Stars).ToList();
        return new ProductsReport(scope, current.Count, counts);
    }

    public static CertificationsReport Certifications(OversightScope scope, int withinDays, IReadOnlyList<OversightRepository.ProductCertifications> products)
    {
        var horizon = scope.Today.AddDays(withinDays);
        CertificationLine Line(OversightRepository.ProductCertifications p, OcopCertification c) =>
            new(p.Name, p.Gtin, p.ProducerName, p.Commune, c.Stars, c.DecisionNumber, c.ValidUntil, c.ValidUntil.DayNumber - scope.Today.DayNumber);
        var expiring = new List<CertificationLine>();
        var expired = new List<CertificationLine>();
        foreach (var p in products)
        {
            if (OcopCertification.Current(p.Certifications, scope.Today) is { } current)
            {
                // Ending soon only when no later certification takes over from it.
                if (current.ValidUntil <= horizon && !p.Certifications.Any(c => c.Withdrawal is null && c.ValidUntil > current.ValidUntil))
                    expiring.Add(Line(p, current));
            }
            else if (p.Certifications.Where(c => c.Withdrawal is null && c.ValidUntil < scope.Today).MaxBy(c => c.ValidUntil) is { } last)
                expired.Add(Line(p, last));
        }
        return new CertificationsReport(scope, withinDays, expiring.OrderBy(l => l.ValidUntil).ToList(), expired.OrderByDescending(l => l.ValidUntil).ToList());
    }

    /// <summary>yyyymm of the first of the last <paramref name="months"/> months, this one included.</summary>
    public static int FirstMonth(DateOnly today, int months)
    {
        var first = new DateOnly(today.Year, today.Month, 1).AddMonths(1 - months);
        return first.Year * 100 + first.Month;
    }

    /// <summary>Every month of the window is in the totals (<paramref name="totals"/>: a row a month), a month with no scan
    /// as 0 (a chart's line has no gaps); the lines per product and commune follow as they are read.</summary>
    public static ScansReport Scans(OversightScope scope, int months, IReadOnlyList<OversightRepository.ScanMonth> totals,
        IAsyncEnumerable<OversightRepository.ScanMonth> lines)
    {
        static string Label(int month) => $"{month / 100:D4}-{month % 100:D2}";
        var first = new DateOnly(scope.Today.Year, scope.Today.Month, 1).AddMonths(1 - months);
        var perMonth = Enumerable.Range(0, months).Select(i => first.AddMonths(i)).Select(d => d.Year * 100 + d.Month)
            .Select(m => new MonthTotal(Label(m), totals.Where(r => r.Month == m).Sum(r => r.Scans))).ToList();
        return new ScansReport(scope, months, perMonth, lines.Select(r => new ScanLine(Label(r.Month), r.Product, r.Gtin, r.Commune, r.Scans)));
    }

    public static IdleProductsReport Idle(OversightScope scope, IReadOnlyList<OversightRepository.ProductCertifications> products)
    {
        var since = scope.Today.AddYears(-1);
        return new IdleProductsReport(scope, products
            .Select(p => (p, c: OcopCertification.Current(p.Certifications, scope.Today)))
            .Where(x => x.c is not null && (x.p.LastProducedOn is null || x.p.LastProducedOn < since))
            .Select(x => new IdleProductLine(x.p.Name, x.p.Gtin, x.p.ProducerName, x.p.Commune, x.c!.Stars, x.p.LastProducedOn))
            .OrderBy(l => l.LastProducedOn ?? DateOnly.MinValue).ToList());
    }
}
