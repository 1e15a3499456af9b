using System.Globalization;
using Traceability.Domain;
using Traceability.Domain.Events;

namespace Traceability.Api.Pages;

/// <summary>The public page's words, Vietnamese first. Producer-supplied text is never put here: it is rendered
/// by Razor, which HTML-encodes it.</summary>
public sealed record PageText(
    string Lang, string Title, string RecalledBanner, string RecalledOn, string TracingCode, string Gtin, string Lot, string ProducedOn,
    string ExpiresOn, string Quantity, string Origin, string Producer, string Address, string Contact, string Ocop, string Stars,
    string Decision, string IssuedBy, string ValidFromTo, string OcopExpired, string NoOcop, string History, string Standards,
    string Certificates, string Journey, string NoEvents, string CorrectedBadge, string CorrectsStep, string At, string By, string MadeFrom,
    string Verification, string ChainValid, string ChainInvalid, string Scans, string FirstScan, string FirstScanNow, string OtherLanguage,
    string OtherLanguageCode, string DataLinks, string NotFoundTitle, string NotFoundBody, string Category, string Step, string Rating, string BatchHeading,
    string ProductHeading, string BatchesHeading, string RecalledMark, string NoBatches, string CertifiedUnder, string OcopWithdrawn, string NotOurs)
{
    public static readonly PageText Vi = new("vi", "Truy xuất nguồn gốc", "SẢN PHẨM ĐÃ BỊ THU HỒI", "Thu hồi lúc", "Mã truy xuất", "Mã GTIN",
        "Số lô", "Ngày sản xuất", "Hạn sử dụng", "Số lượng", "Vùng nguyên liệu", "Nhà sản xuất", "Địa chỉ", "Liên hệ", "Chứng nhận OCOP",
        "sao", "Quyết định", "Cơ quan cấp", "Hiệu lực", "Chứng nhận OCOP đã hết hạn", "Chưa có chứng nhận OCOP", "Lịch sử chứng nhận",
        "Tiêu chuẩn áp dụng", "Giấy chứng nhận", "Hành trình sản phẩm", "Chưa ghi nhận công đoạn nào.", "Đã được đính chính",
        "Đính chính cho bước", "Tại", "Người thực hiện", "Được làm từ", "Xác thực dữ liệu",
        "Chuỗi dữ liệu toàn vẹn: {0} bước chưa bị sửa đổi.", "CẢNH BÁO: dữ liệu đã bị sửa đổi từ bước {0}.", "Lượt quét",
        "Quét lần đầu", "lần quét này", "English", "en", "Dữ liệu", "Không tìm thấy mã truy xuất",
        "Mã này không có trong hệ thống. Hãy kiểm tra lại mã trên nhãn, hoặc liên hệ nơi bán.", "Nhóm sản phẩm", "Bước", "Hạng",
        "Thông tin lô hàng", "Thông tin sản phẩm", "Các lô sản phẩm gần đây", "Đã thu hồi", "Chưa có lô sản phẩm nào.",
        "Lưu ý: chứng nhận OCOP này được cấp cho sản phẩm “{0}” ({1}). Thông tin sản phẩm đã thay đổi sau khi được chứng nhận.",
        "Đã bị thu hồi chứng nhận",
        "Đường dẫn này không phải là một mã truy xuất của hệ thống. Hãy quét lại mã QR trên nhãn, hoặc liên hệ nơi bán.");

    public static readonly PageText En = new("en", "Product traceability", "THIS PRODUCT HAS BEEN RECALLED", "Recalled at", "Tracing code", "GTIN",
        "Lot", "Produced on", "Best before", "Quantity", "Origin", "Producer", "Address", "Contact", "OCOP certification",
        "stars", "Decision", "Issued by", "Valid", "The OCOP certification has expired", "No OCOP certification yet", "Certification history",
        "Applied standards", "Certificates", "Product journey", "No steps recorded yet.", "Corrected",
        "Corrects step", "At", "By", "Made from", "Data integrity",
        "Record intact: {0} steps, none altered.", "WARNING: the record was altered from step {0} on.", "Scans",
        "First scanned", "this scan", "Tiếng Việt", "vi", "Data", "Tracing code not found",
        "This code is not in the system. Check the code on the label, or ask the shop.", "Product group", "Step", "Rating",
        "About this batch", "About this product", "Latest batches", "Recalled", "No batches yet.",
        "Note: this OCOP certification was given to the product “{0}” ({1}). The product's details have changed since it was certified.",
        "Withdrawn",
        "This link is not one of our tracing codes. Scan the QR code on the label again, or ask the shop.");

    public static PageText For(string lang) => lang == "en" ? En : Vi;

    public CultureInfo Culture => CultureInfo.GetCultureInfo(Lang == "en" ? "en-GB" : "vi-VN");

    public string Date(DateOnly d) => d.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    /// <summary>Event times in the offset they were reported in (Vietnam's +07:00 for nearly all).</summary>
    public string Time(DateTimeOffset t) => t.ToString("HH:mm dd/MM/yyyy", CultureInfo.InvariantCulture) + (t.Offset == VietnamTime.Offset ? "" : t.ToString(" (zzz)", CultureInfo.InvariantCulture));

    public string EventLabel(string type) => WireEnum<EventType>.TryParse(type, out var t)
        ? (Lang == "en" ? EventTypes.Of(t).LabelEn : EventTypes.Of(t).LabelVi) : type;

    public string CategoryLabel(string category) => (Lang, category) switch
    {
        ("en", "food") => "Food", ("en", "beverage") => "Beverages", ("en", "herbal") => "Medicinal herbs",
        ("en", "handicraft") => "Handicrafts", ("en", "ornamental") => "Ornamental plants and animals", ("en", "tourism") => "Community tourism",
        (_, "food") => "Thực phẩm", (_, "beverage") => "Đồ uống", (_, "herbal") => "Dược liệu và sản phẩm từ dược liệu",
        (_, "handicraft") => "Thủ công mỹ nghệ", (_, "ornamental") => "Sinh vật cảnh", (_, "tourism") => "Dịch vụ du lịch cộng đồng",
        _ => category,
    };

    public string KindLabel(string kind) => (Lang, kind) switch
    {
        ("en", "cooperative") => "Cooperative", ("en", "cooperative_group") => "Cooperative group", ("en", "enterprise") => "Enterprise",
        ("en", "household") => "Household business", (_, "cooperative") => "Hợp tác xã", (_, "cooperative_group") => "Tổ hợp tác",
        (_, "enterprise") => "Doanh nghiệp", (_, "household") => "Hộ kinh doanh",
        ("en", "distributor") => "Distributor", ("en", "wholesaler") => "Wholesaler", ("en", "retailer") => "Retailer",
        (_, "distributor") => "Nhà phân phối", (_, "wholesaler") => "Nhà bán buôn", (_, "retailer") => "Nhà bán lẻ", _ => kind,
    };

    /// <summary>The first recorded version of a corrected stage, as the timeline shows it beside the correction.</summary>
    public string FirstRecorded => Lang == "en" ? "First recorded" : "Ghi ban đầu";
    public string RecordedBy => Lang == "en" ? "Recorded by" : "Ghi bởi";
    public string ShippedTo => Lang == "en" ? "Shipped to" : "Giao cho";
    public string NotConfirmed => Lang == "en" ? "not yet confirmed by the receiver" : "bên nhận chưa xác nhận";

    /// <summary>An attribute's name as written words: "khốiLượng" → "Khối lượng", "do_am" → "Do am"; a name with no
    /// word break in it ("pH", "GLN") stays as it was written.</summary>
    public static string AttributeName(string key)
    {
        var words = new System.Text.StringBuilder(key.Length + 4);
        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            if (c is '_' or '-') { words.Append(' '); continue; }
            var startsWord = char.IsUpper(c) && i > 0 && char.IsLower(key[i - 1]) && i + 1 < key.Length && char.IsLower(key[i + 1]);
            if (startsWord) words.Append(' ').Append(char.ToLowerInvariant(c));
            else words.Append(c);
        }
        var text = string.Join(' ', words.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return text == key || text.Length == 0 ? key : char.ToUpperInvariant(text[0]) + text[1..];
    }

    public string Number(decimal d) => d.ToString("#,0.###", Culture);

    /// <summary>A quantity as people write it: "12,5 kg", "500 cái" / "500 pieces", not the UN/CEFACT Recommendation 20
    /// code the API stores; a code without a name here is shown as it is.</summary>
    public string Amount(decimal quantity, string? unit) => unit is null
        ? Number(quantity)
        : $"{Number(quantity)} {UnitName(unit, quantity)}";

    private string UnitName(string code, decimal quantity)
    {
        var one = quantity == 1;
        return (Lang, code) switch
        {
            (_, "KGM") => "kg", (_, "GRM") => "g", (_, "MGM") => "mg", (_, "MLT") => "ml", (_, "MTR") => "m", (_, "CMT") => "cm",
            (_, "MTK") => "m²", (_, "MTQ") => "m³", (_, "HAR") => "ha",
            ("en", "TNE") => "t", ("en", "LTR") => "L",
            ("en", "H87") => one ? "piece" : "pieces", ("en", "C62") => one ? "unit" : "units", ("en", "SET") => one ? "set" : "sets",
            ("en", "PR") => one ? "pair" : "pairs", ("en", "DZN") => one ? "dozen" : "dozen",
            (_, "TNE") => "tấn", (_, "LTR") => "lít", (_, "H87") => "cái", (_, "C62") => "đơn vị", (_, "SET") => "bộ",
            (_, "PR") => "đôi", (_, "DZN") => "tá",
            _ => code,
        };
    }
}
