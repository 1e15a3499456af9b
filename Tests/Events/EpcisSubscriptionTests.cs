using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;
using Traceability.Domain.Webhooks;
using Traceability.Tests.Support;

namespace Traceability.Tests.Events;

/// <summary>The EPCIS 2.0 REST binding's named queries and subscriptions: a partner names its query, reads it by name,
/// and gets its new results pushed — after each capture, or on a schedule — as signed webhooks, never another
/// producer's events, and never the same result twice.</summary>
public sealed class EpcisSubscriptionTests
{
    private static StringContent LdJson(string lot, string bizStep, string eventTime) => new($$"""
        {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"], "type": "EPCISDocument", "schemaVersion": "2.0",
         "creationDate": "2026-11-30T10:00:00Z", "epcisBody": {"eventList": [
           {"type": "ObjectEvent", "eventTime": "{{eventTime}}", "eventTimeZoneOffset": "+07:00", "action": "OBSERVE", "bizStep": "{{bizStep}}",
            "quantityList": [{"epcClass": "{{lot}}"}]}]
         }
        }
        """, Encoding.UTF8, "application/ld+json");

    private static JsonElement Document(WebhookReceiver.Received r) => r.Json.GetProperty("data").GetProperty("epcisQueryDocument");

    private static List<JsonElement> Events(WebhookReceiver.Received r) =>
        Document(r).GetProperty("epcisBody").GetProperty("queryResults").GetProperty("resultsBody").GetProperty("eventList").EnumerateArray().ToList();

    [Test]
    public async Task AStreamSubscription_PushesEachCapturedEventOnce_Signed_AndOnlyTheQuerysOwn()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var api = new ApiFactory(new() { ["Epcis:SubscriptionPollMilliseconds"] = "200", ["Epcis:SettleSeconds"] = "1" });
        var coop = await api.CreateProducerAsync();
        var other = await api.CreateProducerAsync("Hộ kinh doanh khác");
        var gtin = Scenario.NewGtin13();
        await coop.CreateBatchAsync((await coop.CreateProductAsync(gtin)).Id(), "DONG-1");
        var lot = $"https://id.gs1.org/01/0{gtin}/10/DONG-1";

        // A named query, read by name.
        var created = await (await coop.Client.PostAsJsonAsync("/api/v1/epcis/queries", new
        {
            name = "lot-dong-1", query = new Dictionary<string, object> { ["MATCH_anyEPCClass"] = new[] { lot }, ["EQ_bizStep"] = "receiving" },
        })).Json(HttpStatusCode.Created);
        Assert.That(created.GetProperty("name").GetString(), Is.EqualTo("lot-dong-1"));
        await (await coop.Client.PostAsJsonAsync("/api/v1/epcis/queries", new { name = "lot-dong-1", query = new Dictionary<string, object> { ["eventType"] = "ObjectEvent" } }))
            .Json(HttpStatusCode.Conflict);
        var bad = await (await coop.Client.PostAsJsonAsync("/api/v1/epcis/queries", new { name = "bad", query = new Dictionary<string, object> { ["EQ_colour"] = "red" } })).Json(HttpStatusCode.BadRequest);
        Assert.That(bad.GetProperty("errors").TryGetProperty("EQ_colour", out _), Is.True, "checked as GET /epcis/events checks it");
        await (await other.Client.GetAsync("/api/v1/epcis/queries/lot-dong-1")).Json(HttpStatusCode.NotFound);

        var subscribed = await (await coop.Client.PostAsJsonAsync("/api/v1/epcis/queries/lot-dong-1/subscriptions", new { dest = receiver.Url, stream = true }))
            .Json(HttpStatusCode.Created);
        var secret = subscribed.GetProperty("secret").GetString()!;
        var webhookId = subscribed.GetProperty("webhookId").GetGuid();
        await (await other.Client.PostAsJsonAsync("/api/v1/epcis/queries/lot-dong-1/subscriptions", new { dest = receiver.Url, stream = true }))
            .Json(HttpStatusCode.NotFound);

        // Two receipts of the lot, a shipping of it (another step), and another producer's capture: the receipts come.
        await (await coop.Client.PostAsync("/api/v1/epcis/capture", LdJson(lot, "receiving", "2026-11-30T08:00:00+07:00"))).Json(HttpStatusCode.Accepted);
        await (await coop.Client.PostAsync("/api/v1/epcis/capture", LdJson(lot, "shipping", "2026-11-30T09:00:00+07:00"))).Json(HttpStatusCode.Accepted);
        await (await other.Client.PostAsync("/api/v1/epcis/capture", LdJson("urn:epc:class:lgtin:4012345.012345.X", "receiving", "2026-11-30T09:00:00+07:00")))
            .Json(HttpStatusCode.Accepted);
        var first = await receiver.WaitForAsync(r => r.SelectMany(Events).Count() >= 1);
        await (await coop.Client.PostAsync("/api/v1/epcis/capture", LdJson(lot, "receiving", "2026-11-30T10:00:00+07:00"))).Json(HttpStatusCode.Accepted);
        var got = await receiver.WaitForAsync(r => r.SelectMany(Events).Count() >= 2);
        await Task.Delay(2500);   // several more looks: nothing is sent twice, nothing empty is sent
        got = receiver.Deliveries.ToList();

