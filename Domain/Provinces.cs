using System.Globalization;
using System.Text;

namespace Traceability.Domain;

/// <summary>A province-level unit (tỉnh, thành phố trực thuộc trung ương) with its two-digit code.</summary>
public sealed record Province(string Code, string Name);

/// <summary>Vietnam's 34 province-level units since 1 July 2025, with their official codes.
/// Source: Resolution 202/2025/QH15 of the National Assembly (12 June 2025) on the arrangement of province-level
/// administrative units, which names the 34 units and the 23 mergers; codes from the national list of administrative
/// units and their codes (Decision 19/2025/QĐ-TTg, "Bảng danh mục và mã số các đơn vị hành chính Việt Nam"), under which
/// a merged province keeps the code of the province whose seat it kept. <see cref="Former"/> maps the 63 earlier
/// provinces' names to the unit they are part of now, so that an address written before the merger still resolves.</summary>
public static class Provinces
{
    public const string Source = "Nghị quyết 202/2025/QH15; Quyết định 19/2025/QĐ-TTg (mã đơn vị hành chính)";

    public static IReadOnlyList<Province> All { get; } =
    [
        new("01", "Hà Nội"), new("04", "Cao Bằng"), new("08", "Tuyên Quang"), new("11", "Điện Biên"), new("12", "Lai Châu"),
        new("14", "Sơn La"), new("15", "Lào Cai"), new("19", "Thái Nguyên"), new("20", "Lạng Sơn"), new("22", "Quảng Ninh"),
        new("24", "Bắc Ninh"), new("25", "Phú Thọ"), new("31", "Hải Phòng"), new("33", "Hưng Yên"), new("37", "Ninh Bình"),
        new("38", "Thanh Hóa"), new("40", "Nghệ An"), new("42", "Hà Tĩnh"), new("44", "Quảng Trị"), new("46", "Huế"),
        new("48", "Đà Nẵng"), new("51", "Quảng Ngãi"), new("52", "Gia Lai"), new("56", "Khánh Hòa"), new("66", "Đắk Lắk"),
        new("68", "Lâm Đồng"), new("75", "Đồng Nai"), new("79", "Hồ Chí Minh"), new("80", "Tây Ninh"), new("82", "Đồng Tháp"),
        new("86", "Vĩnh Long"), new("91", "An Giang"), new("92", "Cần Thơ"), new("96", "Cà Mau"),
    ];

    /// <summary>The provinces merged on 1 July 2025, by their former name, with the code of the unit they joined.</summary>
    public static IReadOnlyDictionary<string, string> Former { get; } = new Dictionary<string, string>
    {
        ["Hà Giang"] = "08", ["Bắc Kạn"] = "19", ["Yên Bái"] = "15", ["Hòa Bình"] = "25", ["Vĩnh Phúc"] = "25", ["Bắc Giang"] = "24",
        ["Hải Dương"] = "31", ["Thái Bình"] = "33", ["Hà Nam"] = "37", ["Nam Định"] = "37", ["Quảng Bình"] = "44",
        ["Thừa Thiên Huế"] = "46", ["Quảng Nam"] = "48", ["Kon Tum"] = "51", ["Bình Định"] = "52", ["Phú Yên"] = "66",
        ["Ninh Thuận"] = "56", ["Bình Thuận"] = "68", ["Đắk Nông"] = "68", ["Bình Phước"] = "75", ["Bình Dương"] = "79",
        ["Bà Rịa - Vũng Tàu"] = "79", ["Long An"] = "80", ["Tiền Giang"] = "82", ["Bến Tre"] = "86",
        ["Trà Vinh"] = "86", ["Kiên Giang"] = "91", ["Sóc Trăng"] = "92", ["Hậu Giang"] = "92", ["Bạc Liêu"] = "96",
        ["Sài Gòn"] = "79",
    };

    private static readonly Dictionary<string, Province> ByCode = All.ToDictionary(p => p.Code, StringComparer.Ordinal);

    private static readonly Dictionary<string, Province> ByKey = All.Select(p => (Key(p.Name), p))
        .Concat(Former.Select(f => (Key(f.Key), ByCode[f.Value])))
        .ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal);

    public static Province? ByCodeOrNull(string? code) => code is not null && ByCode.TryGetValue(code, out var p) ? p : null;

    /// <summary>The unit a name written by a person means: with or without diacritics, in any case, with or without
    /// "tỉnh"/"thành phố"/"TP.", old-style accent placement ("Thanh Hoá"), or a province merged in 2025.</summary>
    public static Province? ByName(string? name) => name is not null && ByKey.TryGetValue(Key(name), out var p) ? p : null;

    /// <summary>A province's name in an address: "thanh-hoa", "ho-chi-minh" (as in /ocop/thanh-hoa).</summary>
    public static string Slug(Province p) => Key(p.Name).Replace(' ', '-');

    /// <summary>The unit a slug, a code or a written name means.</summary>
    public static Province? BySlugCodeOrName(string? value) =>
        value is null ? null : ByCodeOrNull(value) ?? ByName(value.Replace('-', ' '));

    /// <summary>Lower case, no diacritics (đ → d), no administrative prefix, single spaces.</summary>
    private static string Key(string name)
    {
        var words = Text.Fold(name).Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (words is ["tinh", ..]) words.RemoveAt(0);
        else if (words is ["thanh", "pho", ..]) words.RemoveRange(0, 2);
        else if (words is ["tp", ..]) words.RemoveAt(0);
        return string.Join(' ', words);
    }
}
