using System.Text.Json;
using System.Text.RegularExpressions;

namespace Traceability.Api.Epcis;

/// <summary>A JSON Schema (draft-07) compiled once into a tree of checks, for the yes/no verdict on a captured document.
/// A general evaluator (JsonSchema.Net) spent ~100 µs per event on GS1's EPCIS schema, which held a capture of
/// 1,000 events to one core's ~10,000 events a second; this evaluates the same schema in a few µs an event. It knows
/// the keywords GS1's schema uses and refuses to compile a schema with any other (a new GS1 release that needs one
/// fails in the tests and on its first capture, never by passing documents unchecked). Its verdicts are tested against
/// JsonSchema.Net's on valid and broken documents (Tests/Events/CompiledSchemaTests.cs), except where JsonSchema.Net
/// departs from the specification (it compares numbers nested in uniqueItems' values by their text); the refusal's
/// details still come from JsonSchema.Net, which only a refused document pays for. One file, longer than the project's
/// others, because it is one algorithm: the keywords' semantics as the draft-07 specification states them, side by side.</summary>
public sealed class CompiledSchema
{
    private static readonly HashSet<string> Annotations = ["$schema", "$id", "$comment", "title", "description", "examples", "default", "definitions"];

    private readonly Node _root;

    private CompiledSchema(Node root) => _root = root;

    public static CompiledSchema Compile(JsonElement schema) => new(new Compiler(schema).Compile(schema, "#"));

    public bool IsValid(JsonElement instance) => _root.Valid(new Value(instance), new Context());

    /// <summary>An instance: a JSON value, or a property name (which <c>propertyNames</c> checks as a string).</summary>
    private readonly struct Value(JsonElement element, string? name = null)
    {
        public JsonElement Element { get; } = element;
        public string? Name { get; } = name;
        public JsonValueKind Kind => Name is null ? Element.ValueKind : JsonValueKind.String;
        public string String => Name ?? Element.GetString()!;
    }

    /// <summary>One evaluation's memory of format verdicts: a document repeats its property names and vocabulary on
    /// every event.</summary>
    private sealed class Context
    {
        public readonly Dictionary<string, bool> Uris = new(StringComparer.Ordinal);
    }

    [Flags]
    private enum Types { None = 0, Null = 1, Boolean = 2, Object = 4, Array = 8, Number = 16, Integer = 32, String = 64 }

    private sealed class Node
    {
        public bool? Constant;               // a boolean schema
        public Node? Ref;                    // draft-07: $ref replaces the rest of its object
        public Types Types;
        public Dictionary<string, Node>? Properties;
        public Node? AdditionalProperties;
        public string[]? Required;
        public Node? PropertyNames;
        public HashSet<string>? EnumStrings; // every enum value a string (the usual case)
        public JsonElement[]? Enum;
        public Node? Items;
        public int MinItems;
        public bool UniqueItems;
        public Node[]? AllOf, AnyOf, OneOf;
        public Node? Not, If, Then, Else;
        public Regex? Pattern;
        public Func<string, Context, bool>? Format;

        public bool Valid(Value v, Context c)
        {
            if (Constant is { } constant) return constant;
            if (Ref is not null) return Ref.Valid(v, c);
            var kind = v.Kind;
            if (Types != Types.None && !TypeMatches(Types, v)) return false;
            if (EnumStrings is not null && (kind != JsonValueKind.String || !EnumStrings.Contains(v.String))) return false;
            if (Enum is not null && !Enum.Any(e => v.Name is null ? JsonEquals(e, v.Element) : e.ValueKind == JsonValueKind.String && e.GetString() == v.Name)) return false;
            if (kind == JsonValueKind.String)
            {
                if (Pattern is not null && !Pattern.IsMatch(v.String)) return false;
                if (Format is not null && !Format(v.String, c)) return false;
            }
            else if (kind == JsonValueKind.Object && v.Name is null && !ObjectValid(v.Element, c)) return false;
            else if (kind == JsonValueKind.Array && v.Name is null && !ArrayValid(v.Element, c)) return false;
            if (AllOf is not null) foreach (var s in AllOf) if (!s.Valid(v, c)) return false;
            if (AnyOf is not null && !AnyValid(AnyOf, v, c)) return false;
            if (OneOf is not null && OneOf.Count(s => s.Valid(v, c)) != 1) return false;
            if (Not is not null && Not.Valid(v, c)) return false;
            if (If is not null)
            {
                var branch = If.Valid(v, c) ? Then : Else;
                if (branch is not null && !branch.Valid(v, c)) return false;
            }
            return true;
        }

