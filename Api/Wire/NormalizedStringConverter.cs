using System.Text.Json;
using System.Text.Json.Serialization;
using Traceability.Domain;

namespace Traceability.Api.Wire;

/// <summary>Trims and NFC-normalises every string the API reads, so one place guarantees that
/// Vietnamese text arrives in the same form however it was typed; and refuses, naming the field, any string with a
/// control character or a bidirectional override (<see cref="Text.Problem"/>) wherever it is.</summary>
public sealed class NormalizedStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException($"Expected a string but found {reader.TokenType}.");
        var text = Text.Normalize(reader.GetString());
        return Text.Problem(text) is { } problem ? throw new JsonException(problem) : text;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
