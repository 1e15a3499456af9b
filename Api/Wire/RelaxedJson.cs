using System.Text.Encodings.Web;
using System.Text.Json;

namespace Traceability.Api.Wire;

/// <summary>For JSON written by hand (JsonNode documents): Vietnamese letters as themselves, like the API's own JSON.</summary>
public static class RelaxedJson
{
    public static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