        private static bool AnyValid(Node[] nodes, Value v, Context c)
        {
            foreach (var s in nodes) if (s.Valid(v, c)) return true;
            return false;
        }

        private bool ObjectValid(JsonElement o, Context c)
        {
            if (Required is not null)
                foreach (var name in Required)
                    if (!o.TryGetProperty(name, out _)) return false;
            if (Properties is null && AdditionalProperties is null && PropertyNames is null) return true;
            foreach (var p in o.EnumerateObject())
            {
                if (PropertyNames is not null && !PropertyNames.Valid(new Value(default, p.Name), c)) return false;
                if (Properties is not null && Properties.TryGetValue(p.Name, out var property))
                {
                    if (!property.Valid(new Value(p.Value), c)) return false;
                }
                else if (AdditionalProperties is not null && !AdditionalProperties.Valid(new Value(p.Value), c)) return false;
            }
            return true;
        }

        private bool ArrayValid(JsonElement a, Context c)
        {
            if (MinItems > 0 && a.GetArrayLength() < MinItems) return false;
            if (Items is not null)
                foreach (var item in a.EnumerateArray())
                    if (!Items.Valid(new Value(item), c)) return false;
            return !UniqueItems || Unique(a);
        }
    }

    private static bool TypeMatches(Types types, Value v) => v.Kind switch
    {
        JsonValueKind.String => (types & Types.String) != 0,
        JsonValueKind.Object => (types & Types.Object) != 0,
        JsonValueKind.Array => (types & Types.Array) != 0,
        JsonValueKind.True or JsonValueKind.False => (types & Types.Boolean) != 0,
        JsonValueKind.Null => (types & Types.Null) != 0,
        JsonValueKind.Number => (types & Types.Number) != 0 || ((types & Types.Integer) != 0 && IsInteger(v.Element)),
        _ => false,
    };

    // Draft-07: an integer is a number with no fractional part, however it is written (1.0 is one).
    private static bool IsInteger(JsonElement number) =>
        number.TryGetDecimal(out var d) ? decimal.Truncate(d) == d : Math.Floor(number.GetDouble()) == number.GetDouble();

