using Traceability.Domain;

namespace Traceability.Api.Reports;

/// <summary>The words of the report form and the receipt page, Vietnamese first.</summary>
public sealed record ReportWords(
    string Title, string Intro, string ItemIntro, string Reason, string Message, string Phone, string PhoneNote, string Send, string Back, string TooMany,
    string ReceiptTitle, string ReceiptIntro, string Status, string Answer, string NoAnswer, string Sent)
{
    public static readonly ReportWords Vi = new(
        "Báo cáo sản phẩm", "Báo cho nhà sản xuất và cơ quan quản lý OCOP của tỉnh về lô sản phẩm", "Báo cáo về sản phẩm mang mã",
        "Lý do", "Nội dung (tối đa 1.000 ký tự)", "Số điện thoại (không bắt buộc)", "Chỉ nhà sản xuất và cơ quan OCOP của tỉnh thấy số này.",
        "Gửi báo cáo", "Quay lại trang sản phẩm", "Bạn đã gửi nhiều báo cáo trong một giờ qua; hãy thử lại sau.",
        "Báo cáo đã được ghi nhận", "Giữ mã biên nhận này để theo dõi báo cáo:", "Trạng thái", "Trả lời", "Chưa có trả lời.", "Gửi lúc");

    public static readonly ReportWords En = new(
        "Report this product", "Tell the producer and the province's OCOP office about the batch", "Report about the item with code",
        "Reason", "Message (at most 1,000 characters)", "Phone number (optional)", "Only the producer and the province's OCOP office see it.",
        "Send the report", "Back to the product's page", "You have sent several reports in the last hour; try again later.",
        "Your report was received", "Keep this receipt code to follow your report:", "Status", "Answer", "No answer yet.", "Sent at");

    public static ReportWords For(string lang) => lang == "en" ? En : Vi;

    public string ReasonLabel(string reason) => (this == En, reason) switch
    {
        (false, "suspected_fake") => "Nghi hàng giả", (false, "quality_problem") => "Chất lượng có vấn đề",
        (false, "wrong_information") => "Thông tin không đúng", (false, _) => "Khác",
        (true, "suspected_fake") => "Suspected fake", (true, "quality_problem") => "Quality problem",
        (true, "wrong_information") => "Wrong information", (true, _) => "Other",
    };

    public string StatusLabel(string status) => (this == En, status) switch
    {
        (false, "received") => "Đã tiếp nhận", (false, "in_progress") => "Đang xử lý", (false, "answered") => "Đã trả lời", (false, _) => "Đã đóng",
        (true, "received") => "Received", (true, "in_progress") => "Being handled", (true, "answered") => "Answered", (true, _) => "Closed",
    };

    public static IReadOnlyList<string> Reasons => WireEnum<ReportReason>.Names.OrderBy(n => n == "other" ? 1 : 0).ThenBy(n => n).ToList();
}
