using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;

namespace Traceability.Api.Epcis;

/// <summary>EPCIS's XML binding, for partners whose systems speak it: an EPCIS 2.0 or 1.2 XML document is validated
/// against GS1's XSDs (embedded, unchanged) and read into the JSON form it stands for, which is then captured like any
/// other (GS1's JSON schema applies as well); a query answers XML (EPCIS 2.0) when asked. The mapping follows the
/// standard's JSON/XML correspondence: lists become arrays, CBV URNs (urn:epcglobal:cbv:bizstep:receiving) become the
/// bare CBV words JSON uses, sensor attributes become members (numbers and booleans typed), extension elements become
/// members named prefix:local with their namespaces in @context (an element with children an object, a repeated one an
/// array, a typed one — xsi:type xsd:boolean or a number type — its value). EPCIS 1.2's extension wrappers
/// (extension, baseExtension, EventList/extension) are unwrapped.</summary>
public static class EpcisXml
{
    public const string MediaType = "application/xml";
    public const string Epcis2 = "urn:epcglobal:epcis:xsd:2";
    public const string Epcis12 = "urn:epcglobal:epcis:xsd:1";
    public const string Query2 = "urn:epcglobal:epcis-query:xsd:2";
    private static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";
    private const string Gs1Vocabulary = "https://gs1.org/voc/";
    private const string CbvMda = "urn:epcglobal:cbv:mda";

    /// <summary>Namespaces GS1's JSON-LD context gives a prefix of its own, by namespace.</summary>
    private static readonly Dictionary<string, string> BoundByGs1 = new()
    {
        [Gs1Vocabulary] = "gs1", ["https://ref.gs1.org/epcis/"] = "epcis", ["https://ref.gs1.org/cbv/"] = "cbv",
        ["http://www.w3.org/2000/01/rdf-schema#"] = "rdfs", ["http://www.w3.org/2002/07/owl#"] = "owl", ["http://purl.org/dc/terms/"] = "dcterms",
    };
    private const int MaxProblems = 20;

    private static readonly Lazy<XmlSchemaSet> Schemas2 = new(() => Load("2.0"));
    private static readonly Lazy<XmlSchemaSet> Schemas12 = new(() => Load("1.2"));

    /// <summary>GS1's XSDs of one version, compiled once. Each is added itself, so no import is fetched from anywhere.</summary>
    private static XmlSchemaSet Load(string version)
    {
        var set = new XmlSchemaSet { XmlResolver = null };
        var assembly = Assembly.GetExecutingAssembly();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith($"epcis-xsd/{version}/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null });
            set.Add(XmlSchema.Read(reader, null)!);
        }
        set.Compile();
        return set;
    }

    /// <summary>Reading settings that never fetch or expand anything: no DTD, no external entity, no resolver.</summary>
    private static XmlReaderSettings Safe(XmlSchemaSet? schemas) => new()
    {
        DtdProcessing = DtdProcessing.Ignore, XmlResolver = null, MaxCharactersFromEntities = 0, IgnoreComments = true,
        IgnoreProcessingInstructions = true, ValidationType = schemas is null ? ValidationType.None : ValidationType.Schema,
        Schemas = schemas ?? new XmlSchemaSet(),
    };

