using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using NUnit.Framework;
using Traceability.Domain.Serials;
using Traceability.Tests.Support;

namespace Traceability.Tests.Api;

/// <summary>A producer's data is theirs: everything it recorded as one ZIP, and nothing of anyone else's, no PIN and no
/// webhook secret.</summary>
public sealed class ProducerExportTests
{
    private static readonly byte[] PinSecret = Convert.FromBase64String(ApiFactory.TestPinSecret);

    [Test]
    public async Task AProducersArchive_HoldsEverythingItRecorded_AndNothingElse()
    {
        using var api = new ApiFactory();
        var coop = await api.CreateProducerAsync();
        var other = await api.CreateProducerAsync("Hộ kinh doanh khác");
        var honey = await coop.CreateProductAsync(Scenario.NewGtin13(), name: "Mật ong rừng Bá Thước");
        await coop.CreateProductAsync(Scenario.NewGtin13(), name: "Chiếu cói Nga Sơn");
        var authority = await api.CreateAuthorityAsync();
        await (await authority.Client.PostAsJsonAsync($"/api/v1/products/{honey.Id()}/ocop-certifications",
            new { stars = 4, decisionNumber = "QĐ-1234", issuedBy = "UBND tỉnh Thanh Hóa", issuedOn = "2025-06-01" })).Json(HttpStatusCode.Created);
        var batches = new List<JsonElement>();
        for (var i = 0; i < 3; i++) batches.Add(await coop.CreateBatchAsync(honey.Id(), $"MO-{i}"));
        var harvest = await (await coop.Client.PostAsJsonAsync($"/api/v1/batches/{batches[0].Id()}/events",
            new { type = "harvesting", occurredAt = "2025-11-20T06:30:00+07:00", note = "120 kg" })).Json(HttpStatusCode.Created);
        await (await coop.Client.PostAsJsonAsync($"/api/v1/batches/{batches[0].Id()}/events",
            new { type = "harvesting", occurredAt = "2025-11-20T06:30:00+07:00", note = "Sửa: 102 kg", corrects = harvest.Id() })).Json(HttpStatusCode.Created);
        var csv = await (await coop.Client.PostAsJsonAsync($"/api/v1/batches/{batches[1].Id()}/serials", new { count = 5, withPin = true })).Content.ReadAsStringAsync();
        var serials = csv.TrimEnd('\n').Split('\n').Skip(1).Select(l => l.Split(',')[1]).ToList();
        var hook = await (await coop.Client.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://nhatky.example.vn/hooks/ocop", events = new[] { "batch.created" } }))
            .Json(HttpStatusCode.Created);
        using (var shopper = api.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false }))
            await shopper.PostAsync($"/p/{batches[2].GetProperty("code").GetString()}/report", new FormUrlEncodedContent(new Dictionary<string, string>
                { ["reason"] = "quality_problem", ["message"] = "Mật ong bị lên men", ["phone"] = "0912345678" }));
        var strangers = await other.CreateProductAsync(Scenario.NewGtin13(), name: "Nước mắm của người khác");
        await other.CreateBatchAsync(strangers.Id(), "KHAC-1");

        var response = await coop.Client.GetAsync($"/api/v1/producers/{coop.Id}/export");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/zip"));
        Assert.That(response.Content.Headers.ContentDisposition!.FileName, Does.EndWith(".zip"));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
        string Text(string name) => new StreamReader(zip.GetEntry(name)!.Open(), Encoding.UTF8).ReadToEnd();
        List<JsonElement> Lines(string name) => Text(name).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();

        Assert.That(Text("README.txt"), Does.Contain("never a PIN"));
        Assert.That(JsonDocument.Parse(Text("producer.json")).RootElement.Id(), Is.EqualTo(coop.Id));
        Assert.That(Lines("products.jsonl").Select(p => p.GetProperty("name").GetString()), Is.EquivalentTo(new[] { "Mật ong rừng Bá Thước", "Chiếu cói Nga Sơn" }));
        Assert.That(Lines("certifications.jsonl").Select(c => c.GetProperty("decisionNumber").GetString()), Is.EqualTo(new[] { "QĐ-1234" }));
        Assert.That(Lines("batches.jsonl").Select(b => b.GetProperty("lotNumber").GetString()), Is.EquivalentTo(new[] { "MO-0", "MO-1", "MO-2" }));
        var story = JsonDocument.Parse(Text($"epcis/{batches[0].GetProperty("code").GetString()}.jsonld")).RootElement;
        Assert.That(story.GetProperty("type").GetString(), Is.EqualTo("EPCISDocument"));
        Assert.That(story.GetProperty("epcisBody").GetProperty("eventList").GetArrayLength(), Is.EqualTo(2), "the event and its correction");
        Assert.That(zip.Entries.Count(e => e.FullName.StartsWith("epcis/", StringComparison.Ordinal)), Is.EqualTo(3));

        var issue = Lines("serial-issues.jsonl").Single();
        Assert.That((issue.GetProperty("count").GetInt32(), issue.GetProperty("withPin").GetBoolean()), Is.EqualTo((5, true)));
        var issued = Text($"serials/{issue.Id()}.csv");
        Assert.That(issued.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "position,serial,voided" }
            .Concat(serials.Select((s, i) => $"{i + 1},{s},false"))));
        var hooks = Lines("webhooks.jsonl");
        Assert.That(hooks.Single().Id(), Is.EqualTo(hook.GetProperty("webhook").Id()));
        var report = Lines("shopper-reports.jsonl").Single();
        Assert.That((report.GetProperty("message").GetString(), report.GetProperty("phone").GetString()), Is.EqualTo(("Mật ong bị lên men", "0912345678")));

        var everything = string.Concat(zip.Entries.Select(e => Text(e.FullName)));
        Assert.That(serials.Select(s => ItemSerial.Pin(PinSecret, s)), Has.None.Matches<string>(pin => everything.Contains(pin)), "no PIN anywhere");
        Assert.That(everything, Does.Not.Contain(hook.GetProperty("secret").GetString()).And.Not.Contain("whsec_"), "no webhook secret");
        Assert.That(everything, Does.Not.Contain("Nước mắm của người khác").And.Not.Contain("KHAC-1"), "nothing of another producer");

        // Anyone else is told there is nothing there (as for every account's own routes: no producer's existence is confirmed).
        Assert.That((await other.Client.GetAsync($"/api/v1/producers/{coop.Id}/export")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await authority.Client.GetAsync($"/api/v1/producers/{coop.Id}/export")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await api.Admin().GetAsync($"/api/v1/producers/{coop.Id}/export")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await api.Admin().GetAsync($"/api/v1/producers/{Guid.NewGuid()}/export")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
