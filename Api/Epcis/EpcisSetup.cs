namespace Traceability.Api.Epcis;

public static class EpcisSetup
{
    public static IServiceCollection AddTraceabilityEpcis(this IServiceCollection services)
    {
        services.AddOptions<EpcisOptions>().BindConfiguration("Epcis");
        services.AddSingleton<EpcisEventPage>().AddSingleton<EpcisAnswers>();
        services.AddHostedService<QuerySubscriptionRunner>();
        return services;
    }
}