    /// <summary>Reads and validates an EPCISDocument; the problems (line, position and GS1's XSD's words) when it is not
    /// one, else the document in its JSON form.</summary>
    public static (JsonObject? Document, IReadOnlyList<string> Problems) Read(byte[] xml)
    {
        XDocument parsed;
        try
        {
            using var peek = XmlReader.Create(new MemoryStream(xml), Safe(null));
            parsed = XDocument.Load(peek, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            return (null, [$"Not well-formed XML: {e.Message}"]);
        }
        var root = parsed.Root!;
        var schemas = root.Name.NamespaceName switch
        {
            Epcis2 => Schemas2.Value,
            Epcis12 => Schemas12.Value,
            _ => null,
        };
        if (root.Name.LocalName != "EPCISDocument" || schemas is null)
            return (null, [$"An EPCISDocument of EPCIS 2.0 ({Epcis2}) or 1.2 ({Epcis12}); this root is {{{root.Name.NamespaceName}}}{root.Name.LocalName}."]);
        var problems = new List<string>();
        var settings = Safe(schemas);
        settings.ValidationEventHandler += (_, e) =>
        {
            if (e.Severity == XmlSeverityType.Error && problems.Count < MaxProblems)
                problems.Add($"Line {e.Exception.LineNumber}, position {e.Exception.LinePosition}: {e.Message}");
        };
        try
        {
            using var validating = XmlReader.Create(new MemoryStream(xml), settings);
            while (validating.Read()) { }
        }
        catch (XmlException e)
        {
            problems.Add($"Not well-formed XML: {e.Message}");
        }
        if (problems.Count > 0) return (null, problems);
        var reader = new Reader();
        var json = reader.Document(root);
        return reader.Problems.Count > 0 ? (null, reader.Problems) : (json, []);
    }

    /// <summary>XML to JSON, one document: the namespaces its extensions use are gathered for the @context.</summary>
    private sealed class Reader
    {
        private readonly Dictionary<string, string> _prefixOf = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _namespaceOf = new(StringComparer.Ordinal);

        public JsonObject Document(XElement root)
        {
            Declare(root);
            var events = new JsonArray();
            var list = root.Element("EPCISBody")?.Element("EventList");
            foreach (var e in Events(list))
                events.Add(Event(e));
            var context = new JsonArray("https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld");
            if (_namespaceOf.Count > 0)
                context.Add(new JsonObject(_namespaceOf.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))));
            return new JsonObject
            {
                ["@context"] = context,
                ["type"] = "EPCISDocument",
                ["schemaVersion"] = "2.0",
                ["creationDate"] = (string?)root.Attribute("creationDate") ?? "",
                ["epcisBody"] = new JsonObject { ["eventList"] = events },
            };
        }

        /// <summary>The events of an EventList, EPCIS 1.2's extension wrappers (one level for a TransformationEvent, two for an
        /// AssociationEvent written by GS1's 2.0-to-1.2 stylesheet) unwrapped.</summary>
        private static IEnumerable<XElement> Events(XElement? list) =>
            list?.Elements().SelectMany(e => e.Name == "extension" ? Events(e) : [e]) ?? [];

        /// <summary>What the document cannot say in EPCIS's JSON form, with the line it is on.</summary>
        public List<string> Problems { get; } = [];

        private static readonly HashSet<string> Standard = [.. Orders.Values.SelectMany(o => o)];

        private static IEnumerable<XElement> Unwrapped(XElement e) =>
            e.Elements().SelectMany(c => c.Name.NamespaceName.Length == 0 && c.Name.LocalName is "extension" or "baseExtension" ? Unwrapped(c) : [c]);

        private JsonObject Event(XElement e)
        {
            var o = new JsonObject { ["type"] = e.Name.LocalName };
            foreach (var c in Unwrapped(e))
            {
                if (c.Name.NamespaceName.Length > 0)
                {
                    AddMember(o, Name(c.Name), Extension(c));
                    continue;
                }
                var name = c.Name.LocalName;
                if (!Standard.Contains(name))
                {
                    Problems.Add($"Line {((IXmlLineInfo)c).LineNumber}: <{name}> is no field of an EPCIS 2.0 {e.Name.LocalName}, and an extension needs a namespace of its own.");
                    continue;
                }
                o[name] = name switch
                {
                    "epcList" or "childEPCs" or "inputEPCList" or "outputEPCList" => new JsonArray(c.Elements().Select(x => (JsonNode?)x.Value.Trim()).ToArray()),
                    "quantityList" or "childQuantityList" or "inputQuantityList" or "outputQuantityList" => new JsonArray(c.Elements().Select(Quantity).ToArray()),
                    "readPoint" or "bizLocation" => Location(c),
                    "bizTransactionList" => new JsonArray(c.Elements().Select(x => Typed(x, "bizTransaction", "btt")).ToArray()),
                    "sourceList" => new JsonArray(c.Elements().Select(x => Typed(x, "source", "sdt")).ToArray()),
                    "destinationList" => new JsonArray(c.Elements().Select(x => Typed(x, "destination", "sdt")).ToArray()),
                    "sensorElementList" => new JsonArray(c.Elements().Select(x => (JsonNode?)Sensor(x)).ToArray()),
                    "persistentDisposition" => Persistent(c),
                    "ilmd" => Object(Unwrapped(c)),
                    "errorDeclaration" => Error(c),
                    "bizStep" => Cbv(c.Value.Trim(), "bizstep"),
                    "disposition" => Cbv(c.Value.Trim(), "disp"),
                    "certificationInfo" when o["certificationInfo"] is { } first =>
                        first is JsonArray many ? Append(many, c.Value.Trim()) : new JsonArray(first.DeepClone(), c.Value.Trim()),
                    _ => c.Value.Trim(),
                };
            }
            return o;
        }

