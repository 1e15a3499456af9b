using Traceability.Domain;

namespace Traceability.Api.Wire;

/// <summary>Documents a string field's allowed values (the snake_case names of <paramref name="enumType"/>) in the
/// OpenAPI schema. Validation itself happens in the request's mapping, which names the allowed values on failure.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OneOfAttribute(Type enumType) : Attribute
{
    public IReadOnlyList<string> Values { get; } = (IReadOnlyList<string>)typeof(WireEnum<>).MakeGenericType(enumType)
        .GetProperty(nameof(WireEnum<Role>.Names))!.GetValue(null)!;
}
