using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Events;

/// <summary>Every EPCIS document the API produces validates against GS1's official EPCIS 2.0 JSON Schema, and reads as
/// linked data with other people's tools (Tests/Standards/epcis-check.mjs: jsonld.js expansion in safe mode with GS1's
/// context, GS1's SHACL shapes through rdf-validate-shacl): no term dropped, no shape violated.</summary>
public sealed class EpcisExportTests : ApiTest
{
    private static readonly string[] RecordableTypes =
        ["planting", "cultivating", "harvesting", "processing", "packing", "inspecting", "certifying", "storing", "shipping", "receiving", "retail_selling", "other"];

    private JsonSchema _schema = null!;

    [OneTimeSetUp]
    public async Task LoadSchema()
    {
        var path = Path.Combine(TestPaths.RepoRoot(), "Tests", "Standards", "epcis-2.0", "EPCIS-JSON-Schema.json");
        _schema = JsonSchema.FromText(await File.ReadAllTextAsync(path), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
    }

    private async Task<JsonNode> Epcis(string code)
    {
        var response = await Api.CreateClient().GetAsync($"/api/v1/public/records/{code}/epcis");
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/ld+json"));
        var node = JsonNode.Parse(body)!;
        var result = _schema.Evaluate(JsonDocument.Parse(body).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        Assert.That(result.IsValid, Is.True, $"{body}\n\n{JsonSerializer.Serialize(result.Details?.Where(d => d.Errors is { Count: > 0 }).Select(d => new { Instance = d.InstanceLocation.ToString(), Errors = d.Errors }))}");
        return node;
    }

    [Test]
    public async Task EveryEventType_WithCorrections_Lineage_AndRecall_ValidatesAgainstTheOfficialSchema()
    {
        var gtin = Scenario.NewGtin13();
        var raw = await Producer.CreateProductAsync(gtin, name: "Chè búp tươi");
        var leaves = await Producer.CreateBatchAsync(raw.Id(), "LA/2025 #1".Replace(" #", "-"));
        var events = new List<JsonElement>();
        foreach (var type in RecordableTypes)
            events.Add(await Producer.AppendAsync(leaves.Id(), new
            {
                type, occurredAt = "2025-11-20T06:30:00+07:00", actor = "Nguyễn Văn A", note = $"Bước {type}",
                location = new { name = "Đồi chè", latitude = 19.93, longitude = 105.48, gln = type == "storing" ? "8935049500018" : null },
                attributes = new Dictionary<string, string> { ["nhiệtĐộ"] = "25°C" },
                // One certificate, or two (each shape takes its own path through the event hash).
                certificates = type == "inspecting"
                    ? new[] { new { name = "VietGAP", url = "https://example.vn/vietgap.pdf" }, new { name = "HACCP", url = "https://example.vn/haccp.pdf" } }
                    : new[] { new { name = "VietGAP", url = "https://example.vn/vietgap.pdf" } },
            }));
        await Producer.AppendAsync(leaves.Id(), new { type = "harvesting", occurredAt = "2025-11-20T06:30:00Z", note = "Sửa", corrects = events[2].Id() });

        var teaProduct = await Producer.CreateProductAsync(name: "Chè khô");
        var tea = await (await Producer.Client.PostAsJsonAsync("/api/v1/batches", new
        {
            productId = teaProduct.Id(), lotNumber = "CK-1", producedOn = "2025-11-22", quantity = 40, unit = "KGM",
            parents = new[] { new { batchId = leaves.Id(), quantity = 200m } },
        })).Json(HttpStatusCode.Created);
        await Producer.AppendAsync(tea.Id(), new { type = "packing", occurredAt = "2025-11-23T10:00:00+07:00" });
        await (await Producer.Client.PostAsJsonAsync($"/api/v1/batches/{leaves.Id()}/recall", new { reason = "Thu hồi thử" })).Json(HttpStatusCode.OK);

        var leavesDoc = await Epcis(leaves.GetProperty("code").GetString()!);
        var teaDoc = await Epcis(tea.GetProperty("code").GetString()!);

        var leafEvents = leavesDoc["epcisBody"]!["eventList"]!.AsArray();
        Assert.Multiple(() =>
        {
            Assert.That(leafEvents, Has.Count.EqualTo(RecordableTypes.Length + 2), "every event, the correction and the recall");
            Assert.That(leafEvents[0]!["action"]!.GetValue<string>(), Is.EqualTo("ADD"));
            Assert.That(leafEvents[0]!["bizStep"]!.GetValue<string>(), Is.EqualTo("creating_class_instance"), "planting creates the lot; CBV has no planting");
            Assert.That(leafEvents[0]!["ocop:step"]!.GetValue<string>(), Is.EqualTo("planting"));
            Assert.That(leafEvents[1]!["bizStep"]!.GetValue<string>(), Is.EqualTo("https://trace.example.vn/voc/cultivating"));
            Assert.That(leafEvents[0]!["ocop:attributes"]!["nhiệtĐộ"]!.GetValue<string>(), Is.EqualTo("25°C"));
            Assert.That(leafEvents[0]!["ilmd"]!["gs1:productionDate"], Is.Not.Null);
            Assert.That(leafEvents[0]!["quantityList"]![0]!["epcClass"]!.GetValue<string>(), Is.EqualTo($"https://id.gs1.org/01/0{gtin}/10/LA%2F2025-1"));
            Assert.That(leafEvents[2]!["bizStep"]!.GetValue<string>(), Is.EqualTo("commissioning"));
            Assert.That(leafEvents[2]!["errorDeclaration"]!["correctiveEventIDs"]![0]!.GetValue<string>(), Is.EqualTo(leafEvents[12]!["eventID"]!.GetValue<string>()));
            Assert.That(leafEvents[12]!["ocop:corrects"]!.GetValue<string>(), Is.EqualTo(leafEvents[2]!["eventID"]!.GetValue<string>()));
            Assert.That(leafEvents.Select(e => e!["eventID"]!.GetValue<string>()), Has.All.Match(@"^ni:///sha-256;[0-9a-f]{64}\?ver=CBV2\.0$"));
            Assert.That(leafEvents[^1]!["disposition"]!.GetValue<string>(), Is.EqualTo("recalled"));
            Assert.That(leafEvents[7]!["readPoint"]!["id"]!.GetValue<string>(), Is.EqualTo("https://id.gs1.org/414/8935049500018"));
        });

        var teaEvents = teaDoc["epcisBody"]!["eventList"]!.AsArray();
        var transformation = teaEvents[0]!;
        Assert.Multiple(() =>
        {
            Assert.That(transformation["type"]!.GetValue<string>(), Is.EqualTo("TransformationEvent"));
            Assert.That(transformation["inputQuantityList"]![0]!["epcClass"]!.GetValue<string>(), Is.EqualTo($"https://id.gs1.org/01/0{gtin}/10/LA%2F2025-1"));
            Assert.That(transformation["inputQuantityList"]![0]!["quantity"]!.GetValue<decimal>(), Is.EqualTo(200m));
            Assert.That(transformation["outputQuantityList"]![0]!["epcClass"]!.GetValue<string>(), Is.EqualTo($"https://trace.example.vn/p/{tea.GetProperty("code").GetString()}"),
                "a lot without a GTIN is named by its public URL");
            Assert.That(transformation["bizStep"]!.GetValue<string>(), Is.EqualTo("creating_class_instance"));
            Assert.That(teaEvents.Select(e => e!["type"]!.GetValue<string>()), Is.EqualTo(new[] { "TransformationEvent", "ObjectEvent", "ObjectEvent" }));
            Assert.That(teaEvents[^1]!["disposition"]!.GetValue<string>(), Is.EqualTo("recalled"), "the recall reached the tea made from the leaves");
        });
        Assert.That(Nulls(leavesDoc).Concat(Nulls(teaDoc)), Is.Empty, "no null anywhere: GS1's event hash cannot take one");
        await LinkedData.AssertReadsAsLinkedData(leavesDoc, teaDoc);
    }

    private static IEnumerable<string> Nulls(JsonNode? node, string path = "$") => node switch
    {
        null => [path],
        JsonObject o => o.SelectMany(p => Nulls(p.Value, $"{path}.{p.Key}")),
        JsonArray a => a.SelectMany((v, i) => Nulls(v, $"{path}[{i}]")),
        _ => [],
    };

    [Test]
    public async Task AQueryPage_WritesEachEventAsTheWholeExportDoes_ThoughItBuildsOnlyThePagesEvents()
    {
        // A page builds and hashes only its own events and those their eventIDs and errorDeclarations name (issue 29:
        // a page spanning 30 batches cost 30–70 ms when each batch's whole chain was built). Every event, asked for one at
        // a time, must still be the export's event to the byte: the same eventID, the same errorDeclaration.
        var gtin = Scenario.NewGtin13();
        var product = await Producer.CreateProductAsync(gtin, name: "Mật ong bạc hà");
        var lot = await Producer.CreateBatchAsync(product.Id(), "MO-29");
        var first = await Producer.AppendAsync(lot.Id(), new { type = "harvesting", occurredAt = "2025-11-20T06:30:00+07:00", note = "Thu hoạch" });
        await Producer.AppendAsync(lot.Id(), new { type = "processing", occurredAt = "2025-11-20T09:00:00+07:00" });
        var fix = await Producer.AppendAsync(lot.Id(), new { type = "harvesting", occurredAt = "2025-11-20T07:00:00+07:00", note = "Sửa giờ", corrects = first.Id() });
        await Producer.AppendAsync(lot.Id(), new { type = "harvesting", occurredAt = "2025-11-20T07:10:00+07:00", note = "Sửa lần hai", corrects = fix.Id() });
        await Producer.AppendAsync(lot.Id(), new { type = "packing", occurredAt = "2025-11-21T08:00:00+07:00" });

        var export = (await Epcis(lot.GetProperty("code").GetString()!))["epcisBody"]!["eventList"]!.AsArray()
            .ToDictionary(e => e!["eventID"]!.GetValue<string>(), e => e!.ToJsonString());
        var lotUri = Uri.EscapeDataString($"https://id.gs1.org/01/0{gtin}/10/MO-29");
        var seen = new List<string>();
        string? token = null;
        do
        {
            var response = await Producer.Client.GetAsync($"/api/v1/epcis/events?MATCH_anyEPCClass={lotUri}&perPage=1" + (token is null ? "" : $"&nextPageToken={token}"));
            var body = await response.Content.ReadAsStringAsync();
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
            var page = JsonNode.Parse(body)!["epcisBody"]!["queryResults"]!["resultsBody"]!["eventList"]!.AsArray();
            foreach (var e in page)
            {
                var id = e!["eventID"]!.GetValue<string>();
                seen.Add(id);
                Assert.That(export, Contains.Key(id), "the page's eventID is the export's");
                Assert.That(e.ToJsonString(), Is.EqualTo(export[id]), "the event as the export writes it, errorDeclaration included");
            }
            token = ParseLink(response);
        } while (token is not null);
        Assert.That(seen, Is.EquivalentTo(export.Keys), "every event, one page each");
        Assert.That(export.Values.Count(v => v.Contains("\"correctiveEventIDs\"")), Is.EqualTo(2), "both corrected events declare their corrections");
    }

    /// <summary>The next page's token from the Link header (rel="next"), or null on the last page.</summary>
    private static string? ParseLink(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values)) return null;
        var next = values.SelectMany(v => v.Split(',')).FirstOrDefault(v => v.Contains("rel=\"next\""));
        if (next is null) return null;
        var query = next[(next.IndexOf('<') + 1)..next.IndexOf('>')];
        return System.Web.HttpUtility.ParseQueryString(new Uri(new Uri("http://x"), query).Query)["nextPageToken"];
    }

