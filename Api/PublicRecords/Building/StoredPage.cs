using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Traceability.Api.Pages;

namespace Traceability.Api.PublicRecords.Building;

/// <summary>The public page rendered once per language when its record is stored, with three slots filled per view:
/// the scan count, the first scan's time and the link to the other language (which depends on the URL scanned);
/// pages and the record's JSON are stored gzip-compressed with their slots open (<see cref="SlottedGzip"/>).
/// A slot is markup that starts with a raw '&lt;', written by the template itself: every stored text reaches the page
/// HTML-encoded, where '&lt;' is always "&amp;lt;", so no producer's text can ever be taken for a slot.</summary>
public sealed partial class StoredPage(IServiceProvider services, ILoggerFactory loggers)
{
    public const string ScanCountSlot = "<!--@scan-count@-->";
    public const string FirstScanSlot = "<!--@first-scan@-->";
    public const string OtherLanguageSlot = "<!--@other-language@-->";
    /// <summary>An item's panel (its scans, warnings, PIN form) at the top of the page; empty when the view is the lot's.</summary>
    public const string ItemSlot = "<!--@item@-->";
    /// <summary>The steps that name the item (a carton shipped), after the lot's; empty when the view is the lot's.</summary>
    public const string ItemStepsSlot = "<!--@item-steps@-->";

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
        // The template's indentation: every run of spaces after a line break renders as nothing more than the break
        // itself (the page has no preformatted text), so it is not stored or sent.
        return Encoding.UTF8.GetBytes(Indentation().Replace(html, "\n"));
    }

    [System.Text.RegularExpressions.GeneratedRegex("\n[ \t]+")]
    private static partial System.Text.RegularExpressions.Regex Indentation();

    /// <summary>The page's slots by number; number 3 is the JSON's (<see cref="JsonScansSlot"/>), never in a page.</summary>
    private static readonly byte[]?[] Slots =
        [Encoding.UTF8.GetBytes(ScanCountSlot), Encoding.UTF8.GetBytes(FirstScanSlot), Encoding.UTF8.GetBytes(OtherLanguageSlot), null,
         Encoding.UTF8.GetBytes(ItemSlot), Encoding.UTF8.GetBytes(ItemStepsSlot)];

    /// <summary>The slot of the record's JSON: its scan figures, stored as <c>null</c> at the very end.</summary>
    public const int JsonScansSlot = 3;
    private static readonly byte[] JsonScansTail = "\"scans\":null}"u8.ToArray();

    /// <summary>The stored form of a rendered page (<see cref="SlottedGzip"/>), its slots left to fill per view.</summary>
    public static byte[] Store(byte[] page) => SlottedGzip.Build(page, NextSlot, slot => Slots[slot]!.Length);

    /// <summary>The stored form of the record's JSON (<see cref="SlottedGzip"/>), its scan figures left to fill per view.</summary>
    public static byte[] StoreJson(byte[] json)
    {
        if (!json.AsSpan().EndsWith(JsonScansTail)) throw new InvalidOperationException("The record's JSON must end with its scan figures.");
        var at = json.Length - "null}".Length;
        return SlottedGzip.Build(json, (_, from) => from <= at ? (at, JsonScansSlot) : (-1, -1), _ => "null".Length);
    }

    /// <summary>What this view writes into each slot (by slot number), as UTF-8: the page's, HTML-encoded (the item
    /// panel is markup built with its texts encoded), and the JSON's scan figures.</summary>
    public static byte[][] SlotValues(PageText text, PublicScans scans, string otherLanguageUrl, System.Text.Json.JsonSerializerOptions json,
        string itemPanel = "", string itemSteps = "") =>
    [
        Encoding.UTF8.GetBytes(scans.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Encoding.UTF8.GetBytes(HtmlEncoder.Default.Encode(scans.FirstScannedAt is { } first
            ? text.Time(first.ToOffset(Traceability.Domain.VietnamTime.Offset)) : text.FirstScanNow)),
        Encoding.UTF8.GetBytes(HtmlEncoder.Default.Encode(otherLanguageUrl)),
        System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(scans, json),
        Encoding.UTF8.GetBytes(itemPanel),
        Encoding.UTF8.GetBytes(itemSteps),
    ];

    /// <summary>The JSON's slot values alone (the page's slots left empty).</summary>
    public static byte[][] JsonSlotValues(PublicScans? scans, System.Text.Json.JsonSerializerOptions json) =>
        [[], [], [], System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(scans, json), [], []];

    private static (int At, int Slot) NextSlot(byte[] stored, int from)
    {
        var rest = stored.AsSpan(from);
        var (at, slot) = (-1, -1);
        for (var i = 0; i < Slots.Length; i++)
        {
            if (Slots[i] is not { } marker) continue;
            var found = rest.IndexOf(marker);
            if (found >= 0 && (at < 0 || found < at)) (at, slot) = (found, i);
        }
        return at < 0 ? (-1, -1) : (from + at, slot);
    }
}
