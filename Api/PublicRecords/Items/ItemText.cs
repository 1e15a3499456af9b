using System.Globalization;
using Traceability.Domain;

namespace Traceability.Api.PublicRecords.Items;

/// <summary>The item panel's words, Vietnamese first, in sentences a shopper with little IT experience understands.</summary>
public sealed record ItemText(
    string Heading, string Serial, string FirstScan, string FirstEver, string NotIssued, string Voided, string Suspicious,
    string PinPrompt, string PinButton, string Genuine, string VerifiedBefore, string WrongPin, string Locked, string PinUnavailable,
    string OwnSteps)
{
    public static readonly ItemText Vi = new(
        "Mã riêng của sản phẩm này", "Mã sản phẩm",
        "Mã này được quét lần đầu lúc {0} — đây là lần quét thứ {1}.",
        "Đây là lần quét đầu tiên của mã này.",
        "CẢNH BÁO: mã sản phẩm này không do nhà sản xuất phát hành. Sản phẩm có thể là hàng giả.",
        "CẢNH BÁO: nhà sản xuất đã hủy mã này. Sản phẩm mang mã này có thể là hàng giả.",
        "CẢNH BÁO: mã này đã được quét {0} lần, lần đầu lúc {1} — nhiều hơn một sản phẩm thường được quét. Nhãn có thể đã bị sao chép.",
        "Cào lớp phủ trên nhãn và nhập mã PIN (8 chữ số):", "Kiểm tra",
        "Sản phẩm chính hãng — xác thực lần đầu.",
        "Mã này đã được xác thực lúc {0} — nếu bạn vừa mua, hãy cẩn thận.",
        "Mã PIN không khớp với sản phẩm này.",
        "Đã nhập sai quá nhiều lần. Hãy thử lại sau {0}.",
        "Hiện chưa kiểm tra được mã PIN.",
        "Các bước riêng của sản phẩm này");

    public static readonly ItemText En = new(
        "This item's own code", "Item code",
        "This code was first scanned at {0} — this is scan number {1}.",
        "This is the first scan of this code.",
        "WARNING: this item code was not issued by the producer. The product may be counterfeit.",
        "WARNING: the producer voided this code. A product carrying it may be counterfeit.",
        "WARNING: this code has been scanned {0} times, first at {1} — more than one item usually is. The label may have been copied.",
        "Scratch the label's coating and enter the PIN (8 digits):", "Check",
        "Genuine product — verified for the first time.",
        "This code was already verified at {0} — if you just bought it, be careful.",
        "That PIN does not match this item.",
        "Too many wrong entries. Try again after {0}.",
        "The PIN cannot be checked right now.",
        "This item's own steps");

    public static ItemText For(string lang) => lang == "en" ? En : Vi;

    /// <summary>08:12 ngày 29/11/2026 / 08:12 on 29/11/2026, in Vietnam time.</summary>
    public string Time(DateTimeOffset t)
    {
        var local = t.ToOffset(VietnamTime.Offset);
        return local.ToString("HH:mm", CultureInfo.InvariantCulture) + (this == En ? " on " : " ngày ") + local.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
    }
}
