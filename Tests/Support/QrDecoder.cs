using System.Text.RegularExpressions;
using StbImageSharp;
using ZXing;
using ZXing.Common;
using ZXing.QrCode;

namespace Traceability.Tests.Support;

/// <summary>Reads QR codes back with an independent decoder (ZXing), from the PNG bytes or from the SVG's drawing.</summary>
public static partial class QrDecoder
{
    /// <summary>A PNG's pixels, to decode parts of it (<see cref="DecodeRegion"/>).</summary>
    public static (int Height, int Width, byte[] Rgba) DecodePngImage(byte[] png)
    {
        var image = ImageResult.FromMemory(png, ColorComponents.RedGreenBlueAlpha);
        return (image.Height, image.Width, image.Data);
    }

    public static (string Text, int Width, byte[] Rgba) DecodePng(byte[] png)
    {
        var image = ImageResult.FromMemory(png, ColorComponents.RedGreenBlueAlpha);
        var source = new RGBLuminanceSource(image.Data, image.Width, image.Height, RGBLuminanceSource.BitmapFormat.RGBA32);
        return (Decode(source), image.Width, image.Data);
    }

    /// <summary>Decodes the one QR code within a rectangle of an RGBA image (a label on a rendered sheet).</summary>
    public static string DecodeRegion(byte[] rgba, int imageWidth, int x, int y, int width, int height)
    {
        var gray = new byte[width * height];
        for (var row = 0; row < height; row++)
        for (var col = 0; col < width; col++)
        {
            var i = ((y + row) * imageWidth + x + col) * 4;
            gray[row * width + col] = (byte)((rgba[i] * 299 + rgba[i + 1] * 587 + rgba[i + 2] * 114) / 1000);
        }
        return Decode(new RGBLuminanceSource(gray, width, height, RGBLuminanceSource.BitmapFormat.Gray8));
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
        // As a phone's scanner does, it tries a second binarisation when the first finds nothing.
        var result = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)), hints)
                     ?? new QRCodeReader().decode(new BinaryBitmap(new GlobalHistogramBinarizer(source)), hints);
        return result?.Text ?? throw new InvalidOperationException("No QR code could be read.");
    }

    [GeneratedRegex("viewBox=\"0 0 (\\d+) \\d+\"")] private static partial Regex ViewBox();
    [GeneratedRegex(@"M(\d+) (\d+)h(\d+)v1h-\d+z")] private static partial Regex Run();
}
