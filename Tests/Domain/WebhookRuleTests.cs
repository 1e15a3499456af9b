using NUnit.Framework;
using Traceability.Domain.Webhooks;

namespace Traceability.Tests.Domain;

/// <summary>Which secrets sign a delivery, and when a failing subscription is switched off: the rules the dispatcher
/// applies, as Domain decides them.</summary>
public sealed class WebhookRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 8, 0, 0, TimeSpan.FromHours(7));

    [Test]
    public void AfterARotation_BothSecretsSign_UntilTheOverlapEnds()
    {
        Assert.That(Webhook.SigningSecrets("new", "old", Now.AddHours(1), Now), Is.EqualTo(new[] { "new", "old" }));
        Assert.That(Webhook.SigningSecrets("new", "old", Now, Now), Is.EqualTo(new[] { "new" }), "the overlap has ended");
        Assert.That(Webhook.SigningSecrets("new", null, null, Now), Is.EqualTo(new[] { "new" }));
    }

    [Test]
    public void Gone_DisablesAtOnce()
    {
        Assert.That(Webhook.DisableReason(gone: true, failingSince: null, Now, TimeSpan.FromDays(3), "HTTP 410"), Does.Contain("410 Gone"));
    }

    [Test]
    public void Failing_DisablesOnlyOnceItHasLastedTheWholeWindow()
    {
        var window = TimeSpan.FromDays(3);
        Assert.That(Webhook.DisableReason(false, null, Now, window, "HTTP 500"), Is.Null, "it has not failed before");
        Assert.That(Webhook.DisableReason(false, Now.AddDays(-3).AddSeconds(1), Now, window, "HTTP 500"), Is.Null, "a second short of the window");
        var reason = Webhook.DisableReason(false, Now.AddDays(-3), Now, window, "No answer within 10 s.");
        Assert.That(reason, Does.Contain("No answer within 10 s.").And.Contain($"{Now.AddDays(-3):u}"), "the owner reads why and since when");
    }
}
