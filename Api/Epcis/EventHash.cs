using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Traceability.Api.Epcis;

/// <summary>The CBV 2.0 event hash (the eventID "ni:///sha-256;…?ver=CBV2.0"): SHA-256 of the event's pre-hash string,
/// built as GS1's epcis2.js builds it (hash_generator/EPCISEventToPreHashedString.js, after RalphTro's reference
/// algorithm): the standard fields in canonical order, each "name=value" with no separator; list elements and then
/// user extensions (namespaced as {namespace}name) in case-sensitive lexical order; eventID, recordTime and
/// errorDeclaration left out, so a correction never changes the hash of the event it corrects. Covers the event
/// shapes this API writes (ObjectEvent and TransformationEvent with quantities, read point, certification info,
/// ilmd and extensions); tests compare it with epcis2.js on every document they produce.</summary>
public static partial class EventHash
{
    private static readonly string[] EventOrder =
    [
        "type", "eventTime", "eventTimeZoneOffset", "certificationInfo", "epcList", "parentID", "inputEPCList", "childEPCs",
        "quantityList", "childQuantityList", "inputQuantityList", "outputEPCList", "outputQuantityList", "action",
        "transformationID", "bizStep", "disposition", "persistentDisposition", "readPoint", "bizLocation", "bizTransactionList",
        "sourceList", "destinationList", "sensorElementList", "ilmd",
    ];
    private static readonly string[] QuantityOrder = ["epcClass", "quantity", "uom"];
    private static readonly string[] IdOrder = ["id"];
    private static readonly string[] Ignored = ["recordTime", "eventID", "errorDeclaration", "@context"];
    private static readonly string[] QuantityLists = ["quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"];
    private static readonly string[] EpcLists = ["epcList", "childEPCs", "outputEPCList", "inputEPCList"];

    /// <summary>The namespaces every EPCIS 2.0 document has (epcis2.js's defaults).</summary>
    private static readonly Dictionary<string, string> DefaultPrefixes = new()
    {
        ["epcis"] = "https://ref.gs1.org/epcis/", ["cbv"] = "https://ref.gs1.org/cbv/", ["cbvmda"] = "urn:epcglobal:cbv:mda:",
        ["gs1"] = "https://gs1.org/voc/", ["rdfs"] = "http://www.w3.org/2000/01/rdf-schema#", ["owl"] = "http://www.w3.org/2002/07/owl#",
        ["xsd"] = "http://www.w3.org/2001/XMLSchema#", ["dcterms"] = "http://purl.org/dc/terms/",
    };

    private static readonly HashSet<string> CbvBizSteps =
    [
        "accepting", "arriving", "assembling", "collecting", "commissioning", "consigning", "creating_class_instance", "cycle_counting",
        "decommissioning", "departing", "destroying", "disassembling", "dispensing", "encoding", "entering_exiting", "holding",
        "inspecting", "installing", "killing", "loading", "other", "packing", "picking", "receiving", "removing", "repackaging",
        "repairing", "replacing", "reserving", "retail_selling", "sampling", "sensor_reporting", "shipping", "staging_outbound",
        "stock_taking", "stocking", "storing", "transporting", "unloading", "unpacking", "void_shipping",
    ];

    private static readonly HashSet<string> CbvDispositions =
    [
        "active", "available", "completeness_verified", "completeness_inferred", "conformant", "container_closed", "container_open",
        "damaged", "destroyed", "dispensed", "disposed", "encoded", "expired", "in_progress", "in_transit", "inactive",
        "mismatch_instance", "mismatch_class", "mismatch_quantity", "needs_replacement", "no_pedigree_match", "non_conformant",
        "non_sellable_other", "partially_dispensed", "recalled", "reserved", "retail_sold", "returned", "sellable_accessible",
        "sellable_not_accessible", "stolen", "unavailable", "unknown",
    ];

    /// <param name="prefixes">The document's own namespace prefixes (its embedded context's string entries).</param>
    public static string Of(JsonObject e, IReadOnlyDictionary<string, string> prefixes)
    {
        var context = new Dictionary<string, string>(DefaultPrefixes);
        foreach (var (k, v) in prefixes) context[k] = v;
        var (main, custom) = Ordered(e, context, EventOrder, topLevel: true);
        var preHash = main + Sorted(custom);
        return $"ni:///sha-256;{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(preHash)))}?ver=CBV2.0";
    }

    private static (string Main, List<string> Custom) Ordered(JsonObject o, Dictionary<string, string> context, string[] order, bool topLevel = false)
    {
        var main = new StringBuilder();
        var custom = new List<string>();
        foreach (var name in order)
        {
            if (!o.TryGetPropertyValue(name, out var value) || value is null) continue;
            if (value is JsonArray list)
            {
                var (listMain, listCustom) = List(list, context, name);
                main.Append(listMain);
                custom.AddRange(listCustom);
                continue;
            }
            switch (name)
            {
                case "type": main.Append(Field(topLevel ? "eventType" : "type", value)); break;
                case "readPoint" or "bizLocation":
                    var (inner, innerCustom) = Ordered(value.AsObject(), context, IdOrder);
                    main.Append(name).Append(inner);
                    if (innerCustom.Count > 0) custom.Add(name + Sorted(innerCustom));
                    break;
                case "ilmd": main.Append("ilmd").Append(Children(value.AsObject(), context)); break;
                case "bizStep": main.Append(Field(name, Vocabulary(value, CbvBizSteps, "https://ref.gs1.org/cbv/BizStep-"))); break;
                case "disposition": main.Append(Field(name, Vocabulary(value, CbvDispositions, "https://ref.gs1.org/cbv/Disp-"))); break;
                default: main.Append(Field(name, value)); break;
            }
        }
        foreach (var (name, value) in o)
            if (!order.Contains(name) && !Ignored.Contains(name) && value is not null)
                custom.Add(Custom(name, value, context));
        return (main.ToString(), custom);
    }

