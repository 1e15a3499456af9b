using System.Text.RegularExpressions;
using StbImageSharp;
using ZXing;
using ZXing.Common;
using ZXing.QrCode;

namespace Traceability.Tests.Support;

/// <summary>Reads QR codes back with an independent decoder (ZXing), from the PNG bytes or from the SVG's drawing.</summary>
public static partial class QrDecoder
{
    public static (string Text, int Width, byte[] Rgba) DecodePng(byte[] png)
    {
        var image = ImageResult.FromMemory(png, ColorComponents.RedGreenBlueAlpha);
        var source = new RGBLuminanceSource(image.Data, image.Width, image.Height, RGBLuminanceSource.BitmapFormat.RGBA32);
        return (Decode(source), image.Width, image.Data);
    }

    /// <summary>Rasterises QRCoder's SVG (one "Mx yhWv1h-Wz" run per dark stretch) at 4 px a module and decodes it.</summary>
    public static string DecodeSvg(string svg)
    {
        var size = int.Parse(ViewBox().Match(svg).Groups[1].Value);
        const int scale = 4;
        var width = size * scale;
        var gray = Enumerable.Repeat((byte)255, width * width).ToArray();
        foreach (Match run in Run().Matches(svg))
        {
            int x = int.Parse(run.Groups[1].Value), y = int.Parse(run.Groups[2].Value), w = int.Parse(run.Groups[3].Value);
            for (var py = y * scale; py < (y + 1) * scale; py++)
            for (var px = x * scale; px < (x + w) * scale; px++)
                gray[py * width + px] = 0;
        }
        return Decode(new RGBLuminanceSource(gray, width, width, RGBLuminanceSource.BitmapFormat.Gray8));
    }

    private static string Decode(LuminanceSource source)
    {
        var hints = new Dictionary<DecodeHintType, object> { [DecodeHintType.PURE_BARCODE] = false, [DecodeHintType.TRY_HARDER] = true };
        var result = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)), hints);
        return result?.Text ?? throw new InvalidOperationException("No QR code could be read.");
    }

    [GeneratedRegex("viewBox=\"0 0 (\\d+) \\d+\"")] private static partial Regex ViewBox();
    [GeneratedRegex(@"M(\d+) (\d+)h(\d+)v1h-\d+z")] private static partial Regex Run();
}
