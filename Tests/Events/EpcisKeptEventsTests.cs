using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Events;

/// <summary>The EPCIS repository keeps what partners send: GS1's own example documents of all five event types come
/// back from a query as they were captured, field by field, and read as GS1's tools read them (schema, JSON-LD, SHACL,
/// epcis2.js's event hash). Events about one's own lots feed the batch and its chain; others are kept for their
/// capturer alone.</summary>
public sealed class EpcisKeptEventsTests : ApiTest
{
    private JsonSchema _schema = null!;

    [OneTimeSetUp]
    public async Task LoadSchema() =>
        _schema = JsonSchema.FromText(await File.ReadAllTextAsync(Path.Combine(TestPaths.RepoRoot(), "Tests", "Standards", "epcis-2.0", "EPCIS-JSON-Schema.json")),
            new BuildOptions { SchemaRegistry = new SchemaRegistry() });

    private static IEnumerable<string> Examples() =>
        Directory.GetFiles(Path.Combine(TestPaths.RepoRoot(), "Tests", "Standards", "epcis-2.0", "examples"), "*.jsonld").Order(StringComparer.Ordinal);

    private static StringContent LdJson(JsonNode document) => new(document.ToJsonString(), Encoding.UTF8, "application/ld+json");

    /// <summary>An answer: 200 and an EPCISQueryDocument valid against GS1's schema.</summary>
    private async Task<(JsonArray Events, JsonObject Document, HttpResponseMessage Response)> QueryAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync("/api/v1/epcis/events?" + query);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        var result = _schema.Evaluate(JsonDocument.Parse(body).RootElement, new EvaluationOptions { RequireFormatValidation = true });
        Assert.That(result.IsValid, Is.True, body);
        var document = JsonNode.Parse(body)!.AsObject();
        return (document["epcisBody"]!["queryResults"]!["resultsBody"]!["eventList"]!.AsArray(), document, response);
    }

    /// <summary>A document's prefixes: those GS1's context binds, then the string members of its own context objects.</summary>
    private static Dictionary<string, string> Prefixes(JsonNode document)
    {
        var found = new Dictionary<string, string>
        {
            // What GS1's context binds.
            ["epcis"] = "https://ref.gs1.org/epcis/", ["cbv"] = "https://ref.gs1.org/cbv/", ["cbvmda"] = "urn:epcglobal:cbv:mda:",
            ["gs1"] = "https://gs1.org/voc/", ["rdfs"] = "http://www.w3.org/2000/01/rdf-schema#", ["owl"] = "http://www.w3.org/2002/07/owl#",
            ["xsd"] = "http://www.w3.org/2001/XMLSchema#", ["dcterms"] = "http://purl.org/dc/terms/", ["ocop"] = "ocop:",
        };
        foreach (var c in document["@context"]!.AsArray().OfType<JsonObject>())
            foreach (var (k, v) in c)
                if (v is JsonValue value && value.TryGetValue<string>(out var iri)) found[k] = iri;
        return found;
    }

    /// <summary>The event with each prefixed member name written as the IRI it stands for: what it means whatever its prefixes.</summary>
    private static JsonNode? Expanded(JsonNode? node, IReadOnlyDictionary<string, string> prefixes) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(
            p.Key.IndexOf(':') is > 0 and var colon && prefixes.TryGetValue(p.Key[..colon], out var iri) ? iri + p.Key[(colon + 1)..] : p.Key,
            Expanded(p.Value, prefixes)))),
        JsonArray a => new JsonArray(a.Select(x => Expanded(x, prefixes)).ToArray()),
        _ => node?.DeepClone(),
    };

    [Test]
    public async Task GS1sExamples_OfEveryEventType_ComeBackAsSent_ToTheirCapturerAlone_AndReadAsGS1sToolsReadThem()
    {
        var answers = new List<JsonNode>();
        var outsider = await Api.CreateProducerAsync("Hộ kinh doanh bên ngoài");
        foreach (var file in Examples())
        {
            var sent = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
            var capturer = await Api.CreateProducerAsync();
            var job = await (await capturer.Client.PostAsync("/api/v1/epcis/capture", LdJson(sent))).Json(HttpStatusCode.Accepted);
            var events = sent["epcisBody"]!["eventList"]!.AsArray();
            Assert.That(job.GetProperty("capturedEvents").GetInt32(), Is.EqualTo(events.Count), file);
            Assert.That(job.GetProperty("unattachedEvents").GetInt32(), Is.EqualTo(events.Count), $"{file}: no lot of this registry");

            var (back, document, response) = await QueryAsync(capturer.Client, "perPage=50");
            Assert.That(response.Headers.GetValues("GS1-EPCIS-Version").Single(), Is.EqualTo("2.0.0"));
            Assert.That(back, Has.Count.EqualTo(events.Count), $"{file}: {document}");
            var sentPrefixes = Prefixes(sent);
            var backPrefixes = Prefixes(document);
            foreach (var (e, got) in events.Zip(back))
            {
                var expected = Expanded(e, sentPrefixes)!.AsObject();
                var actual = Expanded(got, backPrefixes)!.AsObject();
                // A recordTime sent with an event is the repository's to set (EPCIS 2.0 §7.4.1): replaced, never kept.
                foreach (var (name, value) in expected.Where(p => p.Key != "recordTime"))
                    Assert.That(JsonNode.DeepEquals(actual[name], value), Is.True, $"{file}: {name} was sent as {value?.ToJsonString()}, came back as {actual[name]?.ToJsonString()}");
                var added = actual.Select(p => p.Key).Except(expected.Select(p => p.Key).Where(k => k != "recordTime")).Order().ToList();
                Assert.That(added, Is.EquivalentTo(e!["eventID"] is null ? new[] { "eventID", "recordTime" } : new[] { backPrefixes["ocop"] + "eventHash", "recordTime" }),
                    $"{file}: only what the repository adds");
                Assert.That(DateTimeOffset.Parse(got!["recordTime"]!.GetValue<string>()), Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(-5)));
            }
            answers.Add(document);

            // By type, by identifier as sent; and no one else sees them, with a key or without.
            var type = events[0]!["type"]!.GetValue<string>();
            var types = events.Select(x => x!["type"]!.GetValue<string>()).ToHashSet();
            Assert.That((await QueryAsync(capturer.Client, $"eventType={type}")).Events.Select(x => x!["type"]!.GetValue<string>()), Has.All.EqualTo(type).And.Not.Empty);
            var otherType = new[] { "ObjectEvent", "AggregationEvent", "TransformationEvent", "AssociationEvent", "TransactionEvent" }.First(t => !types.Contains(t));
            Assert.That((await QueryAsync(capturer.Client, $"eventType={otherType}")).Events, Is.Empty, file);
            var epc = new[] { "epcList", "childEPCs", "inputEPCList" }.Select(n => events[0]![n] is JsonArray { Count: > 0 } list ? list[0] : null)
                .Append(events[0]!["parentID"]).FirstOrDefault(x => x is not null);
            if (epc is not null)
            {
                var match = $"MATCH_anyEPC={Uri.EscapeDataString(epc.GetValue<string>())}";
                Assert.That((await QueryAsync(capturer.Client, match)).Events, Is.Not.Empty, $"{file}: {match}");
                Assert.That((await QueryAsync(outsider.Client, match)).Events, Is.Empty, $"{file}: another producer");
                Assert.That((await QueryAsync(Api.CreateClient(), match)).Events, Is.Empty, $"{file}: the public");
            }
        }
        Assert.That((await QueryAsync(outsider.Client, "perPage=500")).Events, Is.Empty);
        // JSON-LD, GS1's SHACL shapes and epcis2.js's CBV 2.0 event hash (each event's ocop:eventHash, or its eventID
        // when it was sent without one) over every answer.
        await LinkedData.AssertReadsAsLinkedData(answers.ToArray());
    }

    [Test]
    public async Task GS1sExampleWithAMemberGivenTwice_IsRefusedNamingIt_NotAServerError()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(TestPaths.RepoRoot(), "Tests", "Standards", "epcis-2.0", "refused", "AssociationEvent-h.jsonld"));
        var capturer = await Api.CreateProducerAsync();
        var problem = await (await capturer.Client.PostAsync("/api/v1/epcis/capture", new StringContent(text, Encoding.UTF8, "application/ld+json")))
            .Json(HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").GetProperty("epcisBody.eventList[0].eventID")[0].GetString(), Does.Contain("twice"));
        Assert.That((await QueryAsync(capturer.Client, "perPage=10")).Events, Is.Empty, "nothing of the document is kept");
    }

    [Test]
    public async Task ACapturedTransformationEvent_RecordsWhatTheLotWasMadeFrom_SoARecallOfAnInputReachesIt()
    {
        var own = await Producer.CreateBatchAsync((await Producer.CreateProductAsync()).Id(), "CHE-TUOI");
        var supplier = await Api.CreateProducerAsync("Hộ trồng chè Bá Thước");
        var bought = await supplier.CreateBatchAsync((await supplier.CreateProductAsync()).Id(), "CHE-MUA");
        var output = await Producer.CreateBatchAsync((await Producer.CreateProductAsync()).Id(), "CHE-SAO");
        string Page(JsonElement b) => b.GetProperty("publicUrl").GetString()!;
        StringContent Transformation(string input, string made) => LdJson(JsonNode.Parse($$"""
            {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"ocop": "https://example.vn/voc/"}],
             "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-11-26T10:00:00Z",
             "epcisBody": {"eventList": [{"type": "TransformationEvent", "eventTime": "2026-11-26T08:00:00+07:00", "eventTimeZoneOffset": "+07:00",
               "inputQuantityList": [{"epcClass": "{{input}}", "quantity": 12.5, "uom": "KGM"}],
               "outputQuantityList": [{"epcClass": "{{made}}"}], "ocop:step": "processing"}]
             }
            }
            """)!);

        var job = await (await Producer.Client.PostAsync("/api/v1/epcis/capture", Transformation(Page(own), Page(output)))).Json(HttpStatusCode.Accepted);
        Assert.That(job.GetProperty("eventIds").GetArrayLength(), Is.EqualTo(1));
        await (await Producer.Client.PostAsync("/api/v1/epcis/capture", Transformation(Page(bought), Page(output)))).Json(HttpStatusCode.Accepted);
        var lineage = await (await Producer.Client.GetAsync($"/api/v1/batches/{output.Id()}/lineage")).Json(HttpStatusCode.OK);
        Assert.That(lineage.GetProperty("ancestors").EnumerateArray().Select(a => a.GetProperty("code").GetString()),
            Is.EquivalentTo(new[] { own.GetProperty("code").GetString(), bought.GetProperty("code").GetString() }));

        // A cycle is refused, whole.
        await (await Producer.Client.PostAsync("/api/v1/epcis/capture", Transformation(Page(output), Page(own)))).Json(HttpStatusCode.Conflict);

        // The supplier recalls its lot: the lot made from it is recalled with it, and it can no longer be used as an input.
        await (await supplier.Client.PostAsJsonAsync($"/api/v1/batches/{bought.Id()}/recall", new { reason = "Dư lượng thuốc bảo vệ thực vật" })).Json(HttpStatusCode.OK);
        var made = await (await Producer.Client.GetAsync($"/api/v1/batches/{output.Id()}")).Json(HttpStatusCode.OK);
        Assert.That(made.GetProperty("recall").ValueKind, Is.EqualTo(JsonValueKind.Object), made.ToString());
        var another = await Producer.CreateBatchAsync((await Producer.CreateProductAsync()).Id(), "CHE-SAO-2");
        await (await Producer.Client.PostAsync("/api/v1/epcis/capture", Transformation(Page(bought), Page(another)))).Json(HttpStatusCode.Conflict);
    }

    [Test]
    public async Task AnEventOfAnyTypeAboutOnesOwnLot_FeedsTheBatch_AndItsChainCoversTheEventAsSent()
    {
        var gtin = Scenario.NewGtin13();
        var product = await Producer.CreateProductAsync(gtin);
        var batch = await Producer.CreateBatchAsync(product.Id(), "KEPT-1");
        var lot = $"https://id.gs1.org/01/0{gtin}/10/KEPT-1";
        var sent = JsonNode.Parse($$"""
            {
              "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"htx": "https://htx-xuanlap.example.vn/epcis/"}],
              "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-11-24T08:00:00+07:00",
              "epcisBody": { "eventList": [
                { "type": "AggregationEvent", "eventTime": "2026-11-24T07:00:00+07:00", "eventTimeZoneOffset": "+07:00",
                  "eventID": "urn:uuid:5f0c3c5e-2c1d-4a5e-9d1e-0b6f1f3a7c01",
                  "parentID": "urn:epc:id:sscc:8935049.0000000001", "childEPCs": [], "childQuantityList": [{"epcClass": "{{lot}}", "quantity": 24, "uom": "H87"}],
                  "action": "ADD", "bizStep": "packing", "disposition": "in_progress",
                  "htx:thungCarton": "Thùng carton 24 hộp" },
                { "type": "TransactionEvent", "eventTime": "2026-11-24T09:00:00+07:00", "eventTimeZoneOffset": "+07:00",
                  "bizTransactionList": [{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:8935049500018:DH-2026-118"}],
                  "quantityList": [{"epcClass": "{{lot}}", "quantity": 24, "uom": "H87"}],
                  "action": "ADD", "bizStep": "shipping", "disposition": "in_transit",
                  "destinationList": [{"type": "owning_party", "destination": "urn:epc:id:pgln:8935049.50001"}] }
              ] }
            }
            """)!;
        var job = await (await Producer.Client.PostAsync("/api/v1/epcis/capture", LdJson(sent))).Json(HttpStatusCode.Accepted);
        Assert.That(job.GetProperty("unattachedEvents").GetInt32(), Is.EqualTo(0));
        Assert.That(job.GetProperty("eventIds").GetArrayLength(), Is.EqualTo(2));

        // The batch's timeline has both steps, each carrying the hash of the event as sent, and its chain verifies.
        var timeline = (await (await Producer.Client.GetAsync($"/api/v1/batches/{batch.Id()}/events")).Json(HttpStatusCode.OK)).GetProperty("items");
        Assert.That(timeline.EnumerateArray().Select(e => e.GetProperty("type").GetString()), Is.EqualTo(new[] { "packing", "shipping" }));
        var chainHashes = timeline.EnumerateArray().Select(e => e.GetProperty("epcisEventHash").GetString()).ToList();
        Assert.That(chainHashes, Has.All.StartWith("ni:///sha-256;"));
        var verified = await (await Producer.Client.GetAsync($"/api/v1/batches/{batch.Id()}/verification")).Json(HttpStatusCode.OK);
        Assert.That(verified.GetProperty("valid").GetBoolean(), Is.True);

        // The producer reads them back as sent, once each (not also as the batch's own), their hashes those of the chain.
        var (mine, document, _) = await QueryAsync(Producer.Client, $"MATCH_anyEPCClass={Uri.EscapeDataString(lot)}");
        Assert.That(mine.Select(e => e!["type"]!.GetValue<string>()), Is.EqualTo(new[] { "AggregationEvent", "TransactionEvent" }), document.ToJsonString());
        Assert.That(mine[0]!["parentID"]!.GetValue<string>(), Is.EqualTo("urn:epc:id:sscc:8935049.0000000001"));
        Assert.That(mine[0]!["htx:thungCarton"]!.GetValue<string>(), Is.EqualTo("Thùng carton 24 hộp"));
        Assert.That(mine[1]!["bizTransactionList"]![0]!["bizTransaction"]!.GetValue<string>(), Does.EndWith("DH-2026-118"));
        Assert.That(new[] { mine[0]!["ocop:eventHash"]!.GetValue<string>(), mine[1]!["eventID"]!.GetValue<string>() }, Is.EqualTo(chainHashes));
        await LinkedData.AssertReadsAsLinkedData(document);

        // The public reads the lot's story as its page tells it: the steps, not the partner's purchase order.
        var (open, publicDocument, _) = await QueryAsync(Api.CreateClient(), $"MATCH_anyEPCClass={Uri.EscapeDataString(lot)}");
        Assert.That(open, Has.Count.EqualTo(2));
        Assert.That(publicDocument.ToJsonString(), Does.Not.Contain("DH-2026-118"));
        var record = await (await Api.CreateClient().GetAsync($"/api/v1/public/records/{batch.GetProperty("code").GetString()}")).Json(HttpStatusCode.OK);
        Assert.That(record.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("epcisEventHash").GetString()), Is.EqualTo(chainHashes));
        Assert.That(record.GetProperty("verification").GetProperty("valid").GetBoolean(), Is.True);

        // docs/verify-hash-chain.py, which knows nothing of EPCIS, verifies the chain over those hashes; a record whose
        // kept hash was changed fails it.
        Assert.That(await HashChainScript.VerifyAsync(record.GetRawText()), Is.EqualTo(0));
        var forged = JsonNode.Parse(record.GetRawText())!;
        forged["events"]![0]!["epcisEventHash"] = "ni:///sha-256;" + new string('0', 64) + "?ver=CBV2.0";
        Assert.That(await HashChainScript.VerifyAsync(forged.ToJsonString()), Is.Not.EqualTo(0));
    }
}
