using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using Traceability.Api.Auth;
using Traceability.Api.Hosting;
using Traceability.Api.Wire;

namespace Traceability.Api.OpenApi;

/// <summary>Swagger UI at /swagger; the document at /swagger/v1/swagger.yaml is what openapi.yaml publishes.</summary>
public static class OpenApiSetup
{
    public static IServiceCollection AddTraceabilityOpenApi(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "OCOP Traceability API",
                Version = "v1",
                Description = "Producers, OCOP products and certifications, production batches and their public tracing codes, "
                            + "for Vietnam's One Commune One Product programme. Authenticate with the X-Api-Key header.",
            });
            o.AddSecurityDefinition(ApiKeyAuthentication.SchemeName, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthentication.Header,
                Description = "An API key issued by this service: admin, authority or producer.",
            });
            o.OperationFilter<SecurityRequirementFilter>();
            o.OperationFilter<OpenApiShape.ContentTypes>();
            o.DocumentFilter<OpenApiWebhooks>();
            o.DocumentFilter<OpenApiShape.NullableReferences>();
            o.DocumentFilter<OpenApiShape.TagDescriptions>();
            o.SchemaFilter<OneOfFilter>();
            o.OperationFilter<OpenApiExamples>();
            o.SupportNonNullableReferenceTypes();
            // What is never null is also always there: generated clients then type it as non-nullable, and a wire that
            // broke that would fail them loudly.
            o.NonNullableReferenceTypesAsRequired();
            // Every reference comes wrapped in allOf; OpenApiShape.NullableReferences makes a nullable one oneOf [null, $ref]
            // and unwraps the rest.
            o.UseAllOfToExtendReferenceSchemas();
        });
        return services;
    }

    public static WebApplication UseTraceabilityOpenApi(this WebApplication app)
    {
        // Only under /swagger: Swashbuckle's middleware matches every request's path otherwise (a regular expression
        // among them), which showed in the profile of the public reads.
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/swagger"), swagger =>
        {
            // The server is the deployment's public base URL (Traceability:PublicBaseUrl), never the host that asked.
            var publicBase = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TraceabilityOptions>>().Value.PublicBase;
            swagger.UseSwagger(o =>
            {
                o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
                o.PreSerializeFilters.Add((doc, _) =>
                    doc.Servers = [new OpenApiServer { Url = publicBase, Description = "This deployment (Traceability:PublicBaseUrl)" }]);
            });
            var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TraceabilityOptions>>().Value;
            if (options.SwaggerUi ?? !app.Environment.IsProduction()) swagger.UseSwaggerUI(o => o.DocumentTitle = "OCOP Traceability API");
        });
        return app;
    }

    /// <summary>Lists the allowed values of string fields marked <see cref="OneOfAttribute"/>.</summary>
    private sealed class OneOfFilter : ISchemaFilter
    {
        public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
        {
            if (schema.Properties is null) return;
            foreach (var property in context.Type.GetProperties())
            {
                if (property.GetCustomAttributes(typeof(OneOfAttribute), false).FirstOrDefault() is not OneOfAttribute oneOf) continue;
                var name = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(property.Name);
                if (schema.Properties.TryGetValue(name, out var p) && p is OpenApiSchema target)
                    target.Enum = oneOf.Values.Select(v => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(v)!).ToList();
            }
        }
    }

    /// <summary>Endpoints that require a key say so, with their 401 and 403 answers.</summary>
    private sealed class SecurityRequirementFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<Idempotency.IdempotentMetadata>().Any())
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = Idempotency.IdempotencyFilter.Header, In = ParameterLocation.Header, Required = false,
                    Description = "A key the client makes up for this operation (e.g. a UUID). Retrying with the same key and body within 24 hours "
                                + "returns the first response and records nothing new; the same key with another body → 422; while the first is still running → 409.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 255 },
                });
            }
            if (metadata.OfType<Auth.OptionalApiKey>().Any())
            {
                // Anyone, or with a key: either requirement is met.
                operation.Security = [new OpenApiSecurityRequirement(), new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuthentication.SchemeName, context.Document)] = [] }];
                return;
            }
            if (metadata.OfType<IAllowAnonymous>().Any() || !metadata.OfType<IAuthorizeData>().Any())
            {
                // Public, and says so: one empty requirement (security: [{}]) is OpenAPI's "no authentication"; an empty
                // list would be the same, but the serializer leaves an empty list out.
                operation.Security = [new OpenApiSecurityRequirement()];
                return;
            }
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuthentication.SchemeName, context.Document)] = [] }];
            var problem = context.SchemaGenerator.GenerateSchema(typeof(ProblemDetails), context.SchemaRepository);
            operation.Responses ??= [];
            operation.Responses.TryAdd("401", Problem("No API key, or an unknown or revoked one.", problem));
            var method = context.ApiDescription.HttpMethod ?? "GET";
            var scope = metadata.OfType<Auth.RequiredScope>().FirstOrDefault()?.Scope
                        ?? (method is "GET" or "HEAD" ? Domain.KeyScopes.Read : null);
            operation.Responses.TryAdd("403", Problem(scope is null
                ? "The key's role may not perform this operation, or the key lacks one of the scopes (this operation needs a key with every scope)."
                : $"The key's role may not perform this operation, or the key lacks the scope `{scope}` (named in `missingScope`).", problem));
            operation.Responses.TryAdd("429", Problem("This API key made too many reads or writes in the window (RateLimiting:Keys); see Retry-After and the RateLimit fields.", problem));
            operation.Description = (operation.Description is { Length: > 0 } d ? d + "\n\n" : "")
                                    + (scope is null ? "Key scope: every scope." : $"Key scope: `{scope}`.");
        }

        internal static OpenApiResponse Problem(string description, IOpenApiSchema schema) => new()
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = schema } },
        };
    }
}
