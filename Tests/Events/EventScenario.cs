using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Traceability.Tests.Support;

namespace Traceability.Tests.Events;

public static class EventScenario
{
    public static object Harvest(string? note = "Thu hoạch đợt 1", string occurredAt = "2025-11-20T06:30:00+07:00") => new
    {
        type = "harvesting", occurredAt, note, actor = "Tổ sản xuất số 2",
        location = new { name = "Đồi chè Xuân Lập", latitude = 19.93, longitude = 105.48 },
        attributes = new Dictionary<string, string> { ["khốiLượng"] = "120 kg", ["weather"] = "nắng" },
        certificates = new[] { new { name = "VietGAP", number = "VG-38-0012", issuedBy = "Trung tâm Chứng nhận", validUntil = "2027-01-01", url = "https://example.vn/vg.pdf" } },
    };

    public static async Task<JsonElement> AppendAsync(this Account producer, Guid batchId, object? body = null) =>
        await (await producer.Client.PostAsJsonAsync($"/api/v1/batches/{batchId}/events", body ?? Harvest())).Json(HttpStatusCode.Created);

    public static async Task<(Guid ProductId, Guid BatchId, string Code)> NewBatchAsync(this Account producer, string lot = "LOT-001", string? gtin = null)
    {
        var product = await producer.CreateProductAsync(gtin);
        var batch = await producer.CreateBatchAsync(product.Id(), lot);
        return (product.Id(), batch.Id(), batch.GetProperty("code").GetString()!);
    }

    /// <summary>Every event id of a batch's chain, across all pages.</summary>
    public static async Task<HashSet<Guid>> AllEventIdsAsync(this HttpClient client, Guid batchId)
    {
        var ids = new HashSet<Guid>();
        string? cursor = null;
        do
        {
            var page = await (await client.GetAsync($"/api/v1/batches/{batchId}/events?limit=200{(cursor is null ? "" : "&cursor=" + cursor)}")).Json(HttpStatusCode.OK);
            foreach (var e in page.GetProperty("items").EnumerateArray()) ids.Add(e.GetProperty("id").GetGuid());
            cursor = page.GetProperty("nextCursor").GetString();
        } while (cursor is not null);
        return ids;
    }
}
