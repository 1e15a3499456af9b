using System.Text;
using System.Text.Encodings.Web;
using Traceability.Domain.Serials;

namespace Traceability.Api.PublicRecords.Items;

/// <summary>The panel at the top of an item's page: its warnings (as visible as a recall), its scans in one plain
/// sentence, the PIN form (a plain HTML form, no script) and the answer to a PIN entry. Every text is HTML-encoded.</summary>
public static class ItemPanel
{
    /// <param name="view">What the shopper's scan tells about the item.</param>
    /// <param name="pinMessage">The answer to the PIN just entered, if any, and whether it is good news.</param>
    /// <param name="formAction">Where the PIN form posts (the item's page address).</param>
    public static string Html(ItemText t, ItemView view, (string Text, bool Good)? pinMessage, string formAction)
    {
        var warning = view.Status switch
        {
            ItemStatus.NotIssued => t.NotIssued,
            ItemStatus.Voided => t.Voided,
            _ when view.SeenByMany => string.Format(t.SeenByMany, view.DistinctClients, view.FirstScannedAt is { } f ? t.Day(f) : "—"),
            _ => null,
        };
        // A suspect item's section is marked so: the lot's verdict, which speaks of the lot, is then not shown below it.
        var html = new StringBuilder(warning is null ? "<section class=\"item\" id=\"item\">" : "<section class=\"item suspect\" id=\"item\">");
        if (warning is not null) html.Append("<div class=\"recall\" role=\"alert\" id=\"item-warning\">").Append(E(warning)).Append("</div>");
        html.Append("<h2>").Append(E(t.Heading)).Append("</h2>");
        html.Append("<p>").Append(E(t.Serial)).Append(": <span class=\"code\">").Append(E(view.Serial)).Append("</span></p>");
        if (view.Status == ItemStatus.Issued)
        {
            var sentence = view.ScanCount <= 1 || view.FirstScannedAt is null
                ? t.FirstEver
                : string.Format(t.FirstScan, t.Time(view.FirstScannedAt.Value), Math.Max(1, view.DistinctClients));
            html.Append("<p id=\"item-scans\">").Append(E(sentence)).Append("</p>");
        }
        if (pinMessage is { } message)
            html.Append("<p class=\"badge ").Append(message.Good ? "ok" : "warn").Append("\" role=\"status\" id=\"pin-result\">").Append(E(message.Text)).Append("</p>");
        if (view.Status == ItemStatus.Issued && view.WithPin)
            html.Append("<form method=\"post\" action=\"").Append(E(formAction)).Append("\"><label>").Append(E(t.PinPrompt))
                .Append(" <input name=\"pin\" inputmode=\"numeric\" pattern=\"[0-9]{8}\" maxlength=\"8\" autocomplete=\"off\" required></label> <button>")
                .Append(E(t.PinButton)).Append("</button></form>");
        var (page, query) = formAction.IndexOf('?') is var q and >= 0 ? (formAction[..q], formAction[q..]) : (formAction, "");
        html.Append("<p><a id=\"report-item\" href=\"").Append(E($"{page}/report{query}")).Append("\">").Append(E(t.Report)).Append("</a></p>");
        return html.Append("</section>").ToString();
    }

    /// <summary>The steps of the lot's chain that name the item (shipped in a carton, sold), after the lot's own.</summary>
    public static string Steps(ItemText t, Pages.PageText page, IReadOnlyList<Infrastructure.Repositories.ItemRepository.Step> steps)
    {
        if (steps.Count == 0) return "";
        var html = new StringBuilder("<section id=\"item-steps\"><h2>").Append(E(t.OwnSteps)).Append("</h2><ol>");
        foreach (var s in steps)
        {
            html.Append("<li>").Append(E(page.Time(s.OccurredAt))).Append(" — ").Append(E(page.EventLabel(s.Type)));
            if (s.LocationName is { } place) html.Append(" — ").Append(E(place));
            html.Append("</li>");
        }
        return html.Append("</ol></section>").ToString();
    }

    /// <summary>Vietnamese letters as themselves (the page's encoder does the same); &lt;, &gt;, &amp; and quotes encoded.</summary>
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    private static string E(string text) => Encoder.Encode(text);
}

/// <summary>An item as a shopper's view shows it: issued, voided or never issued; its scans counting this one; the
/// different clients it was scanned from, and whether they are enough to say the label may have been copied.</summary>
public sealed record ItemView(string Serial, ItemStatus Status, bool WithPin, long ScanCount, DateTimeOffset? FirstScannedAt, int DistinctClients,
    bool SeenByMany, DateTimeOffset? VerifiedAt);
