using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Traceability.Api.Epcis;

/// <summary>The CBV 2.0 event hash (the eventID "ni:///sha-256;…?ver=CBV2.0"): SHA-256 of the event's pre-hash string,
/// built as GS1's epcis2.js builds it (src/hash_generator/EPCISEventToPreHashedString.js, v2.7.3, after RalphTro's
/// reference algorithm), for every event type and field: the standard fields in canonical order, each "name=value"
/// with no separator; lists' elements in case-sensitive lexical order; typed lists (quantities, business transactions,
/// sources, destinations, sensor elements and reports, persistent disposition) by their own canonical orders; CBV
/// short names written as their URIs; EPC URNs and Digital Links on any host as canonical Digital Links
/// (<see cref="DigitalLinkNormalizer"/>); timestamps in UTC to the millisecond; user extensions (namespaced as
/// {namespace}name) after the standard fields, sorted; eventID, recordTime and errorDeclaration left out, so a
/// correction never changes the hash of the event it corrects. Where epcis2.js fails (an empty list), the reference
/// algorithm's rule is followed: an empty list is left out. Tests compare it with epcis2.js on GS1's own examples of
/// every event type and on every document the API writes.</summary>
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
    private static readonly string[] BizTransactionOrder = ["type", "bizTransaction"];
    private static readonly string[] SourceOrder = ["type", "source"];
    private static readonly string[] DestinationOrder = ["type", "destination"];
    private static readonly string[] SensorElementOrder = ["sensorMetadata", "sensorReport"];
    private static readonly string[] SensorMetadataOrder = ["time", "startTime", "endTime", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod", "bizRules"];
    private static readonly string[] SensorReportOrder =
    [
        "type", "exception", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod", "time", "microorganism", "chemicalSubstance",
        "value", "component", "stringValue", "booleanValue", "hexBinaryValue", "uriValue", "minValue", "maxValue", "meanValue", "sDev",
        "percRank", "percValue", "uom", "coordinateReferenceSystem",
    ];
    private static readonly string[] PersistentDispositionOrder = ["set", "unset"];
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

    // CBV 2.0's short names (epcis2.js src/cbv/cbv.js), written as their URIs in the pre-hash string.
    private static readonly HashSet<string> BizSteps =
    [
        "accepting", "arriving", "assembling", "collecting", "commissioning", "consigning", "creating_class_instance", "cycle_counting",
        "decommissioning", "departing", "destroying", "disassembling", "dispensing", "encoding", "entering_exiting", "holding",
        "inspecting", "installing", "killing", "loading", "other", "packing", "picking", "receiving", "removing", "repackaging",
        "repairing", "replacing", "reserving", "retail_selling", "sampling", "sensor_reporting", "shipping", "staging_outbound",
        "stock_taking", "stocking", "storing", "transporting", "unloading", "unpacking", "void_shipping",
    ];

    private static readonly HashSet<string> Dispositions =
    [
        "active", "available", "completeness_inferred", "completeness_verified", "conformant", "container_closed", "container_open",
        "damaged", "destroyed", "dispensed", "disposed", "encoded", "expired", "in_progress", "in_transit", "inactive",
        "mismatch_instance", "mismatch_class", "mismatch_quantity", "needs_replacement", "no_pedigree_match", "non_conformant",
        "non_sellable_other", "partially_dispensed", "recalled", "reserved", "retail_sold", "returned", "sellable_accessible",
        "sellable_not_accessible", "stolen", "unavailable", "unknown",
    ];

    private static readonly HashSet<string> BusinessTransactionTypes = ["bol", "cert", "desadv", "inv", "pedigree", "po", "poc", "prodorder", "recadv", "rma", "testprd", "testres", "upevt"];
    private static readonly HashSet<string> SourceDestinationTypes = ["owning_party", "possessing_party", "location"];
    private static readonly HashSet<string> AlarmTypes = ["ALARM_CONDITION", "ERROR_CONDITION"];

    private static readonly HashSet<string> Components =
        ["x", "y", "z", "axial_distance", "azimuth", "height", "spherical_radius", "polar_angle", "elevation_angle", "easting", "northing", "latitude", "longitude", "altitude"];

    private static readonly HashSet<string> MeasurementTypes =
    [
        "AbsoluteHumidity", "AbsorbedDose", "AbsorbedDoseRate", "Acceleration", "Altitude", "AmountOfSubstance", "AmountOfSubstancePerUnitVolume",
        "Angle", "AngularAcceleration", "AngularMomentum", "AngularVelocity", "Area", "Capacitance", "Conductance", "Conductivity", "Count",
        "Density", "Dimensionless", "DoseEquivalent", "DoseEquivalentRate", "DynamicViscosity", "ElectricCharge", "ElectricCurrent",
        "ElectricCurrentDensity", "ElectricFieldStrength", "Energy", "Exposure", "Force", "Frequency", "Illuminance", "Inductance",
        "Irradiance", "KinematicViscosity", "Length", "LinearMomentum", "Luminance", "LuminousFlux", "LuminousIntensity", "MagneticFlux",
        "MagneticFluxDensity", "MagneticVectorPotential", "Mass", "MassConcentration", "MassFlowRate", "MassPerAreaTime", "MemoryCapacity",
        "MolalityOfSolute", "MolarEnergy", "MolarMass", "MolarVolume", "Power", "Pressure", "RadiantFlux", "RadiantIntensity",
        "Radioactivity", "RelativeHumidity", "Resistance", "Resistivity", "SolidAngle", "SpecificVolume", "Speed", "SurfaceDensity",
        "SurfaceTension", "Temperature", "Time", "Torque", "Voltage", "Volume", "VolumeFlowRate", "VolumeFraction", "VolumetricFlux", "Wavenumber",
    ];

    private static readonly HashSet<string> ErrorReasons = ["did_not_occur", "incorrect_data"];

    /// <summary>Whether a bare word is a CBV term of that kind (bizstep, disp, btt, sdt, er).</summary>
    public static bool IsCbvTerm(string kind, string term) => kind switch
    {
        "bizstep" => BizSteps.Contains(term),
        "disp" => Dispositions.Contains(term),
        "btt" => BusinessTransactionTypes.Contains(term),
        "sdt" => SourceDestinationTypes.Contains(term),
        "er" => ErrorReasons.Contains(term),
        _ => false,
    };

    /// <param name="prefixes">The document's own namespace prefixes (its embedded context's string entries).</param>
    public static string Of(JsonObject e, IReadOnlyDictionary<string, string> prefixes) =>
        $"ni:///sha-256;{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(PreHash(e, prefixes))))}?ver=CBV2.0";

    /// <summary>The pre-hash string the hash is taken of.</summary>
    public static string PreHash(JsonObject e, IReadOnlyDictionary<string, string> prefixes)
    {
        var context = new Dictionary<string, string>(DefaultPrefixes);
        foreach (var (k, v) in prefixes) context[k] = v;
        EventContexts(e, context);
        var (main, custom) = Ordered(e, context, EventOrder, recursive: false);
        return main + Sorted(custom);
    }

    /// <summary>Namespaces an event declares itself, as "@xmlns:prefix" members (from XML).</summary>
    private static void EventContexts(JsonNode? node, Dictionary<string, string> context)
    {
        if (node is JsonObject o)
            foreach (var (key, value) in o)
            {
                if (value is JsonObject or JsonArray) EventContexts(value, context);
                else if (key.StartsWith("@xmlns:", StringComparison.Ordinal) && value is JsonValue v && v.TryGetValue<string>(out var ns)) context[key[7..]] = ns;
            }
        else if (node is JsonArray a)
            foreach (var item in a) EventContexts(item, context);
    }

    private static (string Main, List<string> Custom) Ordered(JsonObject o, Dictionary<string, string> context, string[] order, bool recursive = true)
    {
        var main = new StringBuilder();
        var custom = new List<string>();
        foreach (var name in order)
        {
            if (!o.TryGetPropertyValue(name, out var value)) continue;
            if (value is JsonArray list)
            {
                var (listMain, listCustom) = List(list, context, name);
                main.Append(listMain);
                custom.AddRange(listCustom);
                continue;
            }
            switch (name)
            {
                case "type": main.Append(Field(recursive ? "type" : "eventType", value)); break;
                case "readPoint" or "bizLocation" or "sensorMetadata" when value is JsonObject inner:
                    var (innerMain, innerCustom) = Ordered(inner, context, name == "sensorMetadata" ? SensorMetadataOrder : IdOrder);
                    main.Append(name).Append(innerMain);
                    if (innerCustom.Count > 0) custom.Add(name + Sorted(innerCustom));
                    break;
                case "persistentDisposition" when value is JsonObject inner:
                    main.Append(name).Append(Ordered(inner, context, PersistentDispositionOrder).Main);
                    break;
                case "ilmd" when value is JsonObject inner: main.Append("ilmd").Append(Children(inner, context)); break;
                case "bizStep": main.Append(Field(name, Completed(value, BizSteps, "https://ref.gs1.org/cbv/BizStep-"))); break;
                case "disposition": main.Append(Field(name, Completed(value, Dispositions, "https://ref.gs1.org/cbv/Disp-"))); break;
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
        // Rule 4: an empty list is left out (epcis2.js 2.7.3 fails on one).
        if (list.Count == 0) return ("", []);
        var head = name;
        var strings = new List<string>();
        var custom = new List<string>();
        var localCustom = new List<string>();
        foreach (var element in list)
        {
            if (element is null) continue;
            if (EpcLists.Contains(name)) strings.Add(Field("epc", element));
            else if (name is "set" or "unset")
            {
                head = "";
                strings.Add(Field(name, Completed(element, Dispositions, "https://ref.gs1.org/cbv/Disp-")));
            }
            else if (QuantityLists.Contains(name) && element is JsonObject quantity)
            {
                var (inner, innerCustom) = Ordered(quantity, context, QuantityOrder);
                strings.Add("quantityElement" + inner);
                custom.AddRange(innerCustom.Select(c => "quantityElement" + c));
            }
            else if (name is "bizTransactionList" or "sourceList" or "destinationList" && element is JsonObject typed)
            {
                var (prefix, order, types, ns) = name switch
                {
                    "bizTransactionList" => ("bizTransaction", BizTransactionOrder, BusinessTransactionTypes, "https://ref.gs1.org/cbv/BTT-"),
                    "sourceList" => ("source", SourceOrder, SourceDestinationTypes, "https://ref.gs1.org/cbv/SDT-"),
                    _ => ("destination", DestinationOrder, SourceDestinationTypes, "https://ref.gs1.org/cbv/SDT-"),
                };
                var (inner, innerCustom) = Ordered(WithCompleted(typed, "type", types, ns), context, order);
                strings.Add(inner);
                custom.AddRange(innerCustom.Select(c => prefix + c));
            }
            else if (name == "sensorElementList" && element is JsonObject sensorElement)
            {
                var (inner, innerCustom) = Ordered(sensorElement, context, SensorElementOrder);
                strings.Add("sensorElement" + inner);
                if (innerCustom.Count > 0) localCustom.Add("sensorElement" + Sorted(innerCustom));
            }
            else if (name == "sensorReport" && element is JsonObject report)
            {
                head = "";
                var completed = WithCompleted(report, "type", MeasurementTypes, "https://gs1.org/voc/");
                completed = WithCompleted(completed, "exception", AlarmTypes, "https://gs1.org/voc/");
                completed = WithCompleted(completed, "component", Components, "https://ref.gs1.org/cbv/Comp-");
                var (inner, innerCustom) = Ordered(completed, context, SensorReportOrder);
                strings.Add("sensorReport" + inner);
                if (innerCustom.Count > 0) custom.Add("sensorReport" + Sorted(innerCustom));
            }
            else custom.Add(Custom(name, element, context));
        }
        if (localCustom.Count > 0) custom.Add("sensorElementList" + Sorted(localCustom));
        return (head + Sorted(strings), custom);
    }

    /// <summary>A CBV short name written as its URI (epcis2.js completes the known ones).</summary>
    private static JsonNode? Completed(JsonNode? value, HashSet<string> terms, string ns) =>
        value is JsonValue && value.GetValueKind() == JsonValueKind.String && terms.Contains(value.GetValue<string>()) ? JsonValue.Create(ns + value.GetValue<string>()) : value;

    private static JsonObject WithCompleted(JsonObject o, string member, HashSet<string> terms, string ns)
    {
        if (o[member] is not { } value || Completed(value, terms, ns) is var completed && ReferenceEquals(completed, value)) return o;
        var copy = o.DeepClone().AsObject();
        copy[member] = completed;
        return copy;
    }

    /// <summary>A user extension: "{namespace}local" for a prefixed name; its children sorted; a list's elements sorted.</summary>
    private static string Custom(string key, JsonNode value, Dictionary<string, string> context)
    {
        if (key == "rdfs:comment") return "";
        var field = key;
        var colon = key.IndexOf(':');
        if (colon >= 0)
        {
            // A prefix the document does not declare: epcis2.js (when told not to throw) leaves the field out.
            if (!context.TryGetValue(key[..colon], out var ns)) return "";
            field = "{" + ns + "}" + key[(colon + 1)..];
        }
        else if (key.StartsWith('#')) return "=" + Scalar(value);
        return value switch
        {
            // epcis2.js tells objects from lists by their text ("[object Object]"): a list of exactly one object reads as
            // an object whose one key is "0". Followed here, so that the hashes agree.
            JsonObject o => field + Children(o, context),
            JsonArray a when ReadsAsObject(a) => field + Sorted(a.Select((v, i) => Custom(i.ToString(CultureInfo.InvariantCulture), v!, context))),
            JsonArray a => Sorted(a.Where(v => v is not null).Select(v => v is JsonObject || v is JsonArray inner && ReadsAsObject(inner)
                ? field + Children(v, context) : Field(field, v!))),
            _ => Field(field, value),
        };
    }

    private static bool ReadsAsObject(JsonArray a) => a.Count == 1 && a[0] switch
    {
        JsonObject => true,
        JsonArray inner => ReadsAsObject(inner),
        _ => false,
    };

    private static string Children(JsonNode node, Dictionary<string, string> context) => node switch
    {
        JsonObject o => Sorted(o.Where(p => p.Value is not null).Select(p => Custom(p.Key, p.Value!, context))),
        JsonArray a => Sorted(a.Select((v, i) => (v, i)).Where(p => p.v is not null).Select(p => Custom(p.i.ToString(CultureInfo.InvariantCulture), p.v!, context))),
        _ => "",
    };

    private static string Sorted(IEnumerable<string> strings)
    {
        var list = strings.ToList();
        list.Sort(string.CompareOrdinal);
        return string.Concat(list);
    }

    /// <summary>name=value: a text trimmed, a timestamp in UTC to the millisecond, an EPC as its canonical Digital Link, a
    /// text of digits without leading or trailing zeros (epcis2.js's getPreHashStringOfField).</summary>
    private static string Field(string name, JsonNode? value) => value is null ? $"{name}=null" : value is JsonValue && value.GetValueKind() == JsonValueKind.String
        ? $"{name}={TruncateZeros(DigitalLinkNormalizer.Normalize(Timestamp(value.GetValue<string>().Trim())))}"
        : $"{name}={Scalar(value)}";

    /// <summary>A value as JavaScript writes it into a string: a list's elements joined by commas, an object as
    /// "[object Object]".</summary>
    private static string Scalar(JsonNode? value) => value switch
    {
        null => "",
        JsonArray a => string.Join(",", a.Select(Scalar)),
        JsonObject => "[object Object]",
        _ => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number => NumberText(value),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => value.ToJsonString(),
        },
    };

    /// <summary>A number as JavaScript prints it: the shortest text that reads back as the same double, in plain
    /// decimals from 1e-7 to 1e21 and as d.ddde±x outside.</summary>
    private static string NumberText(JsonNode value)
    {
        var d = double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture);
        if (d == 0) return "0";
        var negative = d < 0;
        var (digits, exponent) = Digits(d.ToString("R", CultureInfo.InvariantCulture).TrimStart('-'));
        var n = exponent + 1;   // the position of the decimal point after the first digit, as in ECMAScript's Number::toString
        string text;
        if (digits.Length <= n && n <= 21) text = digits + new string('0', n - digits.Length);
        else if (0 < n && n <= 21) text = digits[..n] + "." + digits[n..];
        else if (-6 < n && n <= 0) text = "0." + new string('0', -n) + digits;
        else
        {
            var e = n - 1;
            text = (digits.Length == 1 ? digits : digits[..1] + "." + digits[1..]) + "e" + (e < 0 ? "-" : "+") + Math.Abs(e).ToString(CultureInfo.InvariantCulture);
        }
        return negative ? "-" + text : text;
    }

    /// <summary>The significant digits of a positive number's round-trip text and the exponent of its first digit.</summary>
    private static (string Digits, int Exponent) Digits(string text)
    {
        var exponent = 0;
        var e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], CultureInfo.InvariantCulture);
            text = text[..e];
        }
        var point = text.IndexOf('.');
        var whole = point < 0 ? text : text[..point];
        var fraction = point < 0 ? "" : text[(point + 1)..];
        var all = (whole + fraction).TrimStart('0');
        var leadingZeros = (whole + fraction).Length - all.Length;
        exponent += whole.Length - 1 - leadingZeros;
        all = all.TrimEnd('0');
        return (all.Length == 0 ? "0" : all, exponent);
    }

    /// <summary>An ISO 8601 date-time (longer than 17 characters) in UTC to the millisecond (2025-11-19T23:30:00.000Z).</summary>
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
