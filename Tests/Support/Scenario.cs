using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NUnit.Framework;

namespace Traceability.Tests.Support;

public sealed record Account(Guid Id, Guid KeyId, string Key, HttpClient Client);

/// <summary>The user stories' building blocks, all through the public HTTP API.</summary>
public static class Scenario
{
    private static int _gtinCounter = Random.Shared.Next(1000, 900000);

    public static async Task<JsonElement> Json(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(expected), body);
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<Account> CreateProducerAsync(this ApiFactory api, string name = "Hợp tác xã Nông nghiệp Thọ Xuân", string kind = "cooperative")
    {
        var created = await (await api.Admin().PostAsJsonAsync("/api/v1/producers", new
        {
            name, kind, taxCode = "2801234567",
            address = new { line = "Thôn 3", commune = "Xã Thọ Xuân", province = "Thanh Hóa", provinceCode = "38" },
            phone = "0237 3850 123", email = "htx@example.vn",
        })).Json(HttpStatusCode.Created);
        var key = created.GetProperty("apiKey").GetString()!;
        return new Account(created.GetProperty("id").GetGuid(), created.GetProperty("apiKeyId").GetGuid(), key, api.ClientWithKey(key));
    }

    public static async Task<Account> CreateAuthorityAsync(this ApiFactory api, string level = "province")
    {
        var created = await (await api.Admin().PostAsJsonAsync("/api/v1/authorities", new
        {
            name = level == "national" ? "Bộ Nông nghiệp và Môi trường" : "Hội đồng OCOP tỉnh Thanh Hóa",
            level, province = level == "province" ? "Thanh Hóa" : null,
        })).Json(HttpStatusCode.Created);
        var key = created.GetProperty("apiKey").GetString()!;
        return new Account(created.GetProperty("id").GetGuid(), created.GetProperty("apiKeyId").GetGuid(), key, api.ClientWithKey(key));
    }

    /// <summary>A fresh valid GTIN-13 under Vietnam's 893 prefix.</summary>
    public static string NewGtin13()
    {
        var data = "893" + Interlocked.Increment(ref _gtinCounter).ToString("D9");
        return data + Traceability.Domain.Gtin.CheckDigit(data);
    }

    public static async Task<JsonElement> CreateProductAsync(this Account producer, string? gtin = null, int? shelfLifeDays = 30, string name = "Nem chua Thanh Hóa")
    {
        return await (await producer.Client.PostAsJsonAsync("/api/v1/products", new
        {
            name, nameEn = "Fermented pork roll", gtin, category = "food", description = "Gói lá chuối",
            standards = new[] { "TCVN 7050:2009" }, shelfLifeDays,
        })).Json(HttpStatusCode.Created);
    }

    public static async Task<JsonElement> CreateBatchAsync(this Account producer, Guid productId, string lot = "LOT-001")
    {
        return await (await producer.Client.PostAsJsonAsync("/api/v1/batches", new
        {
            productId, lotNumber = lot, producedOn = "2025-11-20", quantity = 12.5m, unit = "KGM",
            origin = new { name = "Trại Xuân Lập", commune = "Xã Xuân Lập", province = "Thanh Hóa", latitude = 19.9, longitude = 105.4 },
        })).Json(HttpStatusCode.Created);
    }

    public static Guid Id(this JsonElement e) => e.GetProperty("id").GetGuid();
}
