using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Traceability.Api.OpenApi;

/// <summary>Corrections to the document Swashbuckle generates, so that generated clients and OpenAPI linters read the
/// API as it behaves (checked in CI with Redocly's recommended rules and a generated client).</summary>
public static class OpenApiShape
{
    /// <summary>Every content type a route serves, for each status (Swashbuckle keeps one per status): the page as HTML and
    /// the record as JSON under one 200, QR images as PNG or SVG, the linkset, the EPCIS document.</summary>
    public sealed class ContentTypes : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var produces = context.ApiDescription.ActionDescriptor.EndpointMetadata
                .OfType<Microsoft.AspNetCore.Http.Metadata.IProducesResponseTypeMetadata>().ToList();
            foreach (var group in produces.GroupBy(m => m.StatusCode))
            {
                operation.Responses ??= [];
                if (!operation.Responses.TryGetValue(group.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), out var found)
                    || found is not OpenApiResponse response) continue;
                foreach (var m in group)
                foreach (var type in m.ContentTypes)
                {
                    response.Content ??= new Dictionary<string, OpenApiMediaType>();
                    if (response.Content.ContainsKey(type)) continue;
                    response.Content[type] = new OpenApiMediaType
                    {
                        Schema = m.Type is { } t && t != typeof(void) && !type.StartsWith("text/", StringComparison.Ordinal)
                            && !type.StartsWith("image/", StringComparison.Ordinal)
                            ? context.SchemaGenerator.GenerateSchema(t, context.SchemaRepository)
                            : SchemaFor(type),
                    };
                }
            }
        }

        private static OpenApiSchema SchemaFor(string contentType) => contentType switch
        {
            "image/png" => new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
            "text/html" or "image/svg+xml" => new OpenApiSchema { Type = JsonSchemaType.String },
            "application/linkset+json" => new OpenApiSchema
            {
                Type = JsonSchemaType.Object, Description = "An RFC 9264 linkset as GS1's linkset schema has it: one entry per level (a lot, its GTIN), "
                    + "each with anchor, itemDescription and one array of links (href, title, type, hreflang) per GS1 link type URI.",
                Required = new HashSet<string> { "linkset" },
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["linkset"] = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Array,
                        Items = new OpenApiSchema
                        {
                            Type = JsonSchemaType.Object, Required = new HashSet<string> { "anchor", "itemDescription" },
                            Properties = new Dictionary<string, IOpenApiSchema>
                            {
                                ["anchor"] = new OpenApiSchema { Type = JsonSchemaType.String },
                                ["itemDescription"] = new OpenApiSchema { Type = JsonSchemaType.String },
                            },
                            AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.Object } },
                        },
                    },
                },
            },
            _ => new OpenApiSchema { Type = JsonSchemaType.Object, Description = "A JSON-LD document (GS1 EPCIS 2.0: its JSON schema is GS1's)." },
        };
    }

    /// <summary>References as OpenAPI 3.1 (JSON Schema 2020-12) reads them. Swashbuckle wraps every reference in allOf
    /// with the type beside it; a nullable one becomes <c>oneOf: [{type: 'null'}, $ref]</c> (a null would fail the
    /// referenced schema inside allOf; generated clients, NSwag's among them, read this form as a nullable reference), and
    /// one that is not nullable (a request body, a required property) goes back to a bare $ref.</summary>
    public sealed class NullableReferences : IDocumentFilter
    {
        public void Apply(OpenApiDocument document, DocumentFilterContext context)
        {
            foreach (var schema in document.Components?.Schemas?.Values.OfType<OpenApiSchema>() ?? [])
            {
                if (schema.Properties is null) continue;
                foreach (var name in schema.Properties.Keys.ToList())
                    schema.Properties[name] = Reference(schema.Properties[name]);
            }
            var operations = document.Paths?.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []) ?? [];
            foreach (var operation in operations)
            {
                var media = (operation.RequestBody?.Content?.Values.AsEnumerable() ?? [])
                    .Concat((operation.Responses?.Values.AsEnumerable() ?? []).SelectMany(r => r.Content?.Values.AsEnumerable() ?? []));
                foreach (var m in media.OfType<OpenApiMediaType>())
                    if (m.Schema is not null) m.Schema = Reference(m.Schema);
            }
        }

        private static IOpenApiSchema Reference(IOpenApiSchema schema)
        {
            if (schema is not OpenApiSchema { AllOf: [OpenApiSchemaReference target] } wrapper) return schema;
            if (wrapper.Type is { } type && type.HasFlag(JsonSchemaType.Null))
                return new OpenApiSchema { OneOf = [new OpenApiSchema { Type = JsonSchemaType.Null }, target], Description = wrapper.Description };
            return target;
        }
    }

    /// <summary>What each group of operations is for.</summary>
    public sealed class TagDescriptions : IDocumentFilter
    {
        private static readonly Dictionary<string, string> Descriptions = new()
        {
            ["Authorities"] = "OCOP authorities (province, national), registered by the admin.",
            ["Batches"] = "Production batches: lots with a public tracing code, their lineage, labels and recalls.",
            ["Events"] = "Supply-chain events of a batch, hash-chained; single or bulk, idempotent.",
            ["GS1 resolver"] = "The GS1-Conformant resolver: GS1 Digital Links, compressed ones, the resolver description file.",
            ["Health"] = "Liveness and readiness for load balancers and orchestrators.",
            ["OCOP certifications"] = "OCOP star ratings, recorded by authorities.",
            ["Producers"] = "Cooperatives and other producers, and their API keys.",
            ["Products"] = "A producer's OCOP products.",
            ["Serials"] = "One code per item: serials (GS1 AI 21) with PINs for anti-counterfeit labels, the printer's file, voiding.",
            ["Public pages"] = "What a shopper's scan opens: the page of a batch or a product, and its QR images.",
            ["Public records"] = "The public records as JSON and EPCIS 2.0, for third-party apps (no key).",
            ["Webhooks"] = "Subscriptions to signed announcements of changes to an account's own data, their deliveries, and the webhooks themselves (the document's webhooks).",
            ["EPCIS"] = "The EPCIS 2.0 REST binding: capture into your own lots, and the SimpleEventQuery.",
        };

        public void Apply(OpenApiDocument document, DocumentFilterContext context)
        {
            foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
                if (tag.Name is { } name && Descriptions.TryGetValue(name, out var description)) tag.Description = description;
        }
    }
}
