using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Traceability.Api.Pages;

namespace Traceability.Api.PublicRecords;

/// <summary>The public page rendered once per language when its record is stored, with three slots filled per view:
/// the scan count, the first scan's time and the link to the other language (which depends on the URL scanned).
/// A slot is markup that starts with a raw '&lt;', written by the template itself: every stored text reaches the page
/// HTML-encoded, where '&lt;' is always "&amp;lt;", so no producer's text can ever be taken for a slot.</summary>
public sealed class StoredPage(IServiceProvider services, ILoggerFactory loggers)
{
    public const string ScanCountSlot = "<!--@scan-count@-->";
    public const string FirstScanSlot = "<!--@first-scan@-->";
    public const string OtherLanguageSlot = "<!--@other-language@-->";

    public async Task<byte[]> RenderAsync(PublicRecordResponse record, string lang)
    {
        // A scope per render: the renderer resolves scoped services (Development's scope validation refuses the root).
        await using var scope = services.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(scope.ServiceProvider, loggers);
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var parameters = ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(RecordPage.R)] = record, [nameof(RecordPage.T)] = PageText.For(lang),
            });
            return (await renderer.RenderComponentAsync<RecordPage>(parameters)).ToHtmlString();
        });
        return Encoding.UTF8.GetBytes(html);
    }

    private static readonly byte[][] Slots = [Encoding.UTF8.GetBytes(ScanCountSlot), Encoding.UTF8.GetBytes(FirstScanSlot), Encoding.UTF8.GetBytes(OtherLanguageSlot)];

    /// <summary>Fills the slots of a stored page for this view, on the UTF-8 bytes (no decoding of the page).</summary>
    public static byte[] Fill(byte[] stored, PageText text, PublicScans scans, string otherLanguageUrl)
    {
        byte[][] values =
        [
            Encoding.UTF8.GetBytes(scans.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Encoding.UTF8.GetBytes(HtmlEncoder.Default.Encode(scans.FirstScannedAt is { } first
                ? text.Time(first.ToOffset(Traceability.Domain.VietnamTime.Offset)) : text.FirstScanNow)),
            Encoding.UTF8.GetBytes(HtmlEncoder.Default.Encode(otherLanguageUrl)),
        ];
        // Where each slot is, then one array of the exact size: a view allocates its page once.
        Span<(int At, int Slot)> found = stackalloc (int, int)[MaxSlotsInPage];
        var count = 0;
        var length = stored.Length;
        var from = 0;
        while (count < MaxSlotsInPage)
        {
            var (at, slot) = NextSlot(stored, from);
            if (at < 0) break;
            found[count++] = (at, slot);
            length += values[slot].Length - Slots[slot].Length;
            from = at + Slots[slot].Length;
        }
        var output = new byte[length];
        var (read, written) = (0, 0);
        foreach (var (at, slot) in found[..count])
        {
            stored.AsSpan(read, at - read).CopyTo(output.AsSpan(written));
            written += at - read;
            values[slot].CopyTo(output.AsSpan(written));
            written += values[slot].Length;
            read = at + Slots[slot].Length;
        }
        stored.AsSpan(read).CopyTo(output.AsSpan(written));
        return output;
    }

    private const int MaxSlotsInPage = 8;

    private static (int At, int Slot) NextSlot(byte[] stored, int from)
    {
        var rest = stored.AsSpan(from);
        var (at, slot) = (-1, -1);
        for (var i = 0; i < Slots.Length; i++)
        {
            var found = rest.IndexOf(Slots[i]);
            if (found >= 0 && (at < 0 || found < at)) (at, slot) = (found, i);
        }
        return at < 0 ? (-1, -1) : (from + at, slot);
    }
}
