using NUnit.Framework;
using Traceability.Domain;
using Traceability.Domain.Events;

namespace Traceability.Tests.Domain;

/// <summary>What a batch and an event must be to be kept, as Domain decides it for every way in (JSON and EPCIS).</summary>
public sealed class AcceptanceRuleTests
{
    private static readonly DateOnly Today = new(2026, 12, 6);
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 8, 0, 0, TimeSpan.FromHours(7));

    private static IReadOnlyDictionary<string, string[]> Errors(Action<FieldErrors> rule)
    {
        var v = new FieldErrors();
        rule(v);
        try { v.ThrowIfInvalid(); return new Dictionary<string, string[]>(); }
        catch (ValidationFailedException e) { return e.Errors; }
    }

    [Test]
    public void ABatch_IsNotProducedInTheFuture_NorExpiresBeforeItIsMade_AndTakesItsProductsShelfLife()
    {
        var honey = new Product(Guid.NewGuid(), Guid.NewGuid(), "Mật ong rừng", null, null, ProductCategory.Food, null, [], 730, null, Now, Now);
        Assert.That(Errors(v => BatchRules.Dates(v, Today.AddDays(1), null, honey, Today)).Keys, Is.EqualTo(new[] { "producedOn" }));
        Assert.That(Errors(v => BatchRules.Dates(v, Today, Today.AddDays(-1), honey, Today)).Keys, Is.EqualTo(new[] { "expiresOn" }));
        Assert.That(Errors(v => BatchRules.Dates(v, null, null, honey, Today))["producedOn"], Is.EqualTo(new[] { "Required." }));
        Assert.That(BatchRules.Dates(new FieldErrors(), Today, null, honey, Today).ExpiresOn, Is.EqualTo(Today.AddDays(730)));
        Assert.That(BatchRules.Dates(new FieldErrors(), Today, Today.AddDays(30), honey, Today).ExpiresOn, Is.EqualTo(Today.AddDays(30)), "a given expiry wins");
    }

    [Test]
    public void AQuantity_NeedsARecommendation20Unit()
    {
        Assert.That(Errors(v => BatchRules.CheckQuantity(v, 12.5m, null)).Keys, Is.EqualTo(new[] { "unit" }));
        Assert.That(Errors(v => BatchRules.CheckQuantity(v, 12.5m, "kg")).Keys, Is.EqualTo(new[] { "unit" }));
        Assert.That(Errors(v => BatchRules.CheckQuantity(v, 12.5m, "KGM")), Is.Empty);
    }

    [Test]
    public void Coordinates_AreBothOrNeither_WithinRange()
    {
        Assert.That(Errors(v => v.Coordinates("origin.", 19.8, null)).Keys, Is.EqualTo(new[] { "origin" }));
        Assert.That(Errors(v => v.Coordinates("events[2].location.", 91, 105)).Keys, Is.EqualTo(new[] { "events[2].location.latitude" }));
        Assert.That(Errors(v => v.Coordinates("origin.", 19.8, 105.8)), Is.Empty);
    }

    [Test]
    public void AnEvent_IsAtMostTenMinutesAhead_AndOnlyAProducersStep()
    {
        Assert.That(Errors(v => EventRules.CheckOccurredAt(v, "occurredAt", Now.AddMinutes(10), Now)), Is.Empty, "a phone's clock a little fast");
        Assert.That(Errors(v => EventRules.CheckOccurredAt(v, "occurredAt", Now.AddMinutes(11), Now)).Keys, Is.EqualTo(new[] { "occurredAt" }));
        Assert.That(Errors(v => EventRules.CheckType(v, "type", EventType.Recalling, "recalling")).Keys, Is.EqualTo(new[] { "type" }));
        Assert.That(Errors(v => EventRules.CheckType(v, "type", EventType.Harvesting, "harvesting")), Is.Empty);
    }

    [Test]
    public void Attributes_KeysAreNormalised_AndLimited()
    {
        var v = new FieldErrors();
        var kept = EventRules.Attributes(v, "", new Dictionary<string, string?> { ["Giống lúa".Normalize(System.Text.NormalizationForm.FormD)] = "ST25" });
        Assert.That(kept.Keys.Single(), Is.EqualTo("Giống lúa".Normalize()), "NFC");
        var many = Enumerable.Range(0, EventRules.MaxAttributes + 1).ToDictionary(i => $"k{i}", i => (string?)"v");
        Assert.That(Errors(x => EventRules.Attributes(x, "", many)).Keys, Is.EqualTo(new[] { "attributes" }));
        Assert.That(Errors(x => EventRules.Attributes(x, "", new Dictionary<string, string?> { ["a\nb"] = "x" })).Keys, Is.EqualTo(new[] { "attributes" }));
    }

    [Test]
    public void Items_AreValidSerials_NamedOnce_AndGlnsCarryTheirCheckDigit()
    {
        Assert.That(Errors(v => EventRules.Items(v, "", ["A1", "A1"])).Keys, Is.EqualTo(new[] { "items[1]" }));
        Assert.That(Errors(v => EventRules.Items(v, "", ["bad serial"])).Keys, Is.EqualTo(new[] { "items[0]" }));
        var check = Gtin.CheckDigit("893456700001");
        Assert.That(EventRules.IsGln($"893456700001{check}"), Is.True);
        Assert.That(EventRules.IsGln($"893456700001{(check + 1) % 10}"), Is.False, "a wrong check digit");
        Assert.That(EventRules.IsGln("893456700001"), Is.False, "12 digits");
        Assert.That(EventRules.IsCertificateUrl("http://example.vn/c.pdf"), Is.False, "https only");
    }
}
