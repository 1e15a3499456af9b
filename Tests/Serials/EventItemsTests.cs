using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using NUnit.Framework;
using Traceability.Tests.Events;
using Traceability.Tests.Public;
using Traceability.Tests.Support;

namespace Traceability.Tests.Serials;

/// <summary>An event can name the items it concerns (a carton shipped): the serials are hashed with it, checked against
/// the batch's issued serials, and shown on each item's page after the lot's steps.</summary>
public sealed class EventItemsTests : ApiTest
{
    private string? _gtin14;

    private async Task<(Guid BatchId, string Code, List<string> Serials)> Issued(string lot, int count)
    {
        var product = await Producer.CreateProductAsync(Scenario.NewGtin13(), name: "Mật ong Bá Thước");
        _gtin14 = product.GetProperty("gtin").GetString();
        var batch = await Producer.CreateBatchAsync(product.Id(), lot);
        var csv = await (await Producer.Client.PostAsJsonAsync($"/api/v1/batches/{batch.Id()}/serials", new { count })).Content.ReadAsStringAsync();
        return (batch.Id(), batch.GetProperty("code").GetString()!, csv.TrimEnd('\n').Split('\n').Skip(1).Select(l => l.Split(',')[1]).ToList());
    }

    [Test]
    public async Task AShippedCarton_IsHashedWithItsItems_AndShowsOnEachItemsPage()
    {
        var (batchId, code, serials) = await Issued("EI-1", 4);
        await Producer.AppendAsync(batchId, EventScenario.Harvest());
        var shipped = await (await Producer.Client.PostAsJsonAsync($"/api/v1/batches/{batchId}/events", new
        {
            type = "shipping", occurredAt = "2025-11-21T08:00:00+07:00", location = new { name = "Kho Bá Thước" }, items = new[] { serials[0], serials[1] },
        })).Json(HttpStatusCode.Created);
        Assert.That(shipped.GetProperty("items").EnumerateArray().Select(i => i.GetString()), Is.EqualTo(new[] { serials[0], serials[1] }));
        var verification = await (await Producer.Client.GetAsync($"/api/v1/batches/{batchId}/verification")).Json(HttpStatusCode.OK);
        Assert.That(verification.GetProperty("valid").GetBoolean(), Is.True);

        var anonymous = Api.ClientWithKey(null);
        var page = await (await anonymous.SendAsync(PublicScenario.Get($"/p/{code}/{serials[0]}", "text/html"))).Content.ReadAsStringAsync();
        Assert.That(page, Does.Contain("Các bước riêng của sản phẩm này").And.Contain("08:00 21/11/2025 — Vận chuyển — Kho Bá Thước"));
        Assert.That(page.IndexOf("id=\"item-steps\"", StringComparison.Ordinal), Is.GreaterThan(page.IndexOf("Hành trình sản phẩm", StringComparison.Ordinal)),
            "after the lot's steps");
        var other = await (await anonymous.SendAsync(PublicScenario.Get($"/p/{code}/{serials[2]}", "text/html"))).Content.ReadAsStringAsync();
        Assert.That(other, Does.Not.Contain("id=\"item-steps\""), "an item the carton did not hold has no steps of its own");

        // In EPCIS, the step names its items by their SGTIN Digital Links to their producer; the public export names the
        // lot only (a listed serial is a label that can be copied). Both read as linked data.
        var ownQuery = $"/api/v1/epcis/events?MATCH_anyEPC={Uri.EscapeDataString($"https://id.gs1.org/01/{_gtin14}/21/{serials[0]}")}";
        var own = System.Text.Json.Nodes.JsonNode.Parse(await (await Producer.Client.GetAsync(ownQuery)).Content.ReadAsStringAsync())!;
        var shipping = own["epcisBody"]!["queryResults"]!["resultsBody"]!["eventList"]!.AsArray().Single()!;
        var epcList = shipping["epcList"]!.AsArray().Select(x => x!.GetValue<string>()).ToList();
        Assert.That(epcList, Has.Count.EqualTo(2));
        Assert.That(epcList, Has.All.Match("^https://id.gs1.org/01/[0-9]{14}/21/"));
        await LinkedData.AssertReadsAsLinkedData(own);
        var exported = await (await anonymous.GetAsync($"/api/v1/public/records/{code}/epcis")).Content.ReadAsStringAsync();
        var epcis = System.Text.Json.Nodes.JsonNode.Parse(exported)!;
        Assert.That(epcis["epcisBody"]!["eventList"]!.AsArray().Single(ev => ev!["ocop:step"]!.GetValue<string>() == "shipping")!["epcList"], Is.Null);
        Assert.That(exported, Does.Not.Contain(serials[0]).And.Not.Contain(serials[1]));
        await LinkedData.AssertReadsAsLinkedData(epcis);

        // The public record names no serial, yet its events verify with the independent script (the items' digest
        // stands in for them).
        var recordText = await (await anonymous.GetAsync($"/api/v1/public/records/{code}")).Content.ReadAsStringAsync();
        Assert.That(recordText, Does.Not.Contain(serials[0]).And.Not.Contain(serials[1]).And.Contain("itemsDigest"));
        var record = System.Text.Json.JsonDocument.Parse(recordText).RootElement;
        var python = new[] { "/usr/bin/python3", "/usr/local/bin/python3" }.FirstOrDefault(File.Exists);
        if (python is null) return;
        var file = Path.Combine(Path.GetTempPath(), $"record-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, record.GetRawText());
        using var process = Process.Start(new ProcessStartInfo(python, [Path.Combine(TestPaths.RepoRoot(), "docs", "verify-hash-chain.py"), file])
            { RedirectStandardOutput = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        File.Delete(file);
        Assert.That(process.ExitCode, Is.EqualTo(0), output);
    }

    [Test]
    public async Task AnEvent_NamesOnlyItsOwnBatchsIssuedItems_OnceEach()
    {
        var (batchId, _, serials) = await Issued("EI-2", 2);
        var (_, _, others) = await Issued("EI-3", 1);
        foreach (var (items, field) in new[]
                 {
                     (new[] { others[0] }, "items[0]"), (new[] { serials[0], "NEVER-ISSUED" }, "items[1]"), (new[] { serials[0], serials[0] }, "items[1]"),
                     (new[] { "bad serial" }, "items[0]"),
                 })
        {
            var problem = await (await Producer.Client.PostAsJsonAsync($"/api/v1/batches/{batchId}/events",
                new { type = "shipping", occurredAt = "2025-11-21T08:00:00+07:00", items })).Json(HttpStatusCode.BadRequest);
            Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, string.Join(",", items));
        }
        var bulk = await (await Producer.Client.PostAsJsonAsync("/api/v1/events", new
        {
            events = new object[] { new { batchId, type = "shipping", occurredAt = "2025-11-21T08:00:00+07:00", items = new[] { others[0] } } },
        })).Json(HttpStatusCode.BadRequest);
        Assert.That(bulk.GetProperty("errors").TryGetProperty("events[0].items[0]", out _), Is.True);
    }
}
