using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using NUnit.Framework;
using Traceability.Api.Epcis;
using Traceability.Tests.Support;

namespace Traceability.Tests.Events;

/// <summary>The capture's fast schema check gives GS1's EPCIS 2.0 schema the same verdict as an independent
/// implementation (JsonSchema.Net, a general draft-07 evaluator) on GS1's examples, on documents with every event type,
/// on thousands of broken copies of them, and on the edge cases of the two formats the schema names.</summary>
public sealed class CompiledSchemaTests
{
    private static readonly string Folder = Path.Combine(TestPaths.RepoRoot(), "Tests", "Standards", "epcis-2.0");
    private JsonSchema _reference = null!;
    private CompiledSchema _compiled = null!;

    [OneTimeSetUp]
    public void Load()
    {
        var text = File.ReadAllText(Path.Combine(Folder, "EPCIS-JSON-Schema.json"));
        _reference = JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        _compiled = CompiledSchema.Compile(JsonDocument.Parse(text).RootElement);
    }

    private bool Reference(JsonNode document) =>
        _reference.Evaluate(JsonDocument.Parse(document.ToJsonString()).RootElement,
            new EvaluationOptions { OutputFormat = OutputFormat.Flag, RequireFormatValidation = true }).IsValid;

    private bool Compiled(JsonNode document) => _compiled.IsValid(JsonDocument.Parse(document.ToJsonString()).RootElement);

