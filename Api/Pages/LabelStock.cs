using System.Globalization;

namespace Traceability.Api.Pages;

/// <summary>A sheet of label stock that the label page is laid out for, to its exact geometry: A4, its labels in
/// columns and rows at fixed offsets from the sheet's top-left corner. Printed from a browser with margins "none" or
/// "default" (the page sets its own, zero), every sheet of labels lands on one sheet of stock.</summary>
/// <param name="Name">How a request names it (?stock=).</param>
/// <param name="TopMm">From the sheet's top edge to the first row.</param>
/// <param name="LeftMm">From the sheet's left edge to the first column.</param>
public sealed record LabelStock(string Name, string Description, int Columns, int Rows, double WidthMm, double HeightMm, double TopMm, double LeftMm)
{
    public const double SheetWidthMm = 210, SheetHeightMm = 297;

    /// <summary>3 × 8 labels of 70 × 37 mm, edge to edge: 296 mm of labels, 0.5 mm above and below (Avery 3474 and the
    /// common "A4 24 nhãn 70×37" stock).</summary>
    public static readonly LabelStock EdgeToEdge = new("a4-3x8-70x37",
        "A4, 3 × 8 labels of 70 × 37 mm, edge to edge (Avery 3474 and alike)", 3, 8, 70, 37, 0.5, 0);

    /// <summary>3 × 8 labels of 70 × 36 mm with 4.5 mm margins at the top and bottom, for printers that cannot print to
    /// the paper's edge (Avery 3475 and alike).</summary>
    public static readonly LabelStock WithMargins = new("a4-3x8-70x36",
        "A4, 3 × 8 labels of 70 × 36 mm, 4.5 mm top and bottom margins (Avery 3475 and alike)", 3, 8, 70, 36, 4.5, 0);

    public static readonly IReadOnlyList<LabelStock> All = [EdgeToEdge, WithMargins];

    public static LabelStock Default => EdgeToEdge;

    public static LabelStock? Find(string? name) => name is null ? Default : All.FirstOrDefault(s => s.Name == name);

    public int PerSheet => Columns * Rows;

    /// <summary>The QR code's square (its own quiet zone included) starts this far into a label, vertically centred.</summary>
    public const double QrInsetMm = 4, QrSizeMm = 30;

    public double X(int column) => LeftMm + column * WidthMm;

    public double Y(int row) => TopMm + row * HeightMm;

    /// <summary>The stylesheet of this stock: the page box, one sheet per page, and a class per column and row, so that
    /// the page needs no inline style (its Content-Security-Policy allows only its stylesheets, by hash).</summary>
    public string Css
    {
        get
        {
            string Mm(double v) => v.ToString("0.###", CultureInfo.InvariantCulture) + "mm";
            var columns = string.Concat(Enumerable.Range(0, Columns).Select(c => $".c{c}{{left:{Mm(X(c))}}}"));
            var rows = string.Concat(Enumerable.Range(0, Rows).Select(r => $".r{r}{{top:{Mm(Y(r))}}}"));
            return $$"""
                @page { size: {{Mm(SheetWidthMm)}} {{Mm(SheetHeightMm)}}; margin: 0; }
                * { box-sizing: border-box; }
                html, body { margin: 0; padding: 0; }
                body { font: 9pt/1.25 system-ui, Arial, sans-serif; color: #000; }
                .defs { position: absolute; width: 0; height: 0; }
                .sheet { position: relative; width: {{Mm(SheetWidthMm)}}; height: {{Mm(SheetHeightMm)}}; overflow: hidden; break-after: page; }
                .sheet:last-child { break-after: auto; }
                .label { position: absolute; width: {{Mm(WidthMm)}}; height: {{Mm(HeightMm)}}; display: flex; align-items: center; gap: 2mm; padding: 0 {{Mm(QrInsetMm)}}; overflow: hidden; }
                .qr { width: {{Mm(QrSizeMm)}}; height: {{Mm(QrSizeMm)}}; flex: none; }
                .text { min-width: 0; }
                .name { font-weight: 700; font-size: 9.5pt; max-height: 2.5em; overflow: hidden; }
                .code { font: 700 10pt ui-monospace, Menlo, Consolas, monospace; letter-spacing: .04em; }
                .hint { font-size: 7pt; color: #333; }
                {{columns}}
                {{rows}}
                @media screen { body { background: #eee; } .sheet { background: #fff; margin: 1rem auto; } .label { outline: 1px dashed #bbb; } }
                """;
        }
    }
}
