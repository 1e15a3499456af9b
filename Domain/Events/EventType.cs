namespace Traceability.Domain.Events;

/// <summary>The stages of a batch's story. <see cref="Recalling"/> and <see cref="RecallWithdrawn"/> are recorded by the
/// system on a recall and on its withdrawal, never posted.</summary>
public enum EventType
{
    Planting, Cultivating, Harvesting, Processing, Packing, Inspecting, Certifying,
    Storing, Shipping, Receiving, RetailSelling, Other, Recalling, RecallWithdrawn,
}

/// <param name="BizStep">GS1 CBV 2.0 bizStep (short name), or "ocop:{step}" where CBV has none: a term of the project's
/// vocabulary, {PublicBaseUrl}/voc/, as every EPCIS document the API writes defines the prefix.</param>
/// <param name="Disposition">CBV disposition the step implies, if any.</param>
/// <param name="Recordable">False for steps only the system records (a recall).</param>
public sealed record EventTypeInfo(EventType Type, string Name, string LabelVi, string LabelEn, string BizStep, string? Disposition, bool Recordable);

public static class EventTypes
{
    /// <summary>The prefix of the project's own vocabulary, for steps CBV 2.0 does not name.</summary>
    public const string ExtensionPrefix = "ocop:";

    public static IReadOnlyList<EventTypeInfo> All { get; } =
    [
        Info(EventType.Planting, "Gieo trồng", "Planting", Extension("planting")),
        Info(EventType.Cultivating, "Chăm sóc", "Cultivating", Extension("cultivating")),
        Info(EventType.Harvesting, "Thu hoạch", "Harvesting", "commissioning", "active"),
        Info(EventType.Processing, "Chế biến", "Processing", Extension("processing")),
        Info(EventType.Packing, "Đóng gói", "Packing", "packing"),
        Info(EventType.Inspecting, "Kiểm tra chất lượng", "Inspecting", "inspecting"),
        Info(EventType.Certifying, "Chứng nhận", "Certifying", Extension("certifying")),
        Info(EventType.Storing, "Lưu kho", "Storing", "storing"),
        Info(EventType.Shipping, "Vận chuyển", "Shipping", "shipping", "in_transit"),
        Info(EventType.Receiving, "Nhận hàng", "Receiving", "receiving"),
        Info(EventType.RetailSelling, "Bán lẻ", "Retail selling", "retail_selling", "retail_sold"),
        Info(EventType.Other, "Khác", "Other", "other"),
        Info(EventType.Recalling, "Thu hồi", "Recall", Extension("recalling"), "recalled", recordable: false),
        Info(EventType.RecallWithdrawn, "Rút lại lệnh thu hồi", "Recall withdrawn", Extension("recall_withdrawing"), recordable: false),
    ];

    private static readonly Dictionary<EventType, EventTypeInfo> ByType = All.ToDictionary(i => i.Type);

    public static EventTypeInfo Of(EventType type) => ByType[type];

    private static string Extension(string step) => ExtensionPrefix + step;

    private static EventTypeInfo Info(EventType type, string vi, string en, string bizStep, string? disposition = null, bool recordable = true) =>
        new(type, WireEnum<EventType>.Name(type), vi, en, bizStep, disposition, recordable);
}