    private static bool Unique(JsonElement array)
    {
        var items = array.EnumerateArray().ToList();
        if (items.All(i => i.ValueKind == JsonValueKind.String))
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            return items.All(i => seen.Add(i.GetString()!));
        }
        // Compared only within equal hashes: a hostile document's @context of a million objects must not cost n².
        var buckets = new Dictionary<int, List<JsonElement>>();
        foreach (var item in items)
        {
            var hash = JsonHash(item);
            if (!buckets.TryGetValue(hash, out var bucket)) buckets[hash] = bucket = [];
            if (bucket.Any(other => JsonEquals(other, item))) return false;
            bucket.Add(item);
        }
        return true;
    }

    /// <summary>A hash that agrees with <see cref="JsonEquals"/>: members in any order, numbers by value.</summary>
    private static int JsonHash(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => HashCode.Combine(1, e.GetString()),
        JsonValueKind.Number => e.TryGetDouble(out var x) ? HashCode.Combine(2, x) : HashCode.Combine(3, e.GetRawText()),
        JsonValueKind.Array => e.EnumerateArray().Aggregate(4, (h, item) => HashCode.Combine(h, JsonHash(item))),
        JsonValueKind.Object => e.EnumerateObject().Aggregate(5, (h, p) => h + HashCode.Combine(p.Name, JsonHash(p.Value))),
        var kind => (int)kind,
    };

    /// <summary>JSON equality as JSON Schema has it: numbers by value, objects whatever their members' order.</summary>
    private static bool JsonEquals(JsonElement a, JsonElement b)
    {
        if (a.ValueKind != b.ValueKind) return false;
        switch (a.ValueKind)
        {
            case JsonValueKind.String: return a.GetString() == b.GetString();
            case JsonValueKind.Number:
                // By value: as doubles, and as decimals too where both are (integers beyond a double's precision).
                if (!a.TryGetDouble(out var x) || !b.TryGetDouble(out var y)) return a.GetRawText() == b.GetRawText();
                return x == y && (!a.TryGetDecimal(out var m) || !b.TryGetDecimal(out var n) || m == n);
            case JsonValueKind.Array:
                if (a.GetArrayLength() != b.GetArrayLength()) return false;
                return a.EnumerateArray().Zip(b.EnumerateArray()).All(p => JsonEquals(p.First, p.Second));
            case JsonValueKind.Object:
                var left = a.EnumerateObject().ToList();
                if (left.Count != b.EnumerateObject().Count()) return false;
                return left.All(p => b.TryGetProperty(p.Name, out var other) && JsonEquals(p.Value, other));
            default: return true; // true, false, null
        }
    }

    /// <summary>Compiles each schema object once; a $ref to a definition being compiled gets its node before it is
    /// filled, so recursive definitions compile.</summary>
    private sealed class Compiler(JsonElement root)
    {
        private readonly Dictionary<string, Node> _byPointer = new(StringComparer.Ordinal);

        public Node Compile(JsonElement schema, string pointer)
        {
            if (_byPointer.TryGetValue(pointer, out var known)) return known;
            var node = new Node();
            _byPointer[pointer] = node;
            if (schema.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                node.Constant = schema.ValueKind == JsonValueKind.True;
                return node;
            }
            if (schema.ValueKind != JsonValueKind.Object) throw Unsupported(pointer, "a schema that is not an object or a boolean");
            if (schema.TryGetProperty("$ref", out var reference))
            {
                node.Ref = Resolve(reference.GetString()!);
                return node;
            }
            foreach (var keyword in schema.EnumerateObject())
            {
                var at = pointer + "/" + keyword.Name.Replace("~", "~0").Replace("/", "~1");
                var value = keyword.Value;
                switch (keyword.Name)
                {
                    case "type": node.Types = ParseTypes(value, at); break;
                    case "properties":
                        node.Properties = value.EnumerateObject().ToDictionary(p => p.Name,
                            p => Compile(p.Value, at + "/" + p.Name.Replace("~", "~0").Replace("/", "~1")), StringComparer.Ordinal);
                        break;
                    case "additionalProperties": node.AdditionalProperties = Compile(value, at); break;
                    case "required": node.Required = value.EnumerateArray().Select(r => r.GetString()!).ToArray(); break;
                    case "propertyNames": node.PropertyNames = Compile(value, at); break;
                    case "enum":
                        var values = value.EnumerateArray().Select(e => e.Clone()).ToArray();
                        if (values.All(e => e.ValueKind == JsonValueKind.String))
                            node.EnumStrings = values.Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal);
                        else node.Enum = values;
                        break;
                    case "items":
                        if (value.ValueKind == JsonValueKind.Array) throw Unsupported(at, "items as a list of schemas");
                        node.Items = Compile(value, at);
                        break;
                    case "minItems": node.MinItems = value.GetInt32(); break;
                    case "uniqueItems": node.UniqueItems = value.GetBoolean(); break;
                    case "allOf": node.AllOf = CompileEach(value, at); break;
                    case "anyOf": node.AnyOf = CompileEach(value, at); break;
                    case "oneOf": node.OneOf = CompileEach(value, at); break;
                    case "not": node.Not = Compile(value, at); break;
                    case "if": node.If = Compile(value, at); break;
                    case "then": node.Then = Compile(value, at); break;
                    case "else": node.Else = Compile(value, at); break;
                    // ECMA-262 semantics (\d is 0-9 only), as JSON Schema specifies patterns.
                    case "pattern": node.Pattern = new Regex(value.GetString()!, RegexOptions.ECMAScript | RegexOptions.Compiled); break;
                    case "format":
                        node.Format = value.GetString() switch
                        {
                            "uri" => Formats.Uri,
                            "date-time" => (s, _) => Formats.DateTime(s),
                            var other => throw Unsupported(at, $"the format \"{other}\""),
                        };
                        break;
                    default:
                        if (!Annotations.Contains(keyword.Name)) throw Unsupported(at, $"the keyword \"{keyword.Name}\"");
                        break;
                }
            }
            // then/else without if mean nothing (draft-07).
            if (node.If is null) node.Then = node.Else = null;
            return node;
        }

        private Node[] CompileEach(JsonElement list, string at) =>
            list.EnumerateArray().Select((s, i) => Compile(s, $"{at}/{i}")).ToArray();

        private Node Resolve(string reference)
        {
            if (!reference.StartsWith('#')) throw Unsupported(reference, "a $ref outside the schema");
            var pointer = Uri.UnescapeDataString(reference);
            if (_byPointer.TryGetValue(pointer, out var known)) return known;
            var target = root;
            foreach (var token in pointer.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                var name = token.Replace("~1", "/").Replace("~0", "~");
                if (!target.TryGetProperty(name, out target)) throw Unsupported(reference, "a $ref to nothing");
            }
            return Compile(target, pointer);
        }

        private static Types ParseTypes(JsonElement value, string at) => value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Aggregate(Types.None, (t, v) => t | ParseType(v.GetString()!, at))
            : ParseType(value.GetString()!, at);

        private static Types ParseType(string name, string at) => name switch
        {
            "null" => Types.Null, "boolean" => Types.Boolean, "object" => Types.Object, "array" => Types.Array,
            "number" => Types.Number, "integer" => Types.Integer, "string" => Types.String,
            _ => throw Unsupported(at, $"the type \"{name}\""),
        };

        private static NotSupportedException Unsupported(string at, string what) =>
            new($"The schema uses {what} at {at}, which {nameof(CompiledSchema)} does not evaluate.");
    }

    /// <summary>The two formats GS1's schema names, checked as their RFCs have them.</summary>
    private static class Formats
    {
        /// <summary>An absolute URI: ASCII only (RFC 3986; an IRI's other letters must be percent-encoded), none of the
        /// characters URIs never hold unescaped, no bracket in the user part, and absolute to .NET's parser. As lenient as
        /// the general evaluator where it is lenient (a '%' not followed by two hex digits passes both).</summary>
        public static bool Uri(string s, Context c)
        {
            if (c.Uris.TryGetValue(s, out var known)) return known;
            var valid = UriSyntax(s);
            if (c.Uris.Count < 10_000) c.Uris[s] = valid;
            return valid;
        }

        private static bool UriSyntax(string s)
        {
            if (s.IndexOf(':') < 1) return false;
            foreach (var ch in s)
                if (ch > 127 || ch is ' ' or '<' or '>' or '{' or '}' or '|' or '\\' or '^' or '`' or '"') return false;
            var at = s.IndexOf('@');
            var authority = s.IndexOf("://", StringComparison.Ordinal);
            if (at > 0 && authority >= 0 && authority + 3 <= at && s.AsSpan(authority + 3, at - authority - 3).IndexOfAny('[', ']') >= 0) return false;
            return System.Uri.TryCreate(s, UriKind.Absolute, out var uri) && uri.Scheme.Length > 0;
        }

        /// <summary>RFC 3339 date-time: YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM), real calendar dates, a leap second only
        /// at 23:59:60 UTC; 'T' may be a space, as RFC 3339 lets applications choose (JsonSchema.Net and ajv both do).</summary>
        public static bool DateTime(string s)
        {
            if (s.Length < 20 || s[4] != '-' || s[7] != '-' || s[10] is not ('T' or 't' or ' ') || s[13] != ':' || s[16] != ':') return false;
            if (!Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day)
                || !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second)) return false;
            if (month is < 1 or > 12 || day < 1 || day > System.DateTime.DaysInMonth(Math.Max(year, 1), month)) return false;
            if (hour > 23 || minute > 59 || second > 60) return false;
            var i = 19;
            if (i < s.Length && s[i] == '.')
            {
                var start = ++i;
                while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
                if (i == start) return false;
            }
            if (i >= s.Length) return false;
            int offsetMinutes;
            if (s[i] is 'Z' or 'z')
            {
                if (i + 1 != s.Length) return false;
                offsetMinutes = 0;
            }
            else
            {
                if (s[i] is not ('+' or '-') || i + 6 != s.Length || s[i + 3] != ':'
                    || !Digits(s, i + 1, 2, out var offsetHour) || !Digits(s, i + 4, 2, out var offsetMinute)
                    || offsetHour > 23 || offsetMinute > 59) return false;
                offsetMinutes = (s[i] == '+' ? 1 : -1) * (offsetHour * 60 + offsetMinute);
            }
            if (second == 60)
            {
                var utc = ((hour * 60 + minute - offsetMinutes) % 1440 + 1440) % 1440;
                if (utc != 23 * 60 + 59) return false;
            }
            return true;
        }

        private static bool Digits(string s, int start, int count, out int value)
        {
            value = 0;
            for (var i = start; i < start + count; i++)
            {
                if (!char.IsAsciiDigit(s[i])) return false;
                value = value * 10 + (s[i] - '0');
            }
            return true;
        }
    }
}
