using System.Text.Encodings.Web;
using System.Text.Json;

namespace Traceability.Infrastructure.Repositories;

/// <summary>How lists and maps are kept in JSON text columns: readable Vietnamese, camelCase.</summary>
internal static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
