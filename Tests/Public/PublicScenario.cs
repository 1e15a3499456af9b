using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Traceability.Tests.Events;
using Traceability.Tests.Support;

namespace Traceability.Tests.Public;

public static class PublicScenario
{
    /// <summary>A batch with a product GTIN, an OCOP decision, a few events including a correction.</summary>
    public static async Task<(JsonElement Product, JsonElement Batch, string Gtin)> RichBatchAsync(ApiFactory api, Account producer, string lot)
    {
        var gtin = Scenario.NewGtin13();
        var product = await producer.CreateProductAsync(gtin, name: "Chè Shan tuyết Pù Luông");
        var batch = await producer.CreateBatchAsync(product.Id(), lot);
        var authority = await api.CreateAuthorityAsync();
        await (await authority.Client.PostAsJsonAsync($"/api/v1/products/{product.Id()}/ocop-certifications",
            new { stars = 4, decisionNumber = "3981/QĐ-UBND", issuedBy = "UBND tỉnh Thanh Hóa", issuedOn = "2025-10-15" })).Json(HttpStatusCode.Created);
        var harvest = await producer.AppendAsync(batch.Id(), EventScenario.Harvest(note: "Hái 120 kg"));
        await producer.AppendAsync(batch.Id(), new { type = "harvesting", occurredAt = "2025-11-20T06:30:00+07:00", note = "Sửa: 102 kg", corrects = harvest.Id() });
        await producer.AppendAsync(batch.Id(), new { type = "packing", occurredAt = "2025-11-21T09:00:00+07:00", location = new { name = "Xưởng Pù Luông" } });
        return (product, batch, gtin);
    }

    public static HttpRequestMessage Get(string url, string? accept = null, string? language = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (accept is not null) request.Headers.Accept.ParseAdd(accept);
        if (language is not null) request.Headers.AcceptLanguage.ParseAdd(language);
        return request;
    }
}
