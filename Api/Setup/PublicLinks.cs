using Microsoft.Extensions.Options;
using Traceability.Domain;

namespace Traceability.Api.Setup;

/// <summary>The canonical public URL of a batch: a GS1 Digital Link when the product has a GTIN,
/// otherwise the tracing-code page. Both sit under Traceability:PublicBaseUrl.</summary>
public sealed class PublicLinks(IOptions<TraceabilityOptions> options)
{
    private readonly string _base = options.Value.PublicBase;

    public string For(Batch batch, string? gtin14) => For(batch.Code, batch.LotNumber, gtin14);

    public string For(string code, string lotNumber, string? gtin14) => gtin14 is null
        ? $"{_base}/p/{code}"
        : $"{_base}/01/{gtin14}/10/{Uri.EscapeDataString(lotNumber)}";
}
