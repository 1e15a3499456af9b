using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using Traceability.Domain.Webhooks;

namespace Traceability.Api.OpenApi;

/// <summary>The webhooks the API sends, one per kind, with the payload types the outbox writes: what a receiver must
/// accept and how it checks the signature. Published in OpenAPI 3.1's <c>webhooks</c>, with their payload schemas in
/// components.</summary>
public sealed class OpenApiWebhooks : IDocumentFilter
{
    private static readonly (string Kind, Type Data, string Summary)[] Kinds =
    [
        (WebhookKinds.BatchCreated, typeof(BatchCreatedData), "A batch of the subscriber's was registered."),
        (WebhookKinds.EventRecorded, typeof(EventRecordedData), "An event was recorded on one of the subscriber's batches (also one captured through EPCIS)."),
        (WebhookKinds.BatchRecalled, typeof(BatchRecalledData), "A batch was recalled: the subscriber's own, one made from a recalled batch (recalledBecauseOf), or, for an authority, any."),
        (WebhookKinds.BatchRecallWithdrawn, typeof(BatchRecallWithdrawnData), "A recall that had reached the batch was withdrawn and no other recall covers it: the batch is no longer recalled."),
        (WebhookKinds.CertificationRecorded, typeof(CertificationData), "An OCOP certification was recorded for the subscriber's product, or by the subscribing authority."),
        (WebhookKinds.CertificationExpiring, typeof(CertificationData), "An OCOP certification's validUntil is 30, then 7 days away (Vietnam time); daysLeft says how many."),
        (WebhookKinds.SerialsIssued, typeof(SerialsIssuedData), "Item serials were issued for one of the subscriber's batches."),
        (WebhookKinds.ReportReceived, typeof(ReportReceivedData), "A shopper reported one of the subscriber's lots (or one of its items) from its public page; read and answer it at links.report."),
    ];

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        var webhooks = new Dictionary<string, IOpenApiPathItem>();
        foreach (var (kind, data, summary) in Kinds)
        {
            var schema = context.SchemaGenerator.GenerateSchema(typeof(WebhookEnvelope<>).MakeGenericType(data), context.SchemaRepository);
            // The envelope's data is the kind's payload and never null (a generic parameter reads as possibly null).
            if (schema is OpenApiSchemaReference { Reference.Id: { } id } && context.SchemaRepository.Schemas[id] is OpenApiSchema envelope)
            {
                envelope.Properties!["data"] = context.SchemaGenerator.GenerateSchema(data, context.SchemaRepository);
                envelope.Required ??= new HashSet<string>();
                envelope.Required.Add("data");
            }
            webhooks[kind] = new OpenApiPathItem
            {
                Operations = new Dictionary<HttpMethod, OpenApiOperation>
                {
                    [HttpMethod.Post] = new()
                    {
                        OperationId = "Webhook_" + kind.Replace('.', '_'),
                        Tags = new HashSet<OpenApiTagReference> { new("Webhooks", document) },
                        Summary = summary,
                        Description = $"POSTed to each enabled subscription to `{kind}`, at least once, in order per subscription, signed per Standard Webhooks: "
                                      + "verify `webhook-signature` (space-separated `v1,<base64 HMAC-SHA256>` of `{webhook-id}.{webhook-timestamp}.{body}`, keyed by the "
                                      + "secret's bytes after `whsec_`) and deduplicate on `webhook-id`. Any 2xx within 10 s acknowledges; anything else is retried with "
                                      + "back-off for 24 hours.",
                        Parameters =
                        [
                            Header("webhook-id", "The message's id (msg_…): the same on every attempt and redelivery."),
                            Header("webhook-timestamp", "When this attempt was signed, in Unix seconds; refuse old ones (replays)."),
                            Header("webhook-signature", "v1,<base64 signature> — two while a rotated secret's previous one still signs."),
                        ],
                        RequestBody = new OpenApiRequestBody
                        {
                            Required = true,
                            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
                        },
                        Responses = new OpenApiResponses
                        {
                            ["200"] = new OpenApiResponse { Description = "Received (any 2xx)." },
                            ["default"] = new OpenApiResponse { Description = "Not received: the delivery is retried." },
                        },
                        Security = [new OpenApiSecurityRequirement()],
                    },
                },
            };
        }
        document.Webhooks = webhooks;
    }

    private static OpenApiParameter Header(string name, string description) => new()
    {
        Name = name, In = ParameterLocation.Header, Required = true, Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };
}
