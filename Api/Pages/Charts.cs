using System.Globalization;
using System.Net;
using System.Text;

namespace Traceability.Api.Pages;

/// <summary>Charts as inline SVG: no script, no external file, printable; presentation attributes only (the pages'
/// Content-Security-Policy allows no inline style). Every label is HTML-encoded; the chart's title is its accessible name.</summary>
public static class Charts
{
    /// <summary>Horizontal bars, one per label, their value written beside them.</summary>
    public static string Bars(string title, IReadOnlyList<(string Label, int Value)> bars)
    {
        const int rowHeight = 28, labelWidth = 170, barWidth = 260, width = labelWidth + barWidth + 60;
        var max = Math.Max(1, bars.Count == 0 ? 1 : bars.Max(b => b.Value));
        var height = Math.Max(1, bars.Count) * rowHeight + 8;
        var svg = new StringBuilder($"<svg class=\"chart\" role=\"img\" aria-label=\"{E(title)}\" viewBox=\"0 0 {width} {height}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\"><title>{E(title)}</title>");
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, value) = bars[i];
            var y = i * rowHeight + 4;
            var w = (int)Math.Round((double)value / max * barWidth);
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{y + 18}\" font-size=\"14\" fill=\"#1f2933\">{E(label)}</text>")
               .Append(CultureInfo.InvariantCulture, $"<rect x=\"{labelWidth}\" y=\"{y + 4}\" width=\"{Math.Max(w, 2)}\" height=\"18\" rx=\"3\" fill=\"#15803d\"></rect>")
               .Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth + Math.Max(w, 2) + 6}\" y=\"{y + 18}\" font-size=\"14\" fill=\"#1f2933\">{value}</text>");
        }
        return svg.Append("</svg>").ToString();
    }

    /// <summary>A line through one value per label (months, in order), each point labelled with its value; the first and
    /// last labels written under the axis.</summary>
    public static string Line(string title, IReadOnlyList<(string Label, long Value)> points)
    {
        const int width = 480, height = 180, left = 10, right = 10, top = 24, bottom = 30;
        var max = Math.Max(1, points.Count == 0 ? 1 : points.Max(p => p.Value));
        var step = points.Count > 1 ? (width - left - right) / (double)(points.Count - 1) : 0;
        (double X, double Y) At(int i) => (left + i * step, top + (height - top - bottom) * (1 - (double)points[i].Value / max));
        var svg = new StringBuilder($"<svg class=\"chart\" role=\"img\" aria-label=\"{E(title)}\" viewBox=\"0 0 {width} {height}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\"><title>{E(title)}</title>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width - right}\" y2=\"{height - bottom}\" stroke=\"#9aa5b1\"></line>");
        if (points.Count > 0)
        {
            var path = string.Join(' ', Enumerable.Range(0, points.Count).Select(i => At(i)).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.X:0.#},{p.Y:0.#}")));
            svg.Append($"<polyline points=\"{path}\" fill=\"none\" stroke=\"#15803d\" stroke-width=\"3\"></polyline>");
            for (var i = 0; i < points.Count; i++)
            {
                var (x, y) = At(i);
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{x:0.#}\" cy=\"{y:0.#}\" r=\"4\" fill=\"#15803d\"><title>{E(points[i].Label)}: {points[i].Value}</title></circle>");
            }
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"{height - 8}\" font-size=\"13\" fill=\"#1f2933\">{E(points[0].Label)}</text>")
               .Append(CultureInfo.InvariantCulture, $"<text x=\"{width - right}\" y=\"{height - 8}\" font-size=\"13\" fill=\"#1f2933\" text-anchor=\"end\">{E(points[^1].Label)}</text>")
               .Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"14\" font-size=\"13\" fill=\"#1f2933\">max {max}</text>");
        }
        return svg.Append("</svg>").ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
