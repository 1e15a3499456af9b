using System.Security.Cryptography;
using System.Text;
using QRCoder;

namespace Traceability.Api.PublicRecords;

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

    /// <summary>Module size in pixels so that the whole code, quiet zone included, fits <paramref name="size"/>.</summary>
    public static int PixelsPerModule(QRCodeData data, int size)
    {
        var modules = data.ModuleMatrix.Count; // QRCoder's matrix already includes the quiet zone
        return Math.Max(1, size / modules);
    }

    public static byte[] Png(string url, int size, QRCodeGenerator.ECCLevel level)
    {
        using var data = Data(url, level);
        return new PngByteQRCode(data).GetGraphic(PixelsPerModule(data, size), drawQuietZones: true);
    }

    public static string Svg(string url, int size, QRCodeGenerator.ECCLevel level)
    {
        using var data = Data(url, level);
        return new SvgQRCode(data).GetGraphic(PixelsPerModule(data, size), "#000000", "#ffffff", true, SvgQRCode.SizingMode.WidthHeightAttribute);
    }

    /// <summary>A scalable SVG (viewBox only) for labels, sized by CSS.</summary>
    public static string ScalableSvg(string url)
    {
        using var data = Data(url, QRCodeGenerator.ECCLevel.Q);
        return new SvgQRCode(data).GetGraphic(1, "#000000", "#ffffff", true, SvgQRCode.SizingMode.ViewBoxAttribute);
    }

    public static string ETag(string url, int size, QRCodeGenerator.ECCLevel level, string format) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{url}|{size}|{level}|{format}|qrcoder")))[..20];
}
