namespace Traceability.Api.Epcis;

public static class EpcisSetup
{
    public static IServiceCollection AddTraceabilityEpcis(this IServiceCollection services) => services.AddSingleton<EpcisEventPage>();
}
