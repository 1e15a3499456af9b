using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using QRCoder;
using Traceability.Api.PublicRecords.Building;

namespace Traceability.Api.PublicRecords.Serving;

/// <summary>QR codes with QRCoder's cross-platform renderers (no System.Drawing): error correction Q by default
/// (a label may be scuffed or partly covered), and the 4-module quiet zone scanners need.</summary>
public static class QrCodes
{
    public const int DefaultSize = 300;
    public const int MinSize = 64;
    public const int MaxSize = 2048;
    public const int QuietZoneModules = 4;
    public const QRCodeGenerator.ECCLevel DefaultLevel = QRCodeGenerator.ECCLevel.Q;

    public static bool TryLevel(string? value, out QRCodeGenerator.ECCLevel level)
    {
        level = DefaultLevel;
        return string.IsNullOrEmpty(value) || Enum.TryParse(value, ignoreCase: true, out level) && level is not QRCodeGenerator.ECCLevel.Default;
    }

    public static QRCodeData Data(string url, QRCodeGenerator.ECCLevel level) => QRCodeGenerator.GenerateQrCode(url, level);

    /// <summary>Below two pixels a module, phone cameras misread codes (a 41-module code at 1 px each is 41 px wide).</summary>
    public const int MinPixelsPerModule = 2;

    /// <summary>How a code of <paramref name="modules"/> modules (quiet zone included) fills a <paramref name="size"/>-pixel
    /// square: modules of whole pixels, as large as fit, centred, the pixels left over added to the quiet zone. The
    /// image is exactly <paramref name="size"/> pixels, unless that is too small to decode: then the smallest that is.</summary>
    public static (int PixelsPerModule, int Size) Layout(int modules, int size)
    {
        var perModule = Math.Max(MinPixelsPerModule, size / modules);
        return (perModule, Math.Max(size, perModule * modules));
    }

    /// <summary>The code as a 1-bit greyscale PNG of exactly the size <see cref="Layout"/> gives.</summary>
    public static byte[] Png(string url, int size, QRCodeGenerator.ECCLevel level)
    {
        using var data = Data(url, level);
        var matrix = data.ModuleMatrix; // QRCoder's matrix already includes the 4-module quiet zone
        var modules = matrix.Count;
        var (perModule, pixels) = Layout(modules, size);
        var offset = (pixels - perModule * modules) / 2;
        var stride = (pixels + 7) / 8;
        var rows = new byte[(stride + 1) * pixels];
        for (var y = 0; y < pixels; y++)
        {
            var row = rows.AsSpan(y * (stride + 1) + 1, stride); // the byte before is the row's filter type: 0, none
            row.Fill(0xff);                                        // white (1) everywhere first
            var my = (y - offset) / perModule;
            if (y < offset || my >= modules) continue;
            for (var mx = 0; mx < modules; mx++)
            {
                if (!matrix[my][mx]) continue;
                for (var x = offset + mx * perModule; x < offset + (mx + 1) * perModule; x++) row[x >> 3] &= (byte)~(0x80 >> (x & 7));
            }
        }
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a]);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, pixels);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], pixels);
        header[8] = 1;  // bit depth
        header[9] = 0;  // greyscale; compression, filter and interlace methods 0
        Chunk(png, "IHDR", header);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(rows);
            Chunk(png, "IDAT", compressed.ToArray());
        }
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(MemoryStream png, string type, ReadOnlySpan<byte> body)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, body.Length);
        png.Write(length);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        png.Write(typeBytes);
        png.Write(body);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.Combine(Crc32.Of(typeBytes), Crc32.Of(body), body.Length));
        png.Write(crc);
    }

    /// <summary>The code as SVG, <see cref="Layout"/>'s size wide and high (its modules in the viewBox).</summary>
    public static string Svg(string url, int size, QRCodeGenerator.ECCLevel level)
    {
        using var data = Data(url, level);
        var (_, pixels) = Layout(data.ModuleMatrix.Count, size);
        var svg = new SvgQRCode(data).GetGraphic(1, "#000000", "#ffffff", true, SvgQRCode.SizingMode.ViewBoxAttribute);
        return svg.Replace("<svg ", $"<svg width=\"{pixels}\" height=\"{pixels}\" ", StringComparison.Ordinal);
    }

    /// <summary>A scalable SVG (viewBox only) for labels, sized by CSS.</summary>
    public static string ScalableSvg(string url)
    {
        using var data = Data(url, QRCodeGenerator.ECCLevel.Q);
        return new SvgQRCode(data).GetGraphic(1, "#000000", "#ffffff", true, SvgQRCode.SizingMode.ViewBoxAttribute);
    }

    public static string ETag(string url, int size, QRCodeGenerator.ECCLevel level, string format) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{url}|{size}|{level}|{format}|exact-size")))[..20];
}
