using System.Text.Json;
using System.Text.Json.Serialization;
using Traceability.Domain;

namespace Traceability.Api.Json;

/// <summary>Trims and NFC-normalises every string the API reads, so one place guarantees that
/// Vietnamese text arrives in the same form however it was typed.</summary>
public sealed class NormalizedStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? Text.Normalize(reader.GetString())
            : throw new JsonException($"Expected a string but found {reader.TokenType}.");

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
