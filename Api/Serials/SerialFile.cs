using System.Globalization;
using System.Text;
using Traceability.Api.PublicRecords.Building;
using Traceability.Domain.Serials;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Serials;

/// <summary>The file a stamp printing house needs: one line per item, in the issue's order — its position, serial,
/// status, Digital Link (what its QR code holds) and, for an issue with PINs, its PIN — streamed as it is read, so a
/// million lines never sit in memory. PINs are derived again for every download, never stored.</summary>
public sealed class SerialFile(SerialIssueRepository.Issue issue, string linkPrefix, byte[]? pinSecret, SerialIssueRepository serials, int status, string? location) : IResult
{
    public const string MediaType = "text/csv";

    /// <summary>The item's Digital Link: {lot's Digital Link}/21/{serial}, or {page}/{serial} for a product without GTIN.</summary>
    public static string LinkPrefix(string publicBase, string code, string lotNumber, string? gtin14) => gtin14 is null
        ? publicBase + PublicLinks.PagePath(code) + "/"
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
        // Written out every ~16,000 characters: the buffer and its bytes stay below the large-object heap (85,000 bytes),
        // which only full collections free; 64 KB strings there, one per flush, lifted the API's peak memory by tens of
        // megabytes while a million lines streamed.
        var buffer = new StringBuilder(FlushAt + 1024);
        buffer.Append(withPin ? "position,serial,status,digital_link,pin\n" : "position,serial,status,digital_link\n");
        await foreach (var (position, serial, voided) in serials.SerialsAsync(issue.Seq, context.RequestAborted))
        {
            buffer.Append(position.ToString(CultureInfo.InvariantCulture)).Append(',').Append(serial).Append(',')
                .Append(voided ? "voided" : "issued").Append(',').Append(linkPrefix).Append(serial);
            if (withPin) buffer.Append(',').Append(ItemSerial.Pin(pinSecret!, serial));
            buffer.Append('\n');
            if (buffer.Length >= FlushAt) await WriteAsync(response, buffer, context.RequestAborted);
        }
        await WriteAsync(response, buffer, context.RequestAborted);
    }

    private const int FlushAt = 16 * 1024;

    private static async Task WriteAsync(HttpResponse response, StringBuilder buffer, CancellationToken ct)
    {
        var bytes = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            var length = Encode(buffer, bytes);
            buffer.Clear();
            await response.Body.WriteAsync(bytes.AsMemory(0, length), ct);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>The buffer's characters as ASCII (every character of the file is: digits, GS1's AI 82 set, a URL).</summary>
    private static int Encode(StringBuilder buffer, byte[] bytes)
    {
        var length = 0;
        foreach (var chunk in buffer.GetChunks()) length += Encoding.ASCII.GetBytes(chunk.Span, bytes.AsSpan(length));
        return length;
    }
}
