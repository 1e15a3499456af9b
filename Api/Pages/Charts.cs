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

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
