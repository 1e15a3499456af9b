using Microsoft.Extensions.Options;
using Traceability.Infrastructure;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Hosting;

public static class DatabaseSetup
{
    public static IServiceCollection AddTraceabilityDatabase(this IServiceCollection services)
    {
        TypeHandlers.Register();
        services.AddSingleton(sp => Database.CreateDialect(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value));
        services.AddSingleton<Database>();
        services.AddSingleton<ApiKeyRepository>();
        services.AddSingleton<ProducerRepository>();
        services.AddSingleton<AuthorityRepository>();
        services.AddSingleton<ProductRepository>();
        services.AddSingleton<CertificationRepository>();
        services.AddSingleton<BatchRepository>();
        services.AddSingleton<SerialIssueRepository>();
        services.AddSingleton<ItemRepository>();
        services.AddSingleton<EventRepository>();
        services.AddSingleton<LineageRepository>();
        services.AddSingleton<RecallRepository>();
        services.AddSingleton<IdempotencyRepository>();
        services.AddSingleton<HealthRepository>();
        services.AddSingleton<LeaseRepository>();
        services.AddSingleton<SettingsRepository>();
        services.AddSingleton<EpcisRepository>();
        services.AddSingleton<EpcisEventRepository>();
        services.AddSingleton<EpcisQueryRepository>();
        services.AddSingleton<LotHolderRepository>();
        services.AddSingleton<CatalogueRepository>();
        services.AddSingleton<ShopperReportRepository>();
        services.AddSingleton<OversightRepository>();
        services.AddSingleton<BacklogRepository>();
        services.AddSingleton<ProducerLinkRepository>();
        services.AddSingleton<DemoData>();
        services.AddSingleton<Producers.ProducerArchive>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]).AddCheck<Shutdown>("shutdown", tags: ["ready"]);
        return services;
    }
}
