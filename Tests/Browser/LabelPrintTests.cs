using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using NUnit.Framework;
using Traceability.Api.Pages;
using Traceability.Tests.Support;

namespace Traceability.Tests.Browser;

/// <summary>Label sheets printed as a cooperative prints them: Chromium's print to PDF, then the PDF rendered at 300 dpi
/// by poppler (pdftoppm). Every sheet of labels is one A4 page; every label's box is within 0.5 mm of the stock's;
/// every label's QR code decodes from the rendered PDF within that label's box.</summary>
public sealed class LabelPrintTests : BrowserFixture
{
    private const double Tolerance = 0.5;
    private const int Dpi = 300;

    public static IEnumerable<string> Stocks => LabelStock.All.Select(s => s.Name);

    [TestCaseSource(nameof(Stocks))]
    public async Task TwoSheetsOfLabels_PrintAsTwoPagesOfStock_EachLabelInItsBox_EachQrDecodable(string stockName)
    {
        var stock = LabelStock.Find(stockName)!;
        RequirePoppler();
        var producer = await Api.CreateProducerAsync($"HTX {stockName}");
        var gtin = Scenario.NewGtin13();
        var product = await producer.CreateProductAsync(gtin, name: "Nước mắm Ba Làng");
        var batch = await producer.CreateBatchAsync(product.Id(), "NM-2511");
        var count = 2 * stock.PerSheet;

        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ExtraHTTPHeaders = new Dictionary<string, string> { ["X-Api-Key"] = producer.Key },
        });
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync($"{BaseUrl}/api/v1/batches/{batch.Id()}/labels?count={count}&stock={stockName}");
        Assert.That(response?.Status, Is.EqualTo(200));
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });

        // Where the print layout puts each label, relative to its sheet, in millimetres.
        var boxes = await page.EvaluateAsync<double[][]>("""
            () => [...document.querySelectorAll('.label')].map(l => {
              const s = l.parentElement.getBoundingClientRect(), r = l.getBoundingClientRect(), mm = 25.4 / 96;
              return [(r.left - s.left) * mm, (r.top - s.top) * mm, r.width * mm, r.height * mm];
            })
            """);
        Assert.That(boxes, Has.Length.EqualTo(count));
        for (var i = 0; i < count; i++)
        {
            var place = i % stock.PerSheet;
            double[] expected = [stock.X(place % stock.Columns), stock.Y(place / stock.Columns), stock.WidthMm, stock.HeightMm];
            for (var k = 0; k < 4; k++)
                Assert.That(boxes[i][k], Is.EqualTo(expected[k]).Within(Tolerance), $"label {i + 1}: {string.Join(", ", boxes[i])} mm");
        }

        var folder = Directory.CreateTempSubdirectory("labels-");
        try
        {
            var pdf = Path.Combine(folder.FullName, "labels.pdf");
            await page.PdfAsync(new PagePdfOptions { Path = pdf, PreferCSSPageSize = true });
            var info = await Run("pdfinfo", pdf);
            Assert.That(Field(info, "Pages"), Is.EqualTo("2"), info);
            var size = System.Text.RegularExpressions.Regex.Match(Field(info, "Page size"), @"([\d.]+) x ([\d.]+) pts");
            Assert.That(Points(size.Groups[1].Value), Is.EqualTo(LabelStock.SheetWidthMm).Within(Tolerance), "A4 width");
            Assert.That(Points(size.Groups[2].Value), Is.EqualTo(LabelStock.SheetHeightMm).Within(Tolerance), "A4 height");

            await Run("pdftoppm", "-r", Dpi.ToString(CultureInfo.InvariantCulture), "-png", pdf, Path.Combine(folder.FullName, "sheet"));
            var url = $"{BaseUrl}/01/0{gtin}/10/NM-2511";
            foreach (var (image, sheet) in Directory.GetFiles(folder.FullName, "sheet-*.png").Order().Select((f, s) => (f, s)))
            {
                var (_, width, rgba) = QrDecoder.DecodePngImage(await File.ReadAllBytesAsync(image));
                for (var place = 0; place < stock.PerSheet; place++)
                {
                    int Px(double mm) => (int)Math.Round(mm / 25.4 * Dpi);
                    // The label's QR square and 1 mm beside it (ZXing, unlike a phone, is thrown by the text next to it).
                    var (x, y) = (Px(stock.X(place % stock.Columns)), Px(stock.Y(place / stock.Columns)));
                    string decoded;
                    try { decoded = QrDecoder.DecodeRegion(rgba, width, x, y, Px(LabelStock.QrInsetMm + LabelStock.QrSizeMm + 1), Px(stock.HeightMm)); }
                    catch (InvalidOperationException e) { decoded = e.Message; }
                    Assert.That(decoded, Is.EqualTo(url), $"sheet {sheet + 1}, label {place + 1}");
                }
            }
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("KEEP_LABELS") is { } keep) Directory.Move(folder.FullName, keep); else folder.Delete(recursive: true);
            await context.DisposeAsync();
        }
    }

    [Test]
    public async Task AnUnknownStock_Is400NamingTheOnesThereAre()
    {
        var producer = await Api.CreateProducerAsync("HTX nhãn");
        var product = await producer.CreateProductAsync(name: "Mật ong");
        var batch = await producer.CreateBatchAsync(product.Id(), "MO-1");
        var problem = await (await producer.Client.GetAsync($"/api/v1/batches/{batch.Id()}/labels?stock=a4-2x7")).Json(HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").GetProperty("stock")[0].GetString(), Does.Contain("a4-3x8-70x37").And.Contain("a4-3x8-70x36"));
    }

    private static double Points(string pts) => double.Parse(pts, CultureInfo.InvariantCulture) / 72 * 25.4;

    private static string Field(string pdfinfo, string name) =>
        pdfinfo.Split('\n').Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim() == name).Select(p => p[1].Trim()).FirstOrDefault() ?? "";

    private static void RequirePoppler()
    {
        if (File.Exists("/usr/bin/pdftoppm") && File.Exists("/usr/bin/pdfinfo")) return;
        const string why = "poppler-utils (pdfinfo, pdftoppm) is not installed: apt-get install poppler-utils";
        if (Environment.GetEnvironmentVariable("REQUIRE_BROWSER") == "1") Assert.Fail(why);
        Assert.Ignore(why);
    }

    private static async Task<string> Run(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.EqualTo(0), $"{program}: {error}");
        return output;
    }
}
