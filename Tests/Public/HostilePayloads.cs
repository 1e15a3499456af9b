using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Traceability.Tests.Events;
using Traceability.Tests.Support;

namespace Traceability.Tests.Public;

/// <summary>A producer who puts markup and script into every text field it can fill.</summary>
public static class HostilePayloads
{
    public static async Task<(Account Producer, JsonElement Batch)> SeedAsync(ApiFactory api, string payload)
    {
        var created = await (await api.Admin().PostAsJsonAsync("/api/v1/producers", new
        {
            name = "HTX " + payload, kind = "cooperative",
            address = new { line = payload, commune = Fit("Xã " + payload, 100), province = Fit("Thanh Hóa " + payload, 100), provinceCode = "38" },
            phone = "0237 385 0123",
        })).Json(HttpStatusCode.Created);
        var producer = new Account(created.Id(), created.GetProperty("apiKeyId").GetGuid(), created.GetProperty("apiKey").GetString()!,
            api.ClientWithKey(created.GetProperty("apiKey").GetString()));
        var product = await (await producer.Client.PostAsJsonAsync("/api/v1/products", new
        {
            name = "Chè " + payload, nameEn = "Tea " + payload, category = "beverage", description = payload,
            standards = new[] { payload }, shelfLifeDays = 365, imageUrl = "https://example.vn/a.jpg?\"><script>window.__xss=3</script>",
        })).Json(HttpStatusCode.Created);
        var parentProduct = await producer.CreateProductAsync(name: "Nguyên liệu " + payload);
        var parent = await producer.CreateBatchAsync(parentProduct.Id(), "PARENT-X");
        var batch = await (await producer.Client.PostAsJsonAsync("/api/v1/batches", new
        {
            productId = product.Id(), lotNumber = "<X>&'\"", producedOn = "2025-11-20", quantity = 5, unit = "KGM",
            origin = new { name = payload, commune = Fit(payload, 100), province = Fit(payload, 100) },
            parents = new[] { new { batchId = parent.Id() } },
        })).Json(HttpStatusCode.Created);
        var authority = await api.CreateAuthorityAsync();
        await (await authority.Client.PostAsJsonAsync($"/api/v1/products/{product.Id()}/ocop-certifications",
            new { stars = 3, decisionNumber = Fit(payload, 100), issuedBy = payload, issuedOn = "2025-10-15" })).Json(HttpStatusCode.Created);
        var first = await producer.AppendAsync(batch.Id(), new
        {
            type = "harvesting", occurredAt = "2025-11-20T06:30:00+07:00", actor = payload, note = payload,
            location = new { name = payload }, attributes = new Dictionary<string, string> { [Fit(payload, 100)] = payload },
            certificates = new[] { new { name = payload, number = Fit(payload, 100), issuedBy = payload } },
        });
        await producer.AppendAsync(batch.Id(), new { type = "other", occurredAt = "2025-11-21T06:30:00+07:00", note = payload, corrects = first.Id() });
        return (producer, batch);
    }

    private static string Fit(string text, int max) => text.Length <= max ? text : text[..max];
}
