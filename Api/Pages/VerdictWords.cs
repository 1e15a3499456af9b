using System.Globalization;
using Traceability.Api.PublicRecords.Building;
using Traceability.Domain;

namespace Traceability.Api.Pages;

/// <summary>The verdict at the top of a lot's page: one sentence a shopper reads at a glance, and its colour (good, warn,
/// bad). Vietnamese first; no producer's text is put in it but the product's rating and dates.</summary>
public static class VerdictWords
{
    public static (string Sentence, string Tone) For(PublicRecordResponse r, string lang)
    {
        var vi = lang != "en";
        var expiry = r.Batch.ExpiresOn?.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
        return WireEnum<Verdict>.Parse(r.Verdict) switch
        {
            Verdict.Recalled => (vi ? "Sản phẩm này đã bị thu hồi — không sử dụng." : "This product has been recalled — do not use it.", "bad"),
            Verdict.Altered => (vi ? "Dữ liệu truy xuất của lô này đã bị sửa đổi — không xác nhận được nguồn gốc."
                : "This batch's record has been altered — its origin cannot be confirmed.", "bad"),
            Verdict.PastBestBefore => (vi ? $"Đã quá hạn sử dụng (hết hạn ngày {expiry}) — không nên sử dụng."
                : $"Past its best-before date ({expiry}) — better not used.", "bad"),
            Verdict.CertificationEnded => (vi ? "Nguồn gốc được ghi nhận, nhưng chứng nhận OCOP của sản phẩm đã hết hiệu lực."
                : "Its origin is recorded, but the product's OCOP certification has ended.", "warn"),
            Verdict.Certified => (vi ? $"Sản phẩm OCOP {r.Ocop.Current!.Stars} sao, nguồn gốc được ghi nhận đầy đủ."
                : $"A {r.Ocop.Current!.Stars}-star OCOP product, its origin fully recorded.", "good"),
            _ => (vi ? "Nguồn gốc được ghi nhận; sản phẩm chưa có chứng nhận OCOP." : "Its origin is recorded; the product has no OCOP certification.", "good"),
        };
    }
}
