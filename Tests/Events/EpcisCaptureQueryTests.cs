using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Events;

/// <summary>The EPCIS 2.0 REST binding as partners use it: capture an EPCISDocument into one's own batches, all or
/// nothing and idempotent, and query events back with the standard's parameters.</summary>
public sealed class EpcisCaptureQueryTests : ApiTest
{
    private JsonSchema _schema = null!;

    [OneTimeSetUp]
    public async Task LoadSchema() =>
        _schema = JsonSchema.FromText(await File.ReadAllTextAsync(Path.Combine(TestPaths.RepoRoot(), "Tests", "Standards", "epcis-2.0", "EPCIS-JSON-Schema.json")),
            new BuildOptions { SchemaRegistry = new SchemaRegistry() });

    private static StringContent LdJson(JsonNode document) => new(document.ToJsonString(), Encoding.UTF8, "application/ld+json");

    private async Task<JsonNode> ExportAsync(string code) =>
        JsonNode.Parse(await Api.CreateClient().GetStringAsync($"/api/v1/public/records/{code}/epcis"))!;

    /// <summary>A query's answer: 200, an EPCISQueryDocument valid against GS1's schema; its events.</summary>
    private async Task<(JsonArray Events, HttpResponseMessage Response, JsonNode Document)> QueryAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync("/api/v1/epcis/events?" + query);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body + string.Join("\n", Api.Logs.Errors));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/ld+json"));
        var result = _schema.Evaluate(JsonDocument.Parse(body).RootElement, new EvaluationOptions { RequireFormatValidation = true });
        Assert.That(result.IsValid, Is.True, body);
        var document = JsonNode.Parse(body)!;
        Assert.That(document["type"]!.GetValue<string>(), Is.EqualTo("EPCISQueryDocument"));
        return (document["epcisBody"]!["queryResults"]!["resultsBody"]!["eventList"]!.AsArray(), response, document);
    }

    private async Task<(JsonElement Batch, string Lot)> NewLotAsync(Account producer, string gtin, string lot)
    {
        var product = await producer.CreateProductAsync(gtin);
        var batch = await producer.CreateBatchAsync(product.Id(), lot);
        return (batch, $"https://id.gs1.org/01/0{gtin}/10/{lot}");
    }

    private static readonly string[] Compared =
        ["type", "eventTime", "eventTimeZoneOffset", "bizStep", "disposition", "readPoint", "bizLocation", "epcList", "certificationInfo",
         "ocop:step", "ocop:location", "ocop:actor", "ocop:note", "ocop:attributes", "ocop:certificates"];

    private static string Shape(JsonNode e) => string.Join("\n", Compared.Select(k => $"{k}={e[k]?.ToJsonString()}"));

    [Test]
    public async Task AnExportCapturedIntoAnotherBatch_QueriesBackAsTheSameEvents()
    {
        var (source, sourceLot) = await NewLotAsync(Producer, Scenario.NewGtin13(), "NGUON-1");
        var (target, targetLot) = await NewLotAsync(Producer, Scenario.NewGtin13(), "DICH-1");
        foreach (var step in new object[]
                 {
                     new { type = "harvesting", occurredAt = "2026-11-20T06:30:00+07:00", actor = "Nguyễn Văn A", note = "Hái chè búp",
                           location = new { name = "Đồi chè Xuân Lập", gln = "8935049500018" }, attributes = new Dictionary<string, string> { ["độẨm"] = "70%" },
                           certificates = new[] { new { name = "VietGAP", number = "VG-123", validUntil = "2027-06-30", url = "https://example.vn/vietgap.pdf" } } },
                     new { type = "processing", occurredAt = "2026-11-20T14:00:00+07:00", location = new { name = "Xưởng sao chè", latitude = 19.93, longitude = 105.48 } },
                     new { type = "shipping", occurredAt = "2026-11-21T08:00:00+07:00", location = new { gln = "8935049500018" }, note = "Xe tải 36C-123.45" },
                 })
            await Producer.AppendAsync(source.Id(), step);

        var document = await ExportAsync(source.GetProperty("code").GetString()!);
        var exported = document["epcisBody"]!["eventList"]!.AsArray().Select(e => e!.DeepClone()).ToList();
        foreach (var e in document["epcisBody"]!["eventList"]!.AsArray())
            foreach (var q in e!["quantityList"]!.AsArray()) q!["epcClass"] = targetLot;

        var capture = await Producer.Client.PostAsync("/api/v1/epcis/capture", LdJson(document));
        var job = await capture.Json(HttpStatusCode.Accepted);
        Assert.That(capture.Headers.Location!.ToString(), Is.EqualTo($"/api/v1/epcis/capture/{job.GetProperty("captureID").GetString()}"));
        Assert.That(job.GetProperty("capturedEvents").GetInt32(), Is.EqualTo(3));
        var outcome = await (await Producer.Client.GetAsync(capture.Headers.Location)).Json(HttpStatusCode.OK);
        Assert.That((outcome.GetProperty("success").GetBoolean(), outcome.GetProperty("running").GetBoolean()), Is.EqualTo((true, false)));
        var stranger = await Api.CreateProducerAsync("Hộ kinh doanh lạ");
        await (await stranger.Client.GetAsync(capture.Headers.Location)).Json(HttpStatusCode.NotFound);  // another producer's job does not exist

        var (back, _, queried) = await QueryAsync(Api.CreateClient(), $"MATCH_anyEPCClass={Uri.EscapeDataString(targetLot)}");
        Assert.That(back.Select(e => Shape(e!)), Is.EqualTo(exported.Select(Shape)), "the same events, field for field");
        // Everything the partner sent comes back as sent — eventID, action, quantities, ilmd included — but for what the
        // receiving chain sets itself (its record time, place in the chain, and the event's own CBV hash).
        static string Whole(JsonNode e, string lot)
        {
            var copy = e.DeepClone().AsObject();
            foreach (var own in new[] { "recordTime", "ocop:sequence", "ocop:hash", "ocop:previousHash", "ocop:eventHash" }) copy.Remove(own);
            foreach (var q in copy["quantityList"]!.AsArray()) q!["epcClass"] = lot;
            return copy.ToJsonString();
        }
        Assert.That(back.Select(e => Whole(e!, "lot")), Is.EqualTo(exported.Select(e => Whole(e!, "lot"))), "nothing the partner sent is lost");
        Assert.That(back.Select(e => e!["ocop:eventHash"]?.GetValue<string>()), Has.All.StartWith("ni:///sha-256;"));
        Assert.That(back.Select(e => e!["quantityList"]![0]!["epcClass"]!.GetValue<string>()), Is.All.EqualTo(targetLot));
        var chain = await (await Producer.Client.GetAsync($"/api/v1/batches/{target.Id()}/verification")).Json(HttpStatusCode.OK);
        Assert.That(chain.GetProperty("valid").GetBoolean(), Is.True);
        await LinkedData.AssertReadsAsLinkedData(queried);
        _ = sourceLot;
    }

    [Test]
    public async Task APartnersDispositionQuantityActionAndEventId_AreKeptAsSent()
    {
        var (batch, lot) = await NewLotAsync(Producer, Scenario.NewGtin13(), "NHAN-20");
        var received = Event(lot, "receiving", "2026-11-22T09:00:00+07:00", "urn:uuid:6f1c2a8e-0f5b-4a4e-9d2c-3b8f1e7a5c11");
        received["disposition"] = "in_progress";
        received["quantityList"] = new JsonArray(new JsonObject { ["epcClass"] = lot, ["quantity"] = 20, ["uom"] = "KGM" });
        await (await Producer.Client.PostAsync("/api/v1/epcis/capture", LdJson(Document(received)))).Json(HttpStatusCode.Accepted);

        var (events, _, document) = await QueryAsync(Api.CreateClient(), $"MATCH_anyEPCClass={Uri.EscapeDataString(lot)}");
        var back = events.Single()!;
        Assert.Multiple(() =>
        {
            Assert.That(back["eventID"]!.GetValue<string>(), Is.EqualTo("urn:uuid:6f1c2a8e-0f5b-4a4e-9d2c-3b8f1e7a5c11"), "the partner's own id");
            Assert.That(back["action"]!.GetValue<string>(), Is.EqualTo("OBSERVE"), "as sent, though it is the batch's first event");
            Assert.That(back["disposition"]!.GetValue<string>(), Is.EqualTo("in_progress"));
            Assert.That(back["quantityList"]![0]!["quantity"]!.GetValue<decimal>(), Is.EqualTo(20m));
            Assert.That(back["quantityList"]![0]!["uom"]!.GetValue<string>(), Is.EqualTo("KGM"), "the partner's 20 kg, not the batch's own quantity");
            Assert.That(back["ocop:eventHash"]!.GetValue<string>(), Does.StartWith("ni:///sha-256;"));
        });
        await LinkedData.AssertReadsAsLinkedData(document);

        var corrected = Event(lot, "receiving", "2026-11-22T10:00:00+07:00", null);
        corrected["errorDeclaration"] = new JsonObject { ["declarationTime"] = "2026-11-22T10:00:00Z", ["reason"] = "incorrect_data" };
        var refused = await (await Producer.Client.PostAsync("/api/v1/epcis/capture", LdJson(Document(corrected)))).Json(HttpStatusCode.BadRequest);
        Assert.That(refused.GetProperty("errors").TryGetProperty("epcisBody.eventList[0].errorDeclaration", out _), Is.True, "refused, not dropped");
        var stored = await (await Producer.Client.GetAsync($"/api/v1/batches/{batch.Id()}/events")).Json(HttpStatusCode.OK);
        Assert.That(stored.GetProperty("items").GetArrayLength(), Is.EqualTo(1));
    }

    [Test]
    public async Task CapturingAgain_RecordsNothingTwice_ByEventIdOrIdempotencyKey()
    {
        var (batch, lot) = await NewLotAsync(Producer, Scenario.NewGtin13(), "LAP-1");
        var document = Document(Event(lot, "packing", "2026-11-22T09:00:00+07:00", "ni:///sha-256;aaaa?ver=CBV2.0"),
            Event(lot, "storing", "2026-11-22T10:00:00+07:00", "ni:///sha-256;bbbb?ver=CBV2.0"));
        await (await Producer.Client.PostAsync("/api/v1/epcis/capture", LdJson(document))).Json(HttpStatusCode.Accepted);

        var again = await (await Producer.Client.PostAsync("/api/v1/epcis/capture", LdJson(document))).Json(HttpStatusCode.Accepted);
        Assert.That((again.GetProperty("capturedEvents").GetInt32(), again.GetProperty("skippedEvents").GetInt32()), Is.EqualTo((0, 2)));

        using var keyed = new HttpRequestMessage(HttpMethod.Post, "/api/v1/epcis/capture") { Content = LdJson(Document(Event(lot, "inspecting", "2026-11-22T11:00:00+07:00", null))) };
        keyed.Headers.Add("Idempotency-Key", "capture-1");
        var first = await (await Producer.Client.SendAsync(keyed)).Json(HttpStatusCode.Accepted);
        using var retry = new HttpRequestMessage(HttpMethod.Post, "/api/v1/epcis/capture") { Content = LdJson(Document(Event(lot, "inspecting", "2026-11-22T11:00:00+07:00", null))) };
        retry.Headers.Add("Idempotency-Key", "capture-1");
        var replay = await Producer.Client.SendAsync(retry);
        Assert.That((await replay.Json(HttpStatusCode.Accepted)).GetProperty("captureID").GetString(), Is.EqualTo(first.GetProperty("captureID").GetString()));
        Assert.That(replay.Headers.GetValues("Idempotent-Replayed").Single(), Is.EqualTo("true"));

        var events = await (await Producer.Client.GetAsync($"/api/v1/batches/{batch.Id()}/events")).Json(HttpStatusCode.OK);
        Assert.That(events.GetProperty("items").GetArrayLength(), Is.EqualTo(3));
    }

    [Test]
    public async Task WhatCannotBeStored_IsRefusedWithTheEventsIndexAndWhy_AndNothingIsStored()
    {
        var (batch, lot) = await NewLotAsync(Producer, Scenario.NewGtin13(), "TU-CHOI");
        var other = await Api.CreateProducerAsync("Hộ kinh doanh khác");
        var (_, othersLot) = await NewLotAsync(other, Scenario.NewGtin13(), "CUA-NGUOI-KHAC");
        var transformation = new JsonObject
        {
            ["type"] = "TransformationEvent", ["eventTime"] = "2026-11-22T09:00:00+07:00", ["eventTimeZoneOffset"] = "+07:00",
            ["inputQuantityList"] = new JsonArray(new JsonObject { ["epcClass"] = othersLot }), ["outputQuantityList"] = new JsonArray(new JsonObject { ["epcClass"] = lot }),
        };
        var sensors = Event(lot, "storing", "2026-11-22T09:00:00+07:00", null);
        sensors["sensorElementList"] = new JsonArray(new JsonObject { ["sensorReport"] = new JsonArray(new JsonObject { ["type"] = "Temperature", ["value"] = 4.0 }) });
        var document = Document(
            Event(lot, "packing", "2026-11-22T09:00:00+07:00", null),
            Event(othersLot, "packing", "2026-11-22T09:00:00+07:00", null),
            transformation,
            Event(lot, "loading", "2026-11-22T09:00:00+07:00", null),
            sensors,
            Event("https://id.gs1.org/01/08930000000017/10/KHONG-CO", "packing", "2026-11-22T09:00:00+07:00", null));

        var problem = await (await Producer.Client.PostAsync("/api/v1/epcis/capture", LdJson(document))).Json(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.Multiple(() =>
        {
            Assert.That(errors.TryGetProperty("epcisBody.eventList[0]", out _), Is.False, problem.ToString());
            Assert.That(errors.GetProperty("epcisBody.eventList[1].quantityList[0].epcClass")[0].GetString(), Does.Contain("another producer's"));
            // A lot made from another producer's names it as an input: that is no event about the other's lot, but an
            // event about one's own lot needs its step.
            Assert.That(errors.TryGetProperty("epcisBody.eventList[2].inputQuantityList[0].epcClass", out _), Is.False, problem.ToString());
            Assert.That(errors.GetProperty("epcisBody.eventList[2].bizStep")[0].GetString(), Does.Contain("Required"));
            Assert.That(errors.GetProperty("epcisBody.eventList[3].bizStep")[0].GetString(), Does.Contain("loading"));
            // Kept as sent now: sensor readings, and a lot this registry does not know (kept for its capturer alone).
            Assert.That(errors.EnumerateObject().Where(p => p.Name.StartsWith("epcisBody.eventList[4]") || p.Name.StartsWith("epcisBody.eventList[5]")), Is.Empty, problem.ToString());
        });

        var invalid = Document(Event(lot, "packing", "2026-11-22T09:00:00+07:00", null));
        invalid["epcisBody"]!["eventList"]![0]!.AsObject().Remove("action");
        var schema = await (await Producer.Client.PostAsync("/api/v1/epcis/capture", LdJson(invalid))).Json(HttpStatusCode.BadRequest);
        Assert.That(schema.GetProperty("errors").EnumerateObject().Select(p => p.Name), Has.Some.StartsWith("epcisBody.eventList[0]"), schema.ToString());

        // Two @context entries equal as JSON (numbers by value): refused though JsonSchema.Net, which explains refusals,
        // finds nothing to say.
        var duplicated = Document(Event(lot, "packing", "2026-11-22T09:00:00+07:00", null));
        duplicated["@context"]!.AsArray().Add(JsonNode.Parse("""{"ex": "https://example.vn/", "n": [1, 2]}"""));
        duplicated["@context"]!.AsArray().Add(JsonNode.Parse("""{"n": [1.0, 2], "ex": "https://example.vn/"}"""));
        var twice = await (await Producer.Client.PostAsync("/api/v1/epcis/capture", LdJson(duplicated))).Json(HttpStatusCode.BadRequest);
        Assert.That(twice.GetProperty("errors").GetProperty("body")[0].GetString(), Does.Contain("GS1's EPCIS 2.0 JSON Schema"), twice.ToString());

        var plain = await Producer.Client.PostAsync("/api/v1/epcis/capture", new StringContent("EPCISDocument", Encoding.UTF8, "text/plain"));
        await plain.Json(HttpStatusCode.UnsupportedMediaType);
        var notEpcis = await Producer.Client.PostAsync("/api/v1/epcis/capture", new StringContent("<EPCISDocument/>", Encoding.UTF8, "application/xml"));
        await notEpcis.Json(HttpStatusCode.BadRequest);
        using var proceed = new HttpRequestMessage(HttpMethod.Post, "/api/v1/epcis/capture") { Content = LdJson(Document(Event(lot, "packing", "2026-11-22T09:00:00+07:00", null))) };
        proceed.Headers.Add("GS1-Capture-Error-Behaviour", "proceed");
        await (await Producer.Client.SendAsync(proceed)).Json(HttpStatusCode.BadRequest);
        await (await Producer.Client.PostAsync("/api/v1/epcis/capture", new StringContent("{\"type\":", Encoding.UTF8, "application/ld+json"))).Json(HttpStatusCode.BadRequest);

        var tooMany = Document(Enumerable.Range(0, 1001).Select(i => Event(lot, "packing", "2026-11-22T09:00:00+07:00", null)).ToArray());
        var limit = await (await Producer.Client.PostAsync("/api/v1/epcis/capture", LdJson(tooMany))).Json(HttpStatusCode.RequestEntityTooLarge);
        Assert.That(limit.GetProperty("detail").GetString(), Does.Contain("1000 events"));

        var events = await (await Producer.Client.GetAsync($"/api/v1/batches/{batch.Id()}/events")).Json(HttpStatusCode.OK);
        Assert.That(events.GetProperty("items").GetArrayLength(), Is.EqualTo(0), "all or nothing");
    }

    [Test]
    public async Task Items_AreCapturedByTheirDigitalLinks_AndFoundByMatchAnyEpc()
    {
        var gtin = Scenario.NewGtin13();
        var (batch, lot) = await NewLotAsync(Producer, gtin, "HOP-24");
        var csv = await (await Producer.Client.PostAsJsonAsync($"/api/v1/batches/{batch.Id()}/serials", new { count = 3 })).Content.ReadAsStringAsync();
        var serials = csv.Split("\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(",")[1]).ToList();
        var shipped = Event(null, "shipping", "2026-11-23T07:00:00+07:00", null);
        shipped["epcList"] = new JsonArray(serials.Take(2).Select(s => (JsonNode)$"https://id.gs1.org/01/0{gtin}/21/{s}").ToArray());
        await (await Producer.Client.PostAsync("/api/v1/epcis/capture", LdJson(Document(shipped)))).Json(HttpStatusCode.Accepted);

        var item = $"MATCH_anyEPC={Uri.EscapeDataString($"https://id.gs1.org/01/0{gtin}/21/{serials[0]}")}";
        var (found, _, anonymousBody) = await QueryAsync(Api.CreateClient(), item);
        Assert.That(found, Has.Count.EqualTo(1));
        Assert.That(found[0]!["epcList"], Is.Null, "the public never sees the carton's serials");
        Assert.That(anonymousBody.ToJsonString(), Does.Not.Contain(serials[1]));
        var (own, _, _) = await QueryAsync(Producer.Client, item);
        Assert.That(own[0]!["epcList"]!.AsArray().Select(x => x!.GetValue<string>()), Has.Member($"https://id.gs1.org/01/0{gtin}/21/{serials[1]}"),
            "their producer does");
        var (none, _, _) = await QueryAsync(Api.CreateClient(), $"MATCH_anyEPC={Uri.EscapeDataString($"https://id.gs1.org/01/0{gtin}/21/{serials[2]}")}");
        Assert.That(none, Is.Empty);
        _ = lot;
    }

    [Test]
    public async Task AnUnfilteredQuery_ShowsAProvinceAuthorityItsProvince_WithItems_AndTheNationalLevelEverything_WithoutSerials()
    {
        var gtin = Scenario.NewGtin13();
        var (batch, _) = await NewLotAsync(Producer, gtin, "TINH-1");
        var csv = await (await Producer.Client.PostAsJsonAsync($"/api/v1/batches/{batch.Id()}/serials", new { count = 2 })).Content.ReadAsStringAsync();
        var serials = csv.Split("\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(",")[1]).ToList();
        await Producer.AppendAsync(batch.Id(), new { type = "shipping", occurredAt = "2026-11-23T07:00:00+07:00", items = serials });
        var created = await (await Api.Admin().PostAsJsonAsync("/api/v1/producers", new
        {
            name = "HTX Cam Vinh", kind = "cooperative", address = new { commune = "Xã Quỳ Hợp", province = "Nghệ An" },
        })).Json(HttpStatusCode.Created);
        var ngheAn = new Account(created.Id(), created.GetProperty("apiKeyId").GetGuid(), created.GetProperty("apiKey").GetString()!,
            Api.ClientWithKey(created.GetProperty("apiKey").GetString()));
        var (theirs, _) = await NewLotAsync(ngheAn, Scenario.NewGtin13(), "CAM-1");
        await ngheAn.AppendAsync(theirs.Id(), new { type = "packing", occurredAt = "2026-11-23T07:00:00+07:00" });
        var thanhHoa = await Api.CreateAuthorityAsync();
        var national = await Api.CreateAuthorityAsync("national");

        async Task<string> All(HttpClient client)
        {
            var (events, _, document) = await QueryAsync(client, "perPage=500");
            Assert.That(events, Is.Not.Empty);
            return document.ToJsonString();
        }
        var province = await All(thanhHoa.Client);
        Assert.That(province, Does.Contain(serials[0]).And.Contain("TINH-1"), "its province's events, with their items");
        Assert.That(province, Does.Not.Contain("CAM-1"), "not another province's");
        var everyone = await All(national.Client);
        Assert.That(everyone, Does.Contain("CAM-1").And.Contain("TINH-1"));
        Assert.That(everyone, Does.Not.Contain(serials[0]).And.Not.Contain(serials[1]), "the national level reads the registry, not the labels");
    }

    [Test]
    public async Task TheStandardsParameters_Filter_Page_AndScopeToTheCaller()
    {
        var (batch, lot) = await NewLotAsync(Producer, Scenario.NewGtin13(), "LOC-1");
        var other = await Api.CreateProducerAsync("Hợp tác xã khác");
        var (othersBatch, othersLot) = await NewLotAsync(other, Scenario.NewGtin13(), "LOC-2");
        await Producer.AppendAsync(batch.Id(), new { type = "harvesting", occurredAt = "2026-11-10T06:00:00+07:00", location = new { gln = "8935049500018" } });
        await Producer.AppendAsync(batch.Id(), new { type = "packing", occurredAt = "2026-11-11T06:00:00+07:00" });
        await Producer.AppendAsync(batch.Id(), new { type = "shipping", occurredAt = "2026-11-12T06:00:00+07:00", location = new { gln = "8935049500018" } });
        await Producer.AppendAsync(batch.Id(), new { type = "retail_selling", occurredAt = "2026-11-13T06:00:00+07:00" });
        await other.AppendAsync(othersBatch.Id(), new { type = "packing", occurredAt = "2026-11-11T06:00:00+07:00" });
        var both = $"MATCH_anyEPCClass={Uri.EscapeDataString(lot)}|{Uri.EscapeDataString(othersLot)}";
        var anonymous = Api.CreateClient();

        async Task<List<string>> Steps(HttpClient client, string q) =>
            (await QueryAsync(client, q)).Events.Select(e => e!["ocop:step"]?.GetValue<string>() ?? e["type"]!.GetValue<string>()).ToList();

        Assert.That(await Steps(anonymous, both), Is.EquivalentTo(new[] { "harvesting", "packing", "shipping", "retail_selling", "packing" }));
        Assert.That(await Steps(Producer.Client, both), Is.EqualTo(new[] { "harvesting", "packing", "shipping", "retail_selling" }), "a producer's key sees its own");
        Assert.That(await Steps(anonymous, $"{both}&EQ_bizStep=shipping|https://ref.gs1.org/cbv/BizStep-packing"), Is.EquivalentTo(new[] { "packing", "shipping", "packing" }));
        Assert.That(await Steps(anonymous, $"{both}&EQ_disposition=in_transit"), Is.EqualTo(new[] { "shipping" }));
        Assert.That(await Steps(anonymous, $"{both}&GE_eventTime=2026-11-11T00:00:00%2B07:00&LT_eventTime=2026-11-12T06:00:00%2B07:00"), Is.EquivalentTo(new[] { "packing", "packing" }));
        Assert.That(await Steps(anonymous, $"{both}&EQ_readPoint=https://id.gs1.org/414/8935049500018"), Is.EqualTo(new[] { "harvesting", "shipping" }));
        Assert.That(await Steps(anonymous, $"{both}&EQ_bizLocation=urn:epc:id:sgln:893504950001..0"), Is.EqualTo(new[] { "harvesting" }), "the goods stay at the farm, not after shipping");
        Assert.That(await Steps(anonymous, $"{both}&eventType=TransformationEvent"), Is.Empty);
        Assert.That(await Steps(anonymous, $"{both}&GE_recordTime=2099-01-01T00:00:00Z"), Is.Empty);
        // A partner's poll since before they were recorded (read through the record-time index): the same events, same order.
        Assert.That(await Steps(anonymous, $"{both}&GE_recordTime=2020-01-01T00:00:00Z"), Is.EqualTo(await Steps(anonymous, both)));
        Assert.That(await Steps(Producer.Client, $"{both}&GE_recordTime=2020-01-01T00:00:00Z&EQ_bizStep=shipping"), Is.EqualTo(new[] { "shipping" }));

        var (page1, response, _) = await QueryAsync(anonymous, $"{both}&perPage=3");
        Assert.That(page1, Has.Count.EqualTo(3));
        var token = response.Headers.GetValues("GS1-Next-Page-Token").Single();
        Assert.That(response.Headers.GetValues("Link").Single(), Does.Contain($"nextPageToken={token}").And.Contain("rel=\"next\""));
        var (page2, last, _) = await QueryAsync(anonymous, $"{both}&perPage=3&nextPageToken={token}");
        Assert.That(page2, Has.Count.EqualTo(2));
        Assert.That(last.Headers.Contains("GS1-Next-Page-Token"), Is.False);
        Assert.That(page1.Concat(page2).Select(e => e!["eventID"]!.GetValue<string>()).Distinct().Count(), Is.EqualTo(5));
        var (polled1, polledResponse, _) = await QueryAsync(anonymous, $"{both}&perPage=3&GE_recordTime=2020-01-01T00:00:00Z");
        var (polled2, _, _) = await QueryAsync(anonymous,
            $"{both}&perPage=3&GE_recordTime=2020-01-01T00:00:00Z&nextPageToken={polledResponse.Headers.GetValues("GS1-Next-Page-Token").Single()}");
        Assert.That(polled1.Concat(polled2).Select(e => e!["eventID"]!.GetValue<string>()),
            Is.EqualTo(page1.Concat(page2).Select(e => e!["eventID"]!.GetValue<string>())), "a poll pages as the walk does");

        var bad = await (await Producer.Client.GetAsync("/api/v1/epcis/events?EQ_whatever=1&perPage=0&GE_eventTime=hôm-qua")).Json(HttpStatusCode.BadRequest);
        Assert.That(bad.GetProperty("errors").EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "EQ_whatever", "perPage", "GE_eventTime" }));
        var unnamed = await (await anonymous.GetAsync("/api/v1/epcis/events?perPage=500")).Json(HttpStatusCode.BadRequest);
        Assert.That(unnamed.GetProperty("errors").EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "MATCH_anyEPCClass" }),
            "without a key, a query names the lot or item it asks about: nobody enumerates every producer's events");
    }

    [Test]
    public async Task ABatchMadeFromAnother_AnswersWithItsTransformationEvent_ByEitherLot()
    {
        var (honey, honeyLot) = await NewLotAsync(Producer, Scenario.NewGtin13(), "MAT-ONG");
        await Producer.AppendAsync(honey.Id(), new { type = "harvesting", occurredAt = "2026-11-10T06:00:00+07:00" });
        var cakeGtin = Scenario.NewGtin13();
        var cakeProduct = await Producer.CreateProductAsync(cakeGtin, name: "Bánh mật");
        var cake = await (await Producer.Client.PostAsJsonAsync("/api/v1/batches", new
        {
            productId = cakeProduct.Id(), lotNumber = "BANH-1", producedOn = "2026-11-12", parents = new[] { new { batchId = honey.Id(), quantity = 2 } },
        })).Json(HttpStatusCode.Created);
        var cakeLot = $"https://id.gs1.org/01/0{cakeGtin}/10/BANH-1";
        var anonymous = Api.CreateClient();

        var (byInput, _, document) = await QueryAsync(anonymous, $"MATCH_anyEPCClass={Uri.EscapeDataString(honeyLot)}");
        Assert.That(byInput.Select(e => e!["type"]!.GetValue<string>()), Is.EqualTo(new[] { "ObjectEvent", "TransformationEvent" }),
            "the honey's own harvest, then the cake made from it");
        var transformation = byInput[1]!;
        Assert.That(transformation["inputQuantityList"]![0]!["epcClass"]!.GetValue<string>(), Is.EqualTo(honeyLot));
        Assert.That(transformation["outputQuantityList"]![0]!["epcClass"]!.GetValue<string>(), Is.EqualTo(cakeLot));
        var export = await ExportAsync(cake.GetProperty("code").GetString()!);
        Assert.That(transformation["eventID"]!.GetValue<string>(), Is.EqualTo(export["epcisBody"]!["eventList"]![0]!["eventID"]!.GetValue<string>()),
            "the same event as in the batch's export");
        await LinkedData.AssertReadsAsLinkedData(document);

        var cakeOnly = $"MATCH_anyEPCClass={Uri.EscapeDataString(cakeLot)}";
        Assert.That((await QueryAsync(anonymous, $"{cakeOnly}&eventType=TransformationEvent")).Events, Has.Count.EqualTo(1));
        Assert.That((await QueryAsync(anonymous, $"{cakeOnly}&EQ_bizStep=creating_class_instance")).Events, Has.Count.EqualTo(1));
        Assert.That((await QueryAsync(anonymous, $"{cakeOnly}&eventType=ObjectEvent")).Events, Is.Empty);
        Assert.That((await QueryAsync(anonymous, $"{cakeOnly}&GE_eventTime=2026-11-12T00:00:00%2B07:00&LT_eventTime=2026-11-12T00:00:01%2B07:00")).Events,
            Has.Count.EqualTo(1), "made on the 12th, at 00:00 Vietnam time");
        Assert.That((await QueryAsync(anonymous, $"{cakeOnly}&GE_eventTime=2026-11-12T00:00:01%2B07:00")).Events, Is.Empty);
        Assert.That((await QueryAsync(anonymous, $"{cakeOnly}&EQ_bizStep=packing")).Events, Is.Empty);
    }

    private static JsonObject Event(string? lot, string bizStep, string time, string? eventId)
    {
        var e = new JsonObject { ["type"] = "ObjectEvent" };
        if (eventId is not null) e["eventID"] = eventId;
        e["eventTime"] = time;
        e["eventTimeZoneOffset"] = "+07:00";
        e["action"] = "OBSERVE";
        e["bizStep"] = bizStep;
        if (lot is not null) e["quantityList"] = new JsonArray(new JsonObject { ["epcClass"] = lot });
        return e;
    }

    private static JsonObject Document(params JsonObject[] events) => new()
    {
        ["@context"] = new JsonArray("https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"),
        ["type"] = "EPCISDocument",
        ["schemaVersion"] = "2.0",
        ["creationDate"] = "2026-11-29T08:00:00.000Z",
        ["epcisBody"] = new JsonObject { ["eventList"] = new JsonArray(events.Cast<JsonNode>().ToArray()) },
    };
}