        private static JsonArray Append(JsonArray list, string value)
        {
            var copy = (JsonArray)list.DeepClone();
            copy.Add(value);
            return copy;
        }

        private static JsonNode Quantity(XElement q)
        {
            var o = new JsonObject { ["epcClass"] = q.Element("epcClass")?.Value.Trim() };
            if (q.Element("quantity") is { } quantity && (string?)quantity.Attribute(Xsi + "nil") is not ("true" or "1") && quantity.Value.Trim().Length > 0)
                o["quantity"] = Number(quantity.Value.Trim());
            if (q.Element("uom") is { } uom) o["uom"] = uom.Value.Trim();
            return o;
        }

        private JsonObject Location(XElement l)
        {
            var o = new JsonObject { ["id"] = l.Element("id")?.Value.Trim() };
            foreach (var c in Unwrapped(l).Where(c => c.Name.NamespaceName.Length > 0)) AddMember(o, Name(c.Name), Extension(c));
            return o;
        }

        private static JsonNode Typed(XElement x, string member, string kind)
        {
            var o = new JsonObject();
            if ((string?)x.Attribute("type") is { } type) o["type"] = Cbv(type.Trim(), kind);
            o[member] = x.Value.Trim();
            return o;
        }

        private JsonObject Sensor(XElement s)
        {
            var o = new JsonObject();
            var reports = new JsonArray();
            foreach (var c in Unwrapped(s))
            {
                if (c.Name == "sensorMetadata") o["sensorMetadata"] = Attributes(c);
                else if (c.Name == "sensorReport") reports.Add(Attributes(c));
                else if (c.Name.NamespaceName.Length > 0) AddMember(o, Name(c.Name), Extension(c));
            }
            if (reports.Count > 0) o["sensorReport"] = reports;
            return o;
        }

        private static readonly HashSet<string> NumericAttributes = ["value", "minValue", "maxValue", "meanValue", "sDev", "percRank", "percValue"];

        private JsonObject Attributes(XElement x)
        {
            var o = new JsonObject();
            foreach (var a in x.Attributes().Where(a => !a.IsNamespaceDeclaration && a.Name.Namespace != Xsi))
            {
                var value = a.Value.Trim();
                if (a.Name.NamespaceName.Length > 0) o[Name(a.Name)] = value;
                else o[a.Name.LocalName] = a.Name.LocalName switch
                {
                    _ when NumericAttributes.Contains(a.Name.LocalName) => Number(value),
                    "booleanValue" => value is "true" or "1",
                    "type" or "exception" => Vocabulary(value),
                    _ => value,
                };
            }
            return o;
        }

        /// <summary>A GS1 Web Vocabulary term written gs1:Temperature (or as its IRI) is the bare word JSON uses.</summary>
        private static string Vocabulary(string value) =>
            value.StartsWith("gs1:", StringComparison.Ordinal) ? value[4..] : value.StartsWith(Gs1Vocabulary, StringComparison.Ordinal) ? value[Gs1Vocabulary.Length..] : value;

        private static JsonObject Persistent(XElement p)
        {
            var o = new JsonObject();
            foreach (var kind in new[] { "set", "unset" })
                if (p.Elements(kind).Any()) o[kind] = new JsonArray(p.Elements(kind).Select(x => (JsonNode?)Cbv(x.Value.Trim(), "disp")).ToArray());
            return o;
        }

