using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Traceability.Api.Pages;

namespace Traceability.Api.Public;

/// <summary>The public page rendered once per language when its record is stored, with three slots filled per view:
/// the scan count, the first scan's time and the link to the other language (which depends on the URL scanned).</summary>
public sealed class StoredPage(IServiceProvider services, ILoggerFactory loggers)
{
    public const string ScanCountSlot = "@@SCAN_COUNT@@";
    public const string FirstScanSlot = "@@FIRST_SCAN@@";
    public const string OtherLanguageSlot = "@@OTHER_LANGUAGE@@";

    public async Task<byte[]> RenderAsync(PublicRecordResponse record, string lang)
    {
        await using var renderer = new HtmlRenderer(services, loggers);
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var parameters = ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(RecordPage.R)] = record, [nameof(RecordPage.T)] = PageText.For(lang), [nameof(RecordPage.Template)] = true,
            });
            return (await renderer.RenderComponentAsync<RecordPage>(parameters)).ToHtmlString();
        });
        return Encoding.UTF8.GetBytes(html);
    }

    /// <summary>Fills the slots of a stored page for this view.</summary>
    public static string Fill(byte[] stored, PageText text, PublicScans scans, string otherLanguageUrl) =>
        Encoding.UTF8.GetString(stored)
            .Replace(ScanCountSlot, scans.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Replace(FirstScanSlot, HtmlEncoder.Default.Encode(scans.FirstScannedAt is { } first
                ? text.Time(first.ToOffset(Traceability.Domain.VietnamTime.Offset)) : text.FirstScanNow))
            .Replace(OtherLanguageSlot, HtmlEncoder.Default.Encode(otherLanguageUrl));
}
