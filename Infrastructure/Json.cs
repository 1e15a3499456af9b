using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Traceability.Infrastructure;

/// <summary>The JSON the API writes outside its HTTP wire (whose options are Api/Hosting/HttpSetup.Configure's): what is
/// kept in JSON text columns, written by hand as JsonNode documents (EPCIS, linksets), and announced to webhooks.
/// Vietnamese letters are written as themselves: none of it is embedded in HTML (the page's schema.org block is, and
/// escapes; Api/Pages/SchemaOrg.cs).</summary>
public static class Json
{
    /// <summary>Stored lists and maps, and JsonNode documents: camelCase, readable Vietnamese.</summary>
    public static readonly JsonSerializerOptions Stored = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Webhook payloads: as stored, with absent values left out.</summary>
    public static readonly JsonSerializerOptions Announced = new(Stored) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
}