    private static (string Main, List<string> Custom) List(JsonArray list, Dictionary<string, string> context, string name)
    {
        if (list.Count == 0) return ("", []);
        var strings = new List<string>();
        var custom = new List<string>();
        if (EpcLists.Contains(name))
            strings.AddRange(list.Select(v => Field("epc", v!)));
        else if (QuantityLists.Contains(name))
            foreach (var element in list)
            {
                var (inner, innerCustom) = Ordered(element!.AsObject(), context, QuantityOrder);
                strings.Add("quantityElement" + inner);
                custom.AddRange(innerCustom.Select(c => "quantityElement" + c));
            }
        else
            // Any other list (certificationInfo, extensions): epcis2.js names it in the main string and puts its
            // elements among the extensions.
            custom.AddRange(list.Select(v => Custom(name, v!, context)));
        return (name + Sorted(strings), custom);
    }

    /// <summary>A user extension: "{namespace}local" for a prefixed name; its children sorted; a list's elements sorted.</summary>
    private static string Custom(string key, JsonNode value, Dictionary<string, string> context)
    {
        if (key == "rdfs:comment") return "";
        var field = key;
        var colon = key.IndexOf(':');
        if (colon > 0)
        {
            // A prefix the document does not declare: epcis2.js (when told not to throw) leaves the field out.
            if (!context.TryGetValue(key[..colon], out var ns)) return "";
            field = "{" + ns + "}" + key[(colon + 1)..];
        }
        else if (key.StartsWith('#')) return "=" + Scalar(value);
        return value switch
        {
            JsonObject o => field + Children(o, context),
            // epcis2.js tells objects from lists by their text ("[object Object]"): a list of exactly one object reads as
            // an object whose one key is "0". Followed here, so that the hashes agree.
            JsonArray a when ReadsAsObject(a) => field + Sorted(a.Select((v, i) => Custom(i.ToString(CultureInfo.InvariantCulture), v!, context))),
            JsonArray a => Sorted(a.Select(v => v is JsonObject child ? field + Children(child, context) : Field(field, v!))),
            _ => Field(field, value),
        };
    }

    private static bool ReadsAsObject(JsonArray a) => a.Count == 1 && a[0] switch
    {
        JsonObject => true,
        JsonArray inner => ReadsAsObject(inner),
        _ => false,
    };

    private static string Children(JsonObject o, Dictionary<string, string> context) =>
        Sorted(o.Where(p => p.Value is not null).Select(p => Custom(p.Key, p.Value!, context)));

    private static string Sorted(IEnumerable<string> strings)
    {
        var list = strings.ToList();
        list.Sort(string.CompareOrdinal);
        return string.Concat(list);
    }

    private static string Vocabulary(JsonNode value, HashSet<string> terms, string ns) =>
        value.GetValueKind() == JsonValueKind.String && terms.Contains(value.GetValue<string>()) ? ns + value.GetValue<string>() : Scalar(value);

    private static string Field(string name, JsonNode value) => value.GetValueKind() == JsonValueKind.String
        ? Field(name, value.GetValue<string>())
        : $"{name}={Scalar(value)}";

    /// <summary>name=text, the text trimmed, a timestamp in UTC with milliseconds, a text of digits without leading or
    /// trailing zeros (epcis2.js's truncateTrailingZeros).</summary>
    private static string Field(string name, string value) => $"{name}={TruncateZeros(Timestamp(value.Trim()))}";

    private static string Scalar(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.String => value.GetValue<string>(),
        JsonValueKind.Number => NumberText(value),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.ToJsonString(),
    };

    /// <summary>A number as JavaScript prints it (shortest round trip): 12.5, 200.</summary>
    private static string NumberText(JsonNode value)
    {
        var d = double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture);
        return d.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>An ISO 8601 date-time with its offset, in UTC to the millisecond (2025-11-19T23:30:00.000Z).</summary>
    private static string Timestamp(string value)
    {
        if (value.Length <= 17 || !DateTimeText().IsMatch(value)) return value;
        var text = value.EndsWith('Z') || OffsetSuffix().IsMatch(value) ? value : value + "Z";
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)
            : value;
    }

    private static string TruncateZeros(string value)
    {
        if (!DigitsAndPoints().IsMatch(value)) return value;
        while (value.StartsWith('0') && value.Length > 2) value = value[1..];
        while (value.EndsWith('0') && value.Contains('.') && value.Length > 3) value = value[..^1];
        return value.EndsWith('.') ? value[..^1] : value;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$")]
    private static partial Regex DateTimeText();

    [GeneratedRegex(@"[+-]\d{2}:\d{2}$")]
    private static partial Regex OffsetSuffix();

    [GeneratedRegex(@"^[\d.]+$")]
    private static partial Regex DigitsAndPoints();
}