        private JsonObject Error(XElement e)
        {
            var o = new JsonObject();
            foreach (var c in Unwrapped(e))
            {
                if (c.Name.NamespaceName.Length > 0) AddMember(o, Name(c.Name), Extension(c));
                else if (c.Name == "correctiveEventIDs") o["correctiveEventIDs"] = new JsonArray(c.Elements().Select(x => (JsonNode?)x.Value.Trim()).ToArray());
                else if (c.Name == "reason") o["reason"] = Cbv(c.Value.Trim(), "er");
                else o[c.Name.LocalName] = c.Value.Trim();
            }
            return o;
        }

        /// <summary>An extension element: an object of its children (and namespaced attributes), or its typed value.</summary>
        private JsonNode Extension(XElement x)
        {
            if (x.HasElements || x.Attributes().Any(a => !a.IsNamespaceDeclaration && a.Name.NamespaceName.Length > 0 && a.Name.Namespace != Xsi))
            {
                var o = Object(x.Elements());
                foreach (var a in x.Attributes().Where(a => !a.IsNamespaceDeclaration && a.Name.NamespaceName.Length > 0 && a.Name.Namespace != Xsi))
                    o[Name(a.Name)] = a.Value;
                return o;
            }
            var text = x.Value;
            var type = (string?)x.Attribute(Xsi + "type");
            var local = type?[(type.IndexOf(':') + 1)..];
            return local switch
            {
                "boolean" when text.Trim() is "true" or "false" or "1" or "0" => JsonValue.Create(text.Trim() is "true" or "1"),
                "integer" or "int" or "long" or "short" or "decimal" or "double" or "float" or "nonNegativeInteger" or "positiveInteger"
                    when double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _) => Number(text.Trim()),
                _ => JsonValue.Create(text)!,
            };
        }

        private JsonObject Object(IEnumerable<XElement> children)
        {
            var o = new JsonObject();
            foreach (var c in children) AddMember(o, c.Name.NamespaceName.Length > 0 ? Name(c.Name) : c.Name.LocalName, Extension(c));
            return o;
        }

        /// <summary>A repeated element is a list.</summary>
        private static void AddMember(JsonObject o, string name, JsonNode value)
        {
            if (!o.TryGetPropertyValue(name, out var existing)) o[name] = value;
            else if (existing is JsonArray list) list.Add(value);
            else o[name] = new JsonArray(existing!.DeepClone(), value);
        }

        /// <summary>prefix:local, the prefix the document gave the namespace (another when two namespaces share one).</summary>
        private string Name(XName name)
        {
            var ns = name.NamespaceName;
            if (!_prefixOf.TryGetValue(ns, out var prefix))
            {
                // GS1's own namespaces keep the prefixes GS1's context gives them (CBV master data's XML namespace has no
                // trailing colon; its JSON-LD prefix does).
                prefix = ns is CbvMda or CbvMda + ":" ? "cbvmda" : BoundByGs1.GetValueOrDefault(ns);
                if (prefix is null)
                {
                    prefix = Declared(ns);
                    for (var n = 2; _namespaceOf.ContainsKey(prefix) && _namespaceOf[prefix] != ns || EpcisKeeping.IsReserved(prefix); n++)
                        prefix = $"{Declared(ns)}{n}";
                    _namespaceOf[prefix] = ns;
                }
                _prefixOf[ns] = prefix;
            }
            return $"{prefix}:{name.LocalName}";
        }

        private readonly Dictionary<string, string> _declared = new(StringComparer.Ordinal);

        private string Declared(string ns) => _declared.TryGetValue(ns, out var p) && p.Length > 0 ? p : "ext";

        /// <summary>The prefixes the document declares, first declaration first.</summary>
        private void Declare(XElement root)
        {
            foreach (var a in root.DescendantsAndSelf().SelectMany(e => e.Attributes()).Where(a => a.IsNamespaceDeclaration && a.Name.Namespace == XNamespace.Xmlns))
                _declared.TryAdd(a.Value, a.Name.LocalName);
        }
    }

    private static JsonNode Number(string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole) ? JsonValue.Create(whole)
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? JsonValue.Create(d)
        : JsonValue.Create(text)!;

    private static readonly Dictionary<string, string> CbvKind = new() { ["bizstep"] = "BizStep", ["disp"] = "Disp", ["btt"] = "BTT", ["sdt"] = "SDT", ["er"] = "ER" };

    /// <summary>A CBV value in its URN (urn:epcglobal:cbv:bizstep:receiving) or web URI form as the bare word JSON writes.</summary>
    private static string Cbv(string value, string urnKind)
    {
        foreach (var prefix in new[] { $"urn:epcglobal:cbv:{urnKind}:", $"https://ref.gs1.org/cbv/{CbvKind[urnKind]}-" })
            if (value.StartsWith(prefix, StringComparison.Ordinal) && EventHash.IsCbvTerm(urnKind, value[prefix.Length..])) return value[prefix.Length..];
        return value;
    }

    /// <summary>A bare CBV word as the URN EPCIS XML writes it (receiving: urn:epcglobal:cbv:bizstep:receiving).</summary>
    internal static string CbvUrn(string value, string urnKind) => EventHash.IsCbvTerm(urnKind, value) ? $"urn:epcglobal:cbv:{urnKind}:{value}" : value;

    private static readonly string[] Base = ["eventTime", "recordTime", "eventTimeZoneOffset", "eventID", "errorDeclaration", "certificationInfo"];

    /// <summary>Each event type's members in the order GS1's XSD sequences them (extensions follow).</summary>
    private static readonly Dictionary<string, string[]> Orders = new()
    {
        ["ObjectEvent"] = [.. Base, "epcList", "action", "bizStep", "disposition", "readPoint", "bizLocation", "bizTransactionList", "quantityList",
            "sourceList", "destinationList", "sensorElementList", "persistentDisposition", "ilmd"],
        ["AggregationEvent"] = [.. Base, "parentID", "childEPCs", "action", "bizStep", "disposition", "readPoint", "bizLocation", "bizTransactionList",
            "childQuantityList", "sourceList", "destinationList", "sensorElementList", "persistentDisposition"],
        ["TransactionEvent"] = [.. Base, "bizTransactionList", "parentID", "epcList", "action", "bizStep", "disposition", "readPoint", "bizLocation",
            "quantityList", "sourceList", "destinationList", "sensorElementList", "persistentDisposition"],
        ["TransformationEvent"] = [.. Base, "inputEPCList", "inputQuantityList", "outputEPCList", "outputQuantityList", "transformationID", "bizStep",
            "disposition", "readPoint", "bizLocation", "bizTransactionList", "sourceList", "destinationList", "sensorElementList", "persistentDisposition", "ilmd"],
        ["AssociationEvent"] = [.. Base, "parentID", "childEPCs", "childQuantityList", "action", "bizStep", "disposition", "readPoint", "bizLocation",
            "bizTransactionList", "sourceList", "destinationList", "sensorElementList", "persistentDisposition"],
    };

    /// <summary>A query's answer (an EPCISQueryDocument in JSON) as EPCIS 2.0 XML, valid against GS1's query XSD.</summary>
    public static string WriteQueryDocument(JsonObject document)
    {
        var writer = new Writer(document);
        var events = document["epcisBody"]?["queryResults"]?["resultsBody"]?["eventList"] as JsonArray ?? [];
        XNamespace q = Query2;
        var root = new XElement(q + "EPCISQueryDocument",
            new XAttribute(XNamespace.Xmlns + "epcisq", Query2), new XAttribute(XNamespace.Xmlns + "xsi", Xsi.NamespaceName),
            new XAttribute(XNamespace.Xmlns + "xsd", "http://www.w3.org/2001/XMLSchema"), new XAttribute(XNamespace.Xmlns + "gs1", Gs1Vocabulary),
            writer.Declarations(),
            new XAttribute("schemaVersion", "2.0"), new XAttribute("creationDate", (string?)document["creationDate"] ?? ""),
            new XElement("EPCISBody",
                new XElement(q + "QueryResults",
                    new XElement("queryName", (string?)document["epcisBody"]?["queryResults"]?["queryName"] ?? "SimpleEventQuery"),
                    new XElement("resultsBody", new XElement("EventList", events.OfType<JsonObject>().Select(writer.Event))))));
        var text = new StringBuilder();
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Encoding = Encoding.UTF8, Indent = false }))
            new XDocument(new XDeclaration("1.0", "UTF-8", null), root).Save(xml);
        return text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"UTF-8\"");
    }

    /// <summary>JSON to XML, one answer: extension members in the namespaces its @context gives their prefixes.</summary>
    private sealed class Writer(JsonObject document)
    {
        private readonly Dictionary<string, string> _namespaces = Namespaces(document);

        private static Dictionary<string, string> Namespaces(JsonObject document)
        {
            var found = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var c in (document["@context"] as JsonArray ?? []).OfType<JsonObject>())
                foreach (var (k, v) in c)
                    if (v is JsonValue value && value.TryGetValue<string>(out var ns) && !k.Contains(':')) found[k] = ns;
            // The prefixes GS1's context binds (xsd aside: XML has its own use for it).
            foreach (var (prefix, ns) in new[] { ("epcis", "https://ref.gs1.org/epcis/"), ("cbv", "https://ref.gs1.org/cbv/"),
                         ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"), ("owl", "http://www.w3.org/2002/07/owl#"), ("dcterms", "http://purl.org/dc/terms/") })
                found.TryAdd(prefix, ns);
            found["gs1"] = Gs1Vocabulary;
            found["cbvmda"] = CbvMda;
            return found;
        }

        public IEnumerable<XAttribute> Declarations() =>
            _namespaces.Where(p => p.Key is not ("gs1" or "xsi" or "xsd" or "epcis")).Select(p => new XAttribute(XNamespace.Xmlns + p.Key, p.Value));

        public XElement Event(JsonObject e)
        {
            var type = (string?)e["type"] ?? "ObjectEvent";
            var order = Orders.GetValueOrDefault(type) ?? Orders["ObjectEvent"];
            var x = new XElement(type);
            foreach (var name in order)
                if (e[name] is { } value) x.Add(Standard(name, value));
            foreach (var (name, value) in e)
                if (!order.Contains(name) && name is not ("type" or "@context") && value is not null && Prefixed(name) is { } xname) x.Add(Extension(xname, value));
            return x;
        }

        private IEnumerable<XElement> Standard(string name, JsonNode value) => name switch
        {
            "certificationInfo" => (value as JsonArray ?? [value.DeepClone()]).Select(v => new XElement(name, Text(v))),
            "epcList" or "childEPCs" or "inputEPCList" or "outputEPCList" => [new XElement(name, Items(value).Select(v => new XElement("epc", Text(v))))],
            "quantityList" or "childQuantityList" or "inputQuantityList" or "outputQuantityList" =>
                [new XElement(name, Items(value).OfType<JsonObject>().Select(q => new XElement("quantityElement",
                    new XElement("epcClass", Text(q["epcClass"])), q["quantity"] is { } n ? new XElement("quantity", Text(n)) : null,
                    q["uom"] is { } u ? new XElement("uom", Text(u)) : null)))],
            "bizStep" => [new XElement(name, CbvUrn(Text(value), "bizstep"))],
            "disposition" => [new XElement(name, CbvUrn(Text(value), "disp"))],
            "readPoint" or "bizLocation" when value is JsonObject l => [new XElement(name, new XElement("id", Text(l["id"])), Extensions(l, ["id"]))],
            "bizTransactionList" => [new XElement(name, Items(value).OfType<JsonObject>().Select(t => TypedElement("bizTransaction", t, "btt")))],
            "sourceList" => [new XElement(name, Items(value).OfType<JsonObject>().Select(t => TypedElement("source", t, "sdt")))],
            "destinationList" => [new XElement(name, Items(value).OfType<JsonObject>().Select(t => TypedElement("destination", t, "sdt")))],
            "sensorElementList" => [new XElement(name, Items(value).OfType<JsonObject>().Select(Sensor))],
            "persistentDisposition" when value is JsonObject p => [new XElement(name,
                new[] { "unset", "set" }.SelectMany(k => Items(p[k]).Select(v => new XElement(k, CbvUrn(Text(v), "disp")))))],
            "ilmd" when value is JsonObject m => [new XElement(name, Extensions(m, []))],
            "errorDeclaration" when value is JsonObject d => [new XElement(name,
                d["declarationTime"] is { } t ? new XElement("declarationTime", Text(t)) : null,
                d["reason"] is { } r ? new XElement("reason", CbvUrn(Text(r), "er")) : null,
                d["correctiveEventIDs"] is JsonArray ids ? new XElement("correctiveEventIDs", ids.Select(i => new XElement("correctiveEventID", Text(i)))) : null,
                Extensions(d, ["declarationTime", "reason", "correctiveEventIDs"]))],
            _ => [new XElement(name, Text(value))],
        };

        private XElement TypedElement(string name, JsonObject t, string kind) =>
            new(name, t["type"] is { } type ? new XAttribute("type", CbvUrn(Text(type), kind)) : null, Text(t[name]));

        private XElement Sensor(JsonObject s) => new("sensorElement",
            s["sensorMetadata"] is JsonObject m ? new XElement("sensorMetadata", Attributes(m)) : null,
            Items(s["sensorReport"]).OfType<JsonObject>().Select(r => new XElement("sensorReport", Attributes(r))),
            Extensions(s, ["sensorMetadata", "sensorReport"]));

        private IEnumerable<XAttribute> Attributes(JsonObject o) => o.Where(p => p.Value is JsonValue).Select(p =>
            p.Key.Contains(':')
                ? Prefixed(p.Key) is { } name ? new XAttribute(name, Text(p.Value)) : null
                : new XAttribute(p.Key, p.Key is "type" or "exception" && !Text(p.Value).Contains(':') ? "gs1:" + Text(p.Value) : Text(p.Value))).OfType<XAttribute>();

        private IEnumerable<XElement> Extensions(JsonObject o, string[] except) =>
            o.Where(p => !except.Contains(p.Key) && p.Value is not null && Prefixed(p.Key) is not null).SelectMany(p => Extension(Prefixed(p.Key)!, p.Value!));

        /// <summary>An extension member: an object as an element of its members, a list as the element repeated, a
        /// value as text (typed with xsi:type when a number or a boolean). A JSON literal whose member names are not
        /// prefixed names (ocop:attributes) is written as its JSON text.</summary>
        private IEnumerable<XElement> Extension(XName name, JsonNode value) => value switch
        {
            JsonArray a when a.All(v => v is not JsonArray) => a.Where(v => v is not null).SelectMany(v => Extension(name, v!)),
            JsonObject o when o.All(p => Prefixed(p.Key) is not null) => [new XElement(name, o.Where(p => p.Value is not null).SelectMany(p => Extension(Prefixed(p.Key)!, p.Value!)))],
            JsonValue v when v.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False =>
                [new XElement(name, new XAttribute(Xsi + "type", "xsd:boolean"), Text(v))],
            JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number =>
                [new XElement(name, new XAttribute(Xsi + "type", "xsd:decimal"), Text(v))],
            JsonValue v => [new XElement(name, Text(v))],
            _ => [new XElement(name, value.ToJsonString())],
        };

        private XName? Prefixed(string key)
        {
            var colon = key.IndexOf(':');
            var local = colon > 0 ? key[(colon + 1)..] : "";
            return local.Length > 0 && XmlConvert.IsStartNCNameChar(local[0]) && local.All(XmlConvert.IsNCNameChar) && _namespaces.TryGetValue(key[..colon], out var ns)
                ? XName.Get(local, ns) : null;
        }

        private static IEnumerable<JsonNode> Items(JsonNode? value) => value switch
        {
            JsonArray a => a.OfType<JsonNode>(),
            null => [],
            _ => [value],
        };

        private static string Text(JsonNode? v) => v switch
        {
            null => "",
            JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String => value.GetValue<string>(),
            JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.True => "true",
            JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.False => "false",
            _ => v.ToJsonString(),
        };
    }
}