    private static JsonNode Example(string name) => JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, name)))!;

    /// <summary>A document with one event of each kind and most of the optional fields GS1's schema describes.</summary>
    private static JsonNode EveryKind() => JsonNode.Parse("""
        {
          "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"ocop": "https://ocop.example.vn/voc/"}],
          "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-11-28T08:00:00.000Z",
          "epcisHeader": {"epcisMasterData": {"vocabularyList": [{"type": "urn:epcglobal:epcis:vtype:BusinessLocation",
            "vocabularyElementList": [{"id": "urn:epc:id:sgln:8935049.50001.0", "attributes": [{"id": "urn:epcglobal:cbv:mda:name", "attribute": "Kho"}]}]}]}},
          "epcisBody": {"eventList": [
            {"type": "ObjectEvent", "eventTime": "2026-11-28T07:30:00.000+07:00", "eventTimeZoneOffset": "+07:00", "action": "ADD",
             "eventID": "ni:///sha-256;abc?ver=CBV2.0", "recordTime": "2026-11-28T00:31:00Z",
             "epcList": ["https://id.gs1.org/01/08935049500018/21/A1"], "bizStep": "commissioning", "disposition": "active",
             "persistentDisposition": {"set": ["completeness_verified"], "unset": ["needs_replacement"]},
             "quantityList": [{"epcClass": "https://id.gs1.org/01/08935049500018/10/L1", "quantity": 12.5, "uom": "KGM"}],
             "readPoint": {"id": "geo:19.93,105.48"}, "bizLocation": {"id": "urn:epc:id:sgln:8935049.50001.0"},
             "bizTransactionList": [{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:8935049500018:1"}],
             "sourceList": [{"type": "owning_party", "source": "urn:epc:id:pgln:8935049.50001"}],
             "destinationList": [{"type": "location", "destination": "urn:epc:id:sgln:8935049.50002.0"}],
             "ilmd": {"ocop:producedOn": "2026-11-01"},
             "sensorElementList": [{"sensorMetadata": {"time": "2026-11-28T07:00:00Z", "deviceID": "urn:epc:id:giai:4000001.111"},
               "sensorReport": [{"type": "Temperature", "value": 26.5, "uom": "CEL", "component": "x"}]}],
             "certificationInfo": "https://example.vn/cert/1",
             "ocop:note": "Ghi chú", "ocop:attributes": {"nhiệtĐộ": "26°C"}},
            {"type": "AggregationEvent", "eventTime": "2026-11-28T08:00:00Z", "eventTimeZoneOffset": "+00:00", "action": "ADD",
             "parentID": "urn:epc:id:sscc:8935049.0000000001", "childEPCs": ["urn:epc:id:sgtin:8935049.050001.1"],
             "childQuantityList": [{"epcClass": "urn:epc:class:lgtin:8935049.050001.L1", "quantity": 2}], "bizStep": "packing"},
            {"type": "TransactionEvent", "eventTime": "2026-11-28T09:00:00Z", "eventTimeZoneOffset": "+00:00", "action": "OBSERVE",
             "bizTransactionList": [{"type": "inv", "bizTransaction": "urn:epcglobal:cbv:bt:8935049500018:2"}],
             "epcList": ["urn:epc:id:sgtin:8935049.050001.1"], "parentID": "urn:epc:id:sscc:8935049.0000000001"},
            {"type": "TransformationEvent", "eventTime": "2026-11-28T10:00:00Z", "eventTimeZoneOffset": "+00:00",
             "inputQuantityList": [{"epcClass": "https://id.gs1.org/01/08935049500018/10/L1", "quantity": 10, "uom": "KGM"}],
             "outputQuantityList": [{"epcClass": "https://id.gs1.org/01/08935049500025/10/L2"}],
             "inputEPCList": ["urn:epc:id:sgtin:8935049.050001.2"], "outputEPCList": ["urn:epc:id:sgtin:8935049.050002.1"],
             "transformationID": "urn:epc:id:gdti:8935049.00001.1", "bizStep": "https://ocop.example.vn/voc/drying",
             "errorDeclaration": {"declarationTime": "2026-11-29T00:00:00Z", "reason": "incorrect_data", "correctiveEventIDs": ["ni:///sha-256;def?ver=CBV2.0"]}},
            {"type": "AssociationEvent", "eventTime": "2026-11-28T11:00:00Z", "eventTimeZoneOffset": "+00:00", "action": "ADD",
             "parentID": "urn:epc:id:giai:4000001.222", "childEPCs": ["urn:epc:id:giai:4000001.333"]},
            {"type": "https://ocop.example.vn/voc/TastingEvent", "eventTime": "2026-11-28T12:00:00Z", "eventTimeZoneOffset": "+00:00"}
          ]}
        }
        """)!;

    /// <summary>An EPCISQueryDocument, as the query endpoint answers.</summary>
    private static JsonNode Query() => JsonNode.Parse("""
        {
          "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
          "type": "EPCISQueryDocument", "schemaVersion": "2.0", "creationDate": "2026-11-28T08:00:00Z",
          "epcisBody": {"queryResults": {"queryName": "SimpleEventQuery", "resultsBody": {"eventList": [
            {"type": "ObjectEvent", "eventTime": "2026-11-28T07:30:00+07:00", "eventTimeZoneOffset": "+07:00", "action": "OBSERVE",
             "quantityList": [{"epcClass": "https://ocop.example.vn/p/ABC"}], "bizStep": "storing"}]}}}
        }
        """)!;

    private static IEnumerable<(string Name, JsonNode Document)> Documents() =>
    [
        ("Example-ObjectEvent", Example("Example-ObjectEvent.jsonld")),
        ("Example-TransformationEvent-DigitalLink", Example("Example-TransformationEvent-DigitalLink.jsonld")),
        ("every kind of event", EveryKind()),
        ("query document", Query()),
    ];

    [Test]
    public void ValidDocuments_AreValidToBoth()
    {
        foreach (var (name, document) in Documents())
        {
            Assert.That(Reference(document), Is.True, $"{name}: JsonSchema.Net");
            Assert.That(Compiled(document), Is.True, $"{name}: compiled");
        }
    }

    /// <summary>Values a broken document puts where something else belongs.</summary>
    private static readonly JsonNode?[] Replacements =
    [
        null, true, 0, 1.5, -3, "", "x", "not a uri", "ex:thing", "urn:epcglobal:cbv:bizstep:shipping", "https://ns.gs1.org/cbv/BizStep-shipping",
        "OBSERVE", "shipping", "2026-13-01T00:00:00Z", "2026-11-28T07:30:00+07:00", "+07:00", "+15:00", "KGM", "kg",
        "https://gs1.org/voc/x", "AB12", new JsonObject(), new JsonArray(), new JsonArray("a", "a"), new JsonArray("urn:a", "urn:b"),
        new JsonObject { ["id"] = "urn:x" }, new JsonObject { ["epcClass"] = "urn:x", ["extra"] = 1 },
    ];

    [Test]
    public void BrokenCopies_GetTheSameVerdictFromBoth()
    {
        var compared = 0;
        var disagreements = new List<string>();
        foreach (var (name, original) in Documents())
        {
            foreach (var (path, mutate) in Mutations(original))
            {
                var copy = original.DeepClone();
                mutate(copy);
                var expected = Reference(copy);
                if (Compiled(copy) != expected) disagreements.Add($"{name} {path}: JsonSchema.Net says {(expected ? "valid" : "invalid")}");
                compared++;
            }
        }
        Assert.That(disagreements, Is.Empty, $"{disagreements.Count} of {compared}:\n" + string.Join("\n", disagreements.Take(40)));
        Assert.That(compared, Is.GreaterThan(3000));
    }

    /// <summary>Every way of breaking a document at each place in it: each value replaced by each of
    /// <see cref="Replacements"/>, each member removed, an unknown member (plain and prefixed) added to each object, each
    /// array emptied and given a duplicate.</summary>
    private static IEnumerable<(string Path, Action<JsonNode> Mutate)> Mutations(JsonNode document)
    {
        foreach (var path in Paths(document, ""))
        {
            var at = path;
            foreach (var replacement in Replacements)
                yield return ($"{at} = {replacement?.ToJsonString() ?? "null"}", d => Replace(d, at, replacement?.DeepClone()));
            yield return ($"{at} removed", d => Remove(d, at));
            var node = Find(document, at);
            if (node is JsonObject)
            {
                yield return ($"{at} + unknown", d => ((JsonObject)Find(d, at)!)["unknownField"] = 1);
                yield return ($"{at} + prefixed", d => ((JsonObject)Find(d, at)!)["ocop:extra"] = "x");
            }
            if (node is JsonArray { Count: > 0 } array)
            {
                yield return ($"{at} emptied", d => ((JsonArray)Find(d, at)!).Clear());
                var first = array[0]?.DeepClone();
                yield return ($"{at} + duplicate", d => ((JsonArray)Find(d, at)!).Add(first?.DeepClone()));
            }
        }
    }

    private static IEnumerable<string> Paths(JsonNode? node, string path)
    {
        if (path != "") yield return path;
        if (node is JsonObject o)
            foreach (var (key, value) in o.ToList())
                foreach (var p in Paths(value, path + "/" + key)) yield return p;
        if (node is JsonArray a)
            for (var i = 0; i < a.Count; i++)
                foreach (var p in Paths(a[i], path + "/" + i)) yield return p;
    }

    private static JsonNode? Find(JsonNode root, string path)
    {
        var node = root;
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
            node = node is JsonArray a ? a[int.Parse(part)] : node![part];
        return node;
    }

    private static (JsonNode Parent, string Key) Parent(JsonNode root, string path)
    {
        var cut = path.LastIndexOf('/');
        return (Find(root, path[..cut])!, path[(cut + 1)..]);
    }

    private static void Replace(JsonNode root, string path, JsonNode? value)
    {
        var (parent, key) = Parent(root, path);
        if (parent is JsonArray a) a[int.Parse(key)] = value;
        else parent[key] = value;
    }

    private static void Remove(JsonNode root, string path)
    {
        var (parent, key) = Parent(root, path);
        if (parent is JsonArray a) a.RemoveAt(int.Parse(key));
        else ((JsonObject)parent).Remove(key);
    }

    private static readonly string[] DateTimes =
    [
        "2026-11-28T07:30:00Z", "2026-11-28T07:30:00.123456789+07:00", "2026-11-28t07:30:00z", "2026-11-28 07:30:00Z", "2026-11-28\t07:30:00Z",
        "2026-11-28T07:30:00", "2026-11-28T07:30Z", "2026-11-28T07:30:00.Z", "2026-11-28T24:00:00Z", "2026-11-28T23:60:00Z",
        "2024-02-29T00:00:00Z", "2025-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-00-10T00:00:00Z", "2026-11-00T00:00:00Z",
        "2026-12-31T23:59:60Z", "2026-12-31T23:59:60+01:00", "2027-01-01T00:59:60+01:00", "2026-12-31T18:59:60-05:00",
        "2026-11-28T07:30:00+24:00", "2026-11-28T07:30:00+07:60", "2026-11-28T07:30:00+0700", "2026-11-28T07:30:00+7:00",
        "26-11-28T07:30:00Z", "+2026-11-28T07:30:00Z", "２０２６-11-28T07:30:00Z", "2026-11-28T07:30:00Z ", " 2026-11-28T07:30:00Z",
        "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "2026-11-28T07:30:00.1234567890123+07:00",
    ];

    private static readonly string[] Uris =
    [
        "urn:epc:id:sgtin:0614141.107346.2017", "https://id.gs1.org/01/09521141012345/21/1", "geo:19.93,105.48", "mailto:a@b.vn",
        "ex:thing", "urn:x", "a:", "x:y z", "foo", ":foo", "1http://x", "-a:b", "a+b.c-d:e", "http://x/%zz", "http://x/%41", "http://x/%4",
        "http://[::1]/", "http://[::1/", "http://x/ü", "http://xn--h-sfa.vn/", "http://x/{a}", "http://x/|", "http://x/^", "http://x/`",
        "http://x/\"", "http://x/<", "http://x\\y", "file:///etc/passwd", "http://u[@x/", "http://x:99999/", "http://x:80/", "http://",
        "https:", "urn:", "http:///x", "http://x/#a#b", "http://x/?a=[1]", "HTTP://X/", "tel:+84-237-3000", "ni:///sha-256;abc?ver=CBV2.0",
        "http://x/a b", "http://x/\t", "https://ocop.example.vn/p/ABC", "ocop:location", "nhiệtĐộ", "ocop:nhiệtĐộ",
    ];

    [Test]
    public void DateTimeEdges_GetTheSameVerdictFromBoth()
    {
        var disagreements = new List<string>();
        foreach (var value in DateTimes)
        {
            var document = Query();
            document["epcisBody"]!["queryResults"]!["resultsBody"]!["eventList"]![0]!["eventTime"] = value;
            if (Compiled(document) != Reference(document)) disagreements.Add($"{value}: JsonSchema.Net says {(Reference(document) ? "valid" : "invalid")}");
        }
        Assert.That(disagreements, Is.Empty, string.Join("\n", disagreements));
    }

    [Test]
    public void UriEdges_GetTheSameVerdictFromBoth()
    {
        var disagreements = new List<string>();
        foreach (var value in Uris)
            foreach (var place in new[] { "value", "name" })
            {
                var document = Query();
                var e = document["epcisBody"]!["queryResults"]!["resultsBody"]!["eventList"]![0]!;
                if (place == "value") e["readPoint"] = new JsonObject { ["id"] = value };
                else e[value] = "x";
                if (Compiled(document) != Reference(document))
                    disagreements.Add($"{value} as a {place}: JsonSchema.Net says {(Reference(document) ? "valid" : "invalid")}");
            }
        Assert.That(disagreements, Is.Empty, string.Join("\n", disagreements));
    }

    private static JsonNode WithContext(string second)
    {
        var document = Query();
        document["@context"] = JsonNode.Parse($$"""["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"a": 1, "b": [1, 2]}, {{second}}]""");
        return document;
    }

    [Test]
    public void UniqueItems_ComparesObjectsWhateverTheirMembersOrder()
    {
        foreach (var (second, unique) in new[] { ("""{"b": [1, 2], "a": 1}""", false), ("""{"b": [2, 1], "a": 1}""", true), ("""{"a": 1, "b": [1, 2], "c": null}""", true) })
        {
            Assert.That(Reference(WithContext(second)), Is.EqualTo(unique), $"JsonSchema.Net on {second}");
            Assert.That(Compiled(WithContext(second)), Is.EqualTo(unique), $"compiled on {second}");
        }
    }

    /// <summary>Numbers are equal by value at any depth (JSON Schema draft-07 §4.2.2; ajv agrees). JsonSchema.Net 8.0.5
    /// compares numbers inside objects and arrays by their text, so it calls these two unique; the compiled check
    /// follows the specification.</summary>
    [Test]
    public void UniqueItems_ComparesNestedNumbersByValue() =>
        Assert.That(Compiled(WithContext("""{"b": [1, 2.0], "a": 1.0}""")), Is.False);

    /// <summary>A hostile document (capture takes up to 16 MiB) with an @context of 200,000 objects: judged by hashing,
    /// not by comparing every pair (which would not finish).</summary>
    [Test]
    public void AHugeContextOfObjects_IsJudged()
    {
        var context = new JsonArray("https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld");
        for (var i = 0; i < 200_000; i++) context.Add(new JsonObject { ["n"] = i });
        var document = Query();
        document["@context"] = context;
        Assert.That(Compiled(document), Is.True, "200,000 distinct objects");
        context.Add(new JsonObject { ["n"] = 199_999.0 });
        Assert.That(Compiled(document), Is.False, "the last one again, written as 199999.0");
    }

    [Test]
    public void ASchemaWithAKeywordItDoesNotKnow_DoesNotCompile()
    {
        var schema = JsonDocument.Parse("""{"type": "object", "properties": {"a": {"type": "string", "maxLength": 3}}}""").RootElement;
        var error = Assert.Throws<NotSupportedException>(() => CompiledSchema.Compile(schema))!;
        Assert.That(error.Message, Does.Contain("maxLength").And.Contain("#/properties/a/maxLength"));
    }
}
