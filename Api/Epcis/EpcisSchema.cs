using System.Text.Json;
using Json.Schema;

namespace Traceability.Api.Epcis;

/// <summary>GS1's EPCIS 2.0 JSON Schema (embedded, unmodified): what a captured document must be before anything in it
/// is read. The verdict comes from the schema compiled once (<see cref="CompiledSchema"/>, a few µs an event); the
/// details of a refusal from JsonSchema.Net, a general evaluator (~100 µs an event), which only a refused document pays.</summary>
public static class EpcisSchema
{
    private static string Text()
    {
        using var stream = typeof(EpcisSchema).Assembly.GetManifestResourceStream("epcis-json-schema.json")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static readonly Lazy<CompiledSchema> Compiled = new(() => CompiledSchema.Compile(JsonDocument.Parse(Text()).RootElement));

    // A registry of its own: the global one would clash with anything else in the process that loads GS1's schema.
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(Text(), new BuildOptions { SchemaRegistry = new SchemaRegistry() }));

    /// <summary>Refused events whose details are worked out: a general evaluator costs ~100 µs and tens of KB an event,
    /// so a thousand broken events would cost what the document does not deserve. The first ones say what is wrong.</summary>
    public const int DetailedEvents = 5;

    /// <summary>The schema's complaints, each as (where in the document, what is wrong); empty when the document is valid.
    /// At most <paramref name="max"/>, about the document's header or its first <see cref="DetailedEvents"/> refused
    /// events, with their places in the document as sent.</summary>
    public static IReadOnlyList<(string Path, string Message)> Problems(JsonElement document, int max = 20)
    {
        if (Compiled.Value.IsValid(document)) return [];
        var (reduced, indexes) = Reduce(document);
        var result = Schema.Value.Evaluate(reduced.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        // The compiled check follows the specification where JsonSchema.Net does not (numbers inside uniqueItems'
        // objects are equal by value): a refusal without its details.
        if (result.IsValid) return [("body", "The document does not meet GS1's EPCIS 2.0 JSON Schema.")];
        var problems = new List<(string, string)>();
        foreach (var detail in result.Details ?? [])
        {
            if (detail.Errors is not { Count: > 0 } errors) continue;
            var path = Field(detail.InstanceLocation.ToString(), indexes);
            foreach (var (keyword, message) in errors)
            {
                // if/then and allOf restate their branches' failures; the branches say what is actually wrong.
                if (keyword is "if" or "then" or "allOf" or "anyOf" or "oneOf" or "$ref") continue;
                problems.Add((path, message));
                if (problems.Count >= max) return problems;
            }
        }
        return problems.Count > 0 ? problems : [("body", "The document does not meet GS1's EPCIS 2.0 JSON Schema.")];
    }

    /// <summary>The document with its events cut to the first <see cref="DetailedEvents"/> that the compiled schema refuses
    /// on their own (all of them, when none does: the fault is in the header), and the index each kept event had.</summary>
    private static (JsonDocument Document, IReadOnlyList<int> Indexes) Reduce(JsonElement document)
    {
        if (!document.TryGetProperty("epcisBody", out var body) || body.ValueKind != JsonValueKind.Object
            || !body.TryGetProperty("eventList", out var list) || list.ValueKind != JsonValueKind.Array)
            return (JsonDocument.Parse(document.GetRawText()), []);
        var header = System.Text.Json.Nodes.JsonObject.Create(document.Clone())!;
        System.Text.Json.Nodes.JsonObject With(IEnumerable<JsonElement> events)
        {
            var copy = header.DeepClone().AsObject();
            copy["epcisBody"]!["eventList"] = new System.Text.Json.Nodes.JsonArray(events.Select(e => System.Text.Json.Nodes.JsonNode.Parse(e.GetRawText())).ToArray());
            return copy;
        }
        ((System.Text.Json.Nodes.JsonObject)header["epcisBody"]!)["eventList"] = new System.Text.Json.Nodes.JsonArray();
        var refused = new List<int>();
        var index = 0;
        foreach (var e in list.EnumerateArray())
        {
            using var single = JsonDocument.Parse(With([e]).ToJsonString());
            if (!Compiled.Value.IsValid(single.RootElement) && refused.Count < DetailedEvents) refused.Add(index);
            index++;
            if (refused.Count >= DetailedEvents) break;
        }
        if (refused.Count == 0) return (JsonDocument.Parse(With([]).ToJsonString()), []);
        var events = list.EnumerateArray().ToList();
        return (JsonDocument.Parse(With(refused.Select(i => events[i])).ToJsonString()), refused);
    }

    /// <summary>A pointer into the reduced document, as a field of the document as sent.</summary>
    private static string Field(string pointer, IReadOnlyList<int> indexes)
    {
        var parts = pointer.TrimStart('#').Trim('/').Split('/');
        if (indexes.Count > 0 && parts is ["epcisBody", "eventList", var i, ..] && int.TryParse(i, out var k) && k < indexes.Count)
            parts[2] = indexes[k].ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Field("/" + string.Join('/', parts));
    }

    /// <summary>"/epcisBody/eventList/3/action" → "epcisBody.eventList[3].action".</summary>
    public static string Field(string pointer)
    {
        if (pointer is "" or "/" or "#") return "body";
        var parts = pointer.TrimStart('#').Trim('/').Split('/').Select(p => p.Replace("~1", "/").Replace("~0", "~"));
        var field = new System.Text.StringBuilder();
        foreach (var part in parts)
            if (int.TryParse(part, out var index)) field.Append('[').Append(index).Append(']');
            else field.Append(field.Length > 0 ? "." : "").Append(part);
        return field.ToString();
    }
}
