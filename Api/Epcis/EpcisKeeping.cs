using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Epcis;

/// <summary>How a captured event is kept as sent and answered back. Kept: its canonical JSON (the event's members in the
/// order sent, every string NFC-normalised, nothing added or dropped) and the namespaces its extension prefixes stood
/// for in its document. Answered: that JSON with recordTime, its eventID (its CBV 2.0 hash when it was sent without
/// one) and, when the partner named it, its CBV hash as ocop:eventHash; extension prefixes that clash in one answer
/// (two documents' ext1, or a document that redefined one of GS1's own, such as cbvmda) are renamed, with their
/// namespaces unchanged, so each member still reads as the IRI it was sent as.</summary>
public static class EpcisKeeping
{
    /// <summary>Prefixes an answer's context defines itself (GS1's context, which protects them, and the project's own).</summary>
    private static readonly HashSet<string> Reserved = ["epcis", "cbv", "cbvmda", "gs1", "rdfs", "owl", "xsd", "dcterms", "ocop", "type", "id"];

    /// <summary>What GS1's context binds its prefixes to: a document that binds one the same way needs no renaming.</summary>
    private static readonly Dictionary<string, string> Standard = new()
    {
        ["epcis"] = "https://ref.gs1.org/epcis/", ["cbv"] = "https://ref.gs1.org/cbv/", ["cbvmda"] = "urn:epcglobal:cbv:mda:",
        ["gs1"] = "https://gs1.org/voc/", ["rdfs"] = "http://www.w3.org/2000/01/rdf-schema#", ["owl"] = "http://www.w3.org/2002/07/owl#",
        ["xsd"] = "http://www.w3.org/2001/XMLSchema#", ["dcterms"] = "http://purl.org/dc/terms/",
    };

    /// <summary>Whether an answer's context defines the prefix itself (GS1's protected terms, the project's own).</summary>
    public static bool IsReserved(string prefix) => Reserved.Contains(prefix);

    /// <summary>The document's own namespace prefixes: the string members of its embedded context objects.</summary>
    public static Dictionary<string, string> Prefixes(JsonElement document)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!document.TryGetProperty("@context", out var context)) return found;
        foreach (var c in context.ValueKind == JsonValueKind.Array ? context.EnumerateArray().ToList() : [context])
            if (c.ValueKind == JsonValueKind.Object)
                foreach (var p in c.EnumerateObject())
                    if (p.Value.ValueKind == JsonValueKind.String && !p.Name.StartsWith('@')) found[p.Name] = p.Value.GetString()!;
        return found;
    }

    /// <summary>The event as kept: its members as sent, strings NFC-normalised; null when an object names a member twice
    /// (JSON leaves its meaning undefined, so it cannot be kept as sent), with that member's path.</summary>
    public static JsonObject? Canonical(JsonElement e, out string? duplicate)
    {
        string? twice = null;
        var node = Normalized(e, "");
        duplicate = twice;
        return twice is null ? (JsonObject)node! : null;

        JsonNode? Normalized(JsonElement x, string path)
        {
            switch (x.ValueKind)
            {
                case JsonValueKind.Object:
                    var o = new JsonObject();
                    foreach (var p in x.EnumerateObject())
                    {
                        var name = Nfc(p.Name);
                        if (o.ContainsKey(name)) twice ??= path + (path.Length > 0 ? "." : "") + name;
                        else o[name] = Normalized(p.Value, path + (path.Length > 0 ? "." : "") + name);
                    }
                    return o;
                case JsonValueKind.Array:
                    return new JsonArray(x.EnumerateArray().Select((v, i) => Normalized(v, $"{path}[{i}]")).ToArray());
                case JsonValueKind.String:
                    return JsonValue.Create(Nfc(x.GetString()!));
                default:
                    return JsonNode.Parse(x.GetRawText());
            }
        }
    }

    private static string Nfc(string s) => s.IsNormalized(NormalizationForm.FormC) ? s : s.Normalize(NormalizationForm.FormC);

    /// <summary>The namespaces of the prefixes the event's member names use.</summary>
    public static Dictionary<string, string> Used(JsonObject e, IReadOnlyDictionary<string, string> prefixes)
    {
        var used = new Dictionary<string, string>(StringComparer.Ordinal);
        Walk(e);
        return used;

        void Walk(JsonNode? node)
        {
            if (node is JsonObject o)
                foreach (var (name, value) in o)
                {
                    if (name.IndexOf(':') is > 0 and var colon && prefixes.TryGetValue(name[..colon], out var iri)) used[name[..colon]] = iri;
                    Walk(value);
                }
            else if (node is JsonArray a)
                foreach (var item in a) Walk(item);
        }
    }

    /// <summary>One answer's events and the namespaces they need.</summary>
    public sealed class Answer
    {
        private readonly Dictionary<string, string> _namespaces = new(StringComparer.Ordinal);

        /// <summary>The namespaces the answer's kept events use, for its @context; null when none.</summary>
        public JsonObject? Context => _namespaces.Count == 0 ? null
            : new JsonObject(_namespaces.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));

        /// <summary>A kept event as the query answers it.</summary>
        public JsonObject Render(EpcisEventRepository.Kept kept)
        {
            var node = (JsonObject)JsonNode.Parse(kept.Body)!;
            var sent = kept.Namespaces is { } text ? JsonSerializer.Deserialize<Dictionary<string, string>>(text)! : [];
            var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (prefix, iri) in sent)
            {
                if (Standard.GetValueOrDefault(prefix) == iri) continue;
                var name = prefix;
                for (var n = 2; Reserved.Contains(name) || (_namespaces.TryGetValue(name, out var taken) && taken != iri); n++) name = $"{prefix}{n}";
                _namespaces[name] = iri;
                if (name != prefix) renamed[prefix] = name;
            }
            if (renamed.Count > 0) node = (JsonObject)Rename(node, renamed)!;
            node["recordTime"] = Domain.Events.HashChain.FormatRecordedAt(kept.RecordTime);
            node["eventID"] = kept.EventUri ?? kept.EventHash;
            if (kept.EventUri is not null) node["ocop:eventHash"] = kept.EventHash;
            return node;
        }

        private static JsonNode? Rename(JsonNode? node, IReadOnlyDictionary<string, string> renamed) => node switch
        {
            JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(
                p.Key.IndexOf(':') is > 0 and var colon && renamed.TryGetValue(p.Key[..colon], out var to) ? to + p.Key[colon..] : p.Key,
                Rename(p.Value, renamed)))),
            JsonArray a => new JsonArray(a.Select(x => Rename(x, renamed)).ToArray()),
            _ => node?.DeepClone(),
        };
    }
}
