using Microsoft.Extensions.Options;
using Traceability.Infrastructure;
using Traceability.Infrastructure.Repositories;
using Traceability.Infrastructure.Webhooks;

namespace Traceability.Api.Webhooks;

public static class WebhookSetup
{
    public static IServiceCollection AddTraceabilityWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration("Webhooks")
            .Validate(o => o.TimeoutSeconds > 0 && o.LeaseSeconds > o.TimeoutSeconds && o.PollMilliseconds > 0 && o.BatchSize is > 0 and <= 1000
                           && o.RetryHours > 0 && o.DisableAfterDays > 0 && o.ExpiryCheckMinutes > 0 && o.KeepDays > 0,
                "Webhooks: TimeoutSeconds > 0, LeaseSeconds > TimeoutSeconds, PollMilliseconds > 0, BatchSize 1–1000, RetryHours, DisableAfterDays, ExpiryCheckMinutes and KeepDays > 0.")
            .Validate(o => SecretKeyIsValid(o.SecretKey), "Webhooks:SecretKey must be base64 of at least 32 random bytes (openssl rand -base64 32).")
            .ValidateOnStart();
        services.AddSingleton<WebhookOutbox>();
        services.AddSingleton<IAnnouncements, Announcer>();
        services.AddSingleton(sp => new WebhookSecrets(WebhookSecrets.KeyFrom(sp.GetRequiredService<IOptions<WebhookOptions>>().Value.SecretKey)));
        services.AddSingleton<WebhookRepository>();
        services.AddSingleton<WebhookDeliveryRepository>();
        services.AddSingleton<ExpiryNoticeRepository>();
        services.AddSingleton<WebhookSender>();
        services.AddHostedService<WebhookDispatcher>();
        return services;
    }

    private static bool SecretKeyIsValid(string? key)
    {
        try { _ = WebhookSecrets.KeyFrom(key); return true; }
        catch (Exception e) when (e is FormatException or InvalidOperationException) { return false; }
    }
}
