using System.IO.Compression;
using System.Text;
using NUnit.Framework;
using Traceability.Api.Pages;
using Traceability.Api.PublicRecords;
using Traceability.Api.PublicRecords.Building;

namespace Traceability.Tests.Public;

/// <summary>The stored parts are gzip streams with open slots: what a view sends must be a gzip stream that any decoder
/// (here .NET's, in the browser tests Chromium's) turns into exactly the page with its slots filled.</summary>
public sealed class SlottedGzipTests
{
    private static readonly string[] Markers = [StoredPage.ScanCountSlot, StoredPage.FirstScanSlot, StoredPage.OtherLanguageSlot];

    /// <summary>The page as a view must show it, by plain text replacement.</summary>
    private static byte[] Expected(string page, byte[][] values)
    {
        for (var i = 0; i < Markers.Length; i++) page = page.Replace(Markers[i], Encoding.UTF8.GetString(values[i]));
        return Encoding.UTF8.GetBytes(page);
    }

    private static byte[] Gunzip(byte[] gzip)
    {
        using var input = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private static readonly byte[][] Values =
    [
        "12345"u8.ToArray(), Encoding.UTF8.GetBytes("29/11/2026 08:15 (giờ Việt Nam)"), "/p/ABCD?lang=en"u8.ToArray(), "{\"count\":3}"u8.ToArray(),
    ];

    [TestCase("<html><p>Lượt quét: <!--@scan-count@--></p><p><!--@first-scan@--></p><a href=\"<!--@other-language@-->\">English</a></html>")]
    [TestCase("<!--@scan-count@--><!--@first-scan@--><!--@other-language@-->")]
    [TestCase("no slots at all: Chè Shan tuyết Pù Luông")]
    [TestCase("")]
    public void AFilledGzipPage_DecompressesToTheFilledPage(string page)
    {
        var stored = StoredPage.Store(Encoding.UTF8.GetBytes(page));
        var gzip = SlottedGzip.Fill(stored, Values);
        Assert.That(Gunzip(gzip), Is.EqualTo(Expected(page, Values)));
        Assert.That(SlottedGzip.Inflate(gzip), Is.EqualTo(Expected(page, Values)));
    }

    [Test]
    public void ARealPageSizedBody_IsStoredSmallerThanAThird_AndFillsExactly()
    {
        var random = new Random(7);
        var text = new StringBuilder();
        for (var i = 0; i < 400; i++)
            text.Append("<li class=\"step\"><span>Thu hoạch chè búp tươi tại đồi số ").Append(random.Next(100)).Append("</span></li>\n");
        var page = $"<main>{text}<p><!--@scan-count@--></p>{text}<a href=\"<!--@other-language@-->\">x</a></main>";
        var stored = StoredPage.Store(Encoding.UTF8.GetBytes(page));
        Assert.That(stored.Length, Is.LessThan(Encoding.UTF8.GetByteCount(page) / 3));
        var values = StoredPage.SlotValues(PageText.Vi, new PublicScans(42, DateTimeOffset.UnixEpoch), "/01/08935049500018/10/L%2F1?lang=en",
            System.Text.Json.JsonSerializerOptions.Web);
        Assert.That(Gunzip(SlottedGzip.Fill(stored, values)), Is.EqualTo(Expected(page, values)));
    }

    [Test]
    public void TheRecordsJson_GetsItsScanFiguresAtTheEnd()
    {
        var json = "{\"code\":\"ABCD\",\"note\":\"null}\",\"scans\":null}";
        var stored = StoredPage.StoreJson(Encoding.UTF8.GetBytes(json));
        var filled = SlottedGzip.Inflate(SlottedGzip.Fill(stored, StoredPage.JsonSlotValues(new PublicScans(7, null), System.Text.Json.JsonSerializerOptions.Web)));
        Assert.That(Encoding.UTF8.GetString(filled), Is.EqualTo("{\"code\":\"ABCD\",\"note\":\"null}\",\"scans\":{\"count\":7,\"firstScannedAt\":null}}"));
        Assert.Throws<InvalidOperationException>(() => StoredPage.StoreJson("{\"scans\":1}"u8.ToArray()));
    }

    [Test]
    public void ASlotValueLongerThanOneStoredBlock_IsWrittenWhole()
    {
        var page = "<p><!--@scan-count@--></p><a href=\"<!--@other-language@-->\">x</a>";
        byte[][] values = [new byte[70_000], [], Encoding.UTF8.GetBytes(new string('u', 131_071)), []];
        Array.Fill(values[0], (byte)'7');
        var gzip = SlottedGzip.Fill(StoredPage.Store(Encoding.UTF8.GetBytes(page)), values);
        Assert.That(Gunzip(gzip), Is.EqualTo(Expected(page, values)));
    }

    [Test]
    public void Crc32Combine_EqualsTheCrcOfTheJoinedBytes()
    {
        var random = new Random(11);
        // Each length twice: the second combination uses the power computed for the first.
        foreach (var (a, b) in new[] { (0, 0), (1, 0), (0, 1), (7, 13), (9, 13), (1000, 65_535), (2, 65_535), (1000, 65_536), (1000, 65_537), (100_000, 3) })
        {
            var first = new byte[a];
            var second = new byte[b];
            random.NextBytes(first);
            random.NextBytes(second);
            Assert.That(Crc32.Combine(Crc32.Of(first), Crc32.Of(second), b), Is.EqualTo(Crc32.Of([.. first, .. second])), $"{a}+{b}");
        }
        Assert.That(Crc32.Of("123456789"u8), Is.EqualTo(0xCBF43926u), "the standard check value");
    }

    [TestCase("gzip, deflate, br, zstd", true)]
    [TestCase("br", false)]
    [TestCase("gzip;q=0, br", false)]
    [TestCase("*", true)]
    [TestCase("GZIP", true)]
    [TestCase("", false)]
    public void AcceptEncoding_IsRead(string header, bool gzip)
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        if (header.Length > 0) context.Request.Headers.AcceptEncoding = header;
        Assert.That(SlottedGzip.Accepted(context.Request), Is.EqualTo(gzip));
    }
}