    [Test]
    public async Task TheLinkedDataCheck_RejectsADocumentThatLosesATerm()
    {
        var (_, _, code) = await Producer.NewBatchAsync("LD-1");
        var doc = await Epcis(code);
        doc["epcisBody"]!["eventList"]!.AsArray().Add(JsonNode.Parse("""
            {"type":"ObjectEvent","eventTime":"2025-01-01T00:00:00Z","eventTimeZoneOffset":"+07:00","action":"OBSERVE",
             "epcList":[],"undefinedTerm":{"nhiệtĐộ":"25°C"}}
            """));
        var (passed, output) = await LinkedData.CheckAsync(doc);
        Assert.That(passed, Is.False, "a term no context defines is dropped by a JSON-LD reader, so the check can fail");
        Assert.That(output, Does.Contain("undefinedTerm"));
    }

    [Test]
    public async Task TheEventHashCheck_RejectsAnEventChangedAfterItsIdWasComputed()
    {
        var (_, batchId, code) = await Producer.NewBatchAsync("LD-2");
        await Producer.AppendAsync(batchId, EventScenario.Harvest());
        var doc = await Epcis(code);
        Assert.That((await LinkedData.CheckAsync(doc)).Passed, Is.True);
        doc["epcisBody"]!["eventList"]![0]!["eventTime"] = "2025-11-20T07:30:00.000+07:00";
        var (passed, output) = await LinkedData.CheckAsync(doc);
        Assert.That(passed, Is.False, "epcis2.js computes another hash for the changed event");
        Assert.That(output, Does.Contain("is not the CBV 2.0 hash"));
    }

    [Test]
    public async Task BatchWithoutEvents_IsAnEmptyButValidDocument()
    {
        var (_, _, code) = await Producer.NewBatchAsync("EMPTY-1");
        var doc = await Epcis(code.ToLowerInvariant());
        Assert.That(doc["epcisBody"]!["eventList"]!.AsArray(), Is.Empty);
    }

    [TestCase("NOPE234567")]
    [TestCase("not-a-code")]
    public async Task UnknownCode_Is404ProblemDetails(string code)
    {
        var response = await Api.CreateClient().GetAsync($"/api/v1/public/records/{code}/epcis");
        await response.Json(HttpStatusCode.NotFound);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public void TheSchema_RejectsABrokenDocument()
    {
        var broken = JsonDocument.Parse("""{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2025-01-01T00:00:00Z","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2025-01-01T00:00:00Z","eventTimeZoneOffset":"+07:00"}]}}""");
        Assert.That(_schema.Evaluate(broken.RootElement, new EvaluationOptions { RequireFormatValidation = true }).IsValid, Is.False, "an ObjectEvent without action is refused, so the check can fail");
    }
}
