using Traceability.Api.Auth;
using Traceability.Api.Authorities;
using Traceability.Api.Batches;
using Traceability.Api.Certifications;
using Traceability.Api.Epcis;
using Traceability.Api.Events;
using Traceability.Api.Hosting;
using Traceability.Api.OpenApi;
using Traceability.Api.Producers;
using Traceability.Api.Products;
using Traceability.Api.PublicRecords;
using Traceability.Api.PublicRecords.Endpoints;
using Traceability.Api.Recalls;
using Traceability.Api.ReferenceData;
using Traceability.Api.Serials;
using Traceability.Api.Webhooks;
using Traceability.Api.Catalogue;
using Traceability.Api.Reports;
using Traceability.Api.Oversight;
using Traceability.Api.Dashboard;
using Traceability.Api.Backups;
using Traceability.Api.Telemetry;

MallocArenas.Limit();
var builder = WebApplication.CreateBuilder(args);
builder.Logging.AddTraceabilityLogging(builder.Environment);

builder.Services.AddTraceabilityOptions();
builder.Services.AddTraceabilityDatabase();
builder.Services.AddTraceabilityHttp();
builder.Services.AddTraceabilityAuth();
builder.Services.AddTraceabilityOpenApi();
builder.Services.AddTraceabilityPublic();
builder.Services.AddTraceabilityWebhooks();
builder.Services.AddTraceabilityRecalls();
builder.Services.AddTraceabilityEpcis();
builder.Services.AddTraceabilityDashboard(builder.Environment, builder.Configuration);
builder.Services.AddTraceabilityBackups();
builder.Services.AddTraceabilityTelemetry(builder.Configuration);

var app = builder.Build();

await app.InitializeDatabaseAsync();
if (args is ["backup", ..]) return await app.RunBackupCommandAsync();

app.UseTraceabilityHttp();
app.UseTraceabilityOpenApi();

app.MapHealthEndpoints();
app.MapTelemetryEndpoints();
app.MapPublicPageEndpoints();
app.MapResolverEndpoints();
app.MapProductRecordEndpoints();
app.MapItemEndpoints();
app.MapCatalogueEndpoints();
app.MapReportEndpoints();
app.MapDashboardEndpoints();
var api = app.MapGroup("/api/v1");
api.MapProducerEndpoints();
api.MapProvinceEndpoints();
api.MapAuthorityEndpoints();
api.MapProductEndpoints();
api.MapProductLinkEndpoints();
api.MapCertificationEndpoints();
api.MapBatchEndpoints();
api.MapRecallEndpoints();
api.MapEventEndpoints();
api.MapPublicRecordEndpoints();
api.MapLabelEndpoints();
api.MapSerialEndpoints();
api.MapWebhookEndpoints();
api.MapEpcisEndpoints();
api.MapEpcisQueryEndpoints();
api.MapOversightEndpoints();
api.MapBackupEndpoints();

app.Run();
return 0;

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