        Assert.That(got.Select(r => r.Type), Has.All.EqualTo(WebhookKinds.EpcisQueryResults));
        var events = got.SelectMany(Events).ToList();
        Assert.That(events.Select(e => e.GetProperty("eventTime").GetString()), Is.EqualTo(new[] { "2026-11-30T08:00:00+07:00", "2026-11-30T10:00:00+07:00" }));
        Assert.That(events.Select(e => e.GetProperty("bizStep").GetString()), Has.All.EqualTo("receiving"));
        Assert.That(got.Select(r => r.Json.GetProperty("data").GetProperty("queryName").GetString()), Has.All.EqualTo("lot-dong-1"));
        foreach (var r in got)
            Assert.That(r.Signature.Split(' '), Does.Contain(WebhookSignature.Sign(secret, r.Id, long.Parse(r.Timestamp), r.Body)));

        // The deliveries are the webhook's, listed as any other's; the subscription says how far it has delivered.
        var deliveries = await (await coop.Client.GetAsync($"/api/v1/webhooks/{webhookId}/deliveries")).Json(HttpStatusCode.OK);
        Assert.That(deliveries.GetProperty("items").GetArrayLength(), Is.EqualTo(got.Count));
        var listed = await (await coop.Client.GetAsync("/api/v1/epcis/queries/lot-dong-1/subscriptions")).Json(HttpStatusCode.OK);
        Assert.That(listed[0].GetProperty("deliveredUntil").GetDateTimeOffset(), Is.GreaterThan(DateTimeOffset.Parse(got[^1].Json.GetProperty("data").GetProperty("from").GetString()!)));
        Assert.That(listed[0].TryGetProperty("secret", out var shown) ? shown.ValueKind : JsonValueKind.Null, Is.EqualTo(JsonValueKind.Null), "the secret is shown once");

        // Read by name: the same events; ended: nothing more is sent.
        var byName = await (await coop.Client.GetAsync("/api/v1/epcis/queries/lot-dong-1/events")).Json(HttpStatusCode.OK);
        Assert.That(byName.GetProperty("epcisBody").GetProperty("queryResults").GetProperty("resultsBody").GetProperty("eventList").GetArrayLength(), Is.EqualTo(2));
        await (await coop.Client.DeleteAsync($"/api/v1/epcis/queries/lot-dong-1/subscriptions/{subscribed.GetProperty("subscriptionID").GetString()}"))
            .Json(HttpStatusCode.NoContent);
        await (await coop.Client.GetAsync($"/api/v1/webhooks/{webhookId}")).Json(HttpStatusCode.NotFound);
        var before = receiver.Deliveries.Count;
        await (await coop.Client.PostAsync("/api/v1/epcis/capture", LdJson(lot, "receiving", "2026-11-30T11:00:00+07:00"))).Json(HttpStatusCode.Accepted);
        await Task.Delay(2500);
        Assert.That(receiver.Deliveries.Count, Is.EqualTo(before));
        _ = first;
    }

    [Test]
    public async Task AScheduledSubscription_RunsAtItsTimes_AndReportsEmptyWhenAsked()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 1, 58, 0, TimeSpan.Zero));   // 08:58 Vietnam time
        using var api = new ApiFactory(new() { ["Epcis:SubscriptionPollMilliseconds"] = "100", ["Epcis:SettleSeconds"] = "1" }).WithClock(clock);
        var coop = await api.CreateProducerAsync();
        await (await coop.Client.PostAsJsonAsync("/api/v1/epcis/queries", new { name = "receipts", query = new Dictionary<string, object> { ["EQ_bizStep"] = "receiving" } }))
            .Json(HttpStatusCode.Created);
        var refused = await (await coop.Client.PostAsJsonAsync("/api/v1/epcis/queries/receipts/subscriptions",
            new { dest = receiver.Url, schedule = new { minute = "0", hour = "25" } })).Json(HttpStatusCode.BadRequest);
        Assert.That(refused.GetProperty("errors").TryGetProperty("schedule.hour", out _), Is.True);
        await (await coop.Client.PostAsJsonAsync("/api/v1/epcis/queries/receipts/subscriptions",
            new { dest = "ftp://htx.example.vn/epcis", stream = true })).Json(HttpStatusCode.BadRequest);

        await (await coop.Client.PostAsJsonAsync("/api/v1/epcis/queries/receipts/subscriptions",
            new { dest = receiver.Url, schedule = new Dictionary<string, string> { ["minute"] = "0", ["hour"] = "9-17" }, reportIfEmpty = true }))
            .Json(HttpStatusCode.Created);
        await (await coop.Client.PostAsync("/api/v1/epcis/capture", LdJson("urn:epc:class:lgtin:4012345.012345.L1", "receiving", "2026-11-30T08:30:00+07:00")))
            .Json(HttpStatusCode.Accepted);
        await Task.Delay(1000);
        Assert.That(receiver.Deliveries, Is.Empty, "not before 09:00");

        // 09:00: the receipt. The subscriber fails the first time; the webhooks retry it, the same message (webhook-id).
        var answers = new Queue<int>([503]);
        receiver.Answer = _ => Task.FromResult(answers.TryDequeue(out var status) ? status : 200);
        clock.Advance(TimeSpan.FromMinutes(2));
        var got = await receiver.WaitForAsync(r => r.Count >= 2, tick: () => clock.Advance(TimeSpan.FromSeconds(1)));
        Assert.That(got[1].Id, Is.EqualTo(got[0].Id), "retried after a failure");
        Assert.That(Events(got[1]), Has.Count.EqualTo(1));
        // The next hour: nothing new, reported empty because the subscriber asked.
        clock.Advance(TimeSpan.FromMinutes(60));
        got = await receiver.WaitForAsync(r => r.Count >= 3, tick: () => clock.Advance(TimeSpan.FromSeconds(1)));
        Assert.That(Events(got[2]), Is.Empty);
        Assert.That(got.Select(r => r.Id).Distinct().Count(), Is.EqualTo(2));
    }
}
