using System.Globalization;
using Traceability.Domain;

namespace Traceability.Api.PublicRecords.Items;

/// <summary>The item panel's words, Vietnamese first, in sentences a shopper with little IT experience understands.</summary>
public sealed record ItemText(
    string Heading, string Serial, string FirstScan, string FirstEver, string NotIssued, string Voided, string SeenByMany,
    string PinPrompt, string PinButton, string Genuine, string VerifiedBefore, string WrongPin, string ClientPaused, string ItemBusy, string PinUnavailable,
    string OwnSteps, string Report)
{
    public static readonly ItemText Vi = new(
        "Mã riêng của sản phẩm này", "Mã sản phẩm",
        "Mã này được quét lần đầu lúc {0}, đến nay từ {1} mạng khác nhau.",
        "Đây là lần quét đầu tiên của mã này.",
        "CẢNH BÁO: mã sản phẩm này không do nhà sản xuất phát hành. Sản phẩm có thể là hàng giả.",
        "CẢNH BÁO: nhà sản xuất đã hủy mã này. Sản phẩm mang mã này có thể là hàng giả.",
        "CẢNH BÁO: mã này đã được quét trên {0} thiết bị ở các mạng khác nhau kể từ {1} — nhiều hơn một sản phẩm thường được quét. Nhãn có thể đã bị sao chép.",
        "Cào lớp phủ trên nhãn và nhập mã PIN (8 chữ số):", "Kiểm tra",
        "Sản phẩm chính hãng — xác thực lần đầu.",
        "Mã này đã được xác thực lúc {0} — nếu bạn vừa mua, hãy cẩn thận.",
        "Mã PIN vừa nhập không khớp với sản phẩm này. Hãy kiểm tra lại 8 chữ số dưới lớp phủ.",
        "Việc kiểm tra mã PIN từ mạng này tạm dừng đến {0}, vì từ mạng này đã có nhiều lần nhập không khớp. Nếu bạn đang cầm sản phẩm, hãy thử lại sau thời điểm đó.",
        "Mã này vừa được thử kiểm tra nhiều lần từ nơi khác; để bảo vệ sản phẩm, mỗi phút chỉ kiểm tra một lần. Hãy thử lại sau {0}.",
        "Hiện chưa kiểm tra được mã PIN.",
        "Các bước riêng của sản phẩm này",
        "Báo cáo về sản phẩm mang mã này");

    public static readonly ItemText En = new(
        "This item's own code", "Item code",
        "This code was first scanned at {0}, from {1} different networks so far.",
        "This is the first scan of this code.",
        "WARNING: this item code was not issued by the producer. The product may be counterfeit.",
        "WARNING: the producer voided this code. A product carrying it may be counterfeit.",
        "WARNING: this code has been scanned on {0} devices on different networks since {1} — more than one item usually is. The label may have been copied.",
        "Scratch the label's coating and enter the PIN (8 digits):", "Check",
        "Genuine product — verified for the first time.",
        "This code was already verified at {0} — if you just bought it, be careful.",
        "The PIN just entered does not match this item. Check the 8 digits under the coating.",
        "PIN checks from this network are paused until {0}, because many PINs entered from this network did not match. If you hold the item, try again after that.",
        "This code was just tried many times from elsewhere; to protect the item, it is checked once a minute. Try again after {0}.",
        "The PIN cannot be checked right now.",
        "This item's own steps",
        "Report this item");

    public static ItemText For(string lang) => lang == "en" ? En : Vi;

    /// <summary>29/11/2026, in Vietnam time.</summary>
    public string Day(DateTimeOffset t) => t.ToOffset(VietnamTime.Offset).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    /// <summary>08:12 ngày 29/11/2026 / 08:12 on 29/11/2026, in Vietnam time.</summary>
    public string Time(DateTimeOffset t)
    {
        var local = t.ToOffset(VietnamTime.Offset);
        return local.ToString("HH:mm", CultureInfo.InvariantCulture) + (this == En ? " on " : " ngày ") + local.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
    }
}
