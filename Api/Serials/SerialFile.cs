using System.Globalization;
using System.Text;
using Traceability.Domain.Serials;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Serials;

/// <summary>The file a stamp printing house needs: one line per item, in the issue's order — its position, serial,
/// status, Digital Link (what its QR code holds) and, for an issue with PINs, its PIN — streamed as it is read, so a
/// million lines never sit in memory. PINs are derived again for every download, never stored.</summary>
public sealed class SerialFile(SerialRepository.Issue issue, string linkPrefix, byte[]? pinSecret, SerialRepository serials, int status, string? location) : IResult
{
    public const string MediaType = "text/csv";

    /// <summary>The item's Digital Link: {lot's Digital Link}/21/{serial}, or {page}/{serial} for a product without GTIN.</summary>
    public static string LinkPrefix(string publicBase, string code, string lotNumber, string? gtin14) => gtin14 is null
        ? $"{publicBase}/p/{code}/"
        : $"{publicBase}{PublicRecords.Resolver.DigitalLinkRequest.LotPath(gtin14, lotNumber)}/21/";

    public async Task ExecuteAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = MediaType + "; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"serials-{issue.Id}.csv\"";
        response.Headers.CacheControl = "no-store";
        if (location is not null) response.Headers.Location = location;
        var withPin = issue.WithPin && pinSecret is not null;
        var buffer = new StringBuilder(64 * 1024);
        buffer.Append(withPin ? "position,serial,status,digital_link,pin\n" : "position,serial,status,digital_link\n");
        await foreach (var (position, serial, voided) in serials.SerialsAsync(issue.Seq, context.RequestAborted))
        {
            buffer.Append(position.ToString(CultureInfo.InvariantCulture)).Append(',').Append(serial).Append(',')
                .Append(voided ? "voided" : "issued").Append(',').Append(linkPrefix).Append(serial);
            if (withPin) buffer.Append(',').Append(ItemSerial.Pin(pinSecret!, serial));
            buffer.Append('\n');
            if (buffer.Length < 60 * 1024) continue;
            await response.Body.WriteAsync(Encoding.ASCII.GetBytes(buffer.ToString()), context.RequestAborted);
            buffer.Clear();
        }
        await response.Body.WriteAsync(Encoding.ASCII.GetBytes(buffer.ToString()), context.RequestAborted);
    }
}
