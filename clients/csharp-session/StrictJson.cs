using Newtonsoft.Json;

namespace Traceability.ClientSession.Generated;

/// <summary>The generated client reads strictly: a property the document does not declare fails the read, as do a
/// required property that is missing and a null where the document says there is none (NSwag marks those Required).
/// So any difference between openapi.yaml and what the API sends stops the session.</summary>
public partial class TraceabilityClient
{
    static partial void UpdateJsonSerializerSettings(JsonSerializerSettings settings)
    {
        settings.MissingMemberHandling = MissingMemberHandling.Error;
        // Dates and times stay as sent ("2025-11-20T06:30:00+07:00" is a string in the document, not a DateTime).
        settings.DateParseHandling = DateParseHandling.None;
    }
}
