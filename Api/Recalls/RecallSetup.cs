namespace Traceability.Api.Recalls;

public static class RecallSetup
{
    public static IServiceCollection AddTraceabilityRecalls(this IServiceCollection services)
    {
        services.AddSingleton<RecallPropagator>();
        services.AddHostedService(sp => sp.GetRequiredService<RecallPropagator>());
        return services;
    }
}
