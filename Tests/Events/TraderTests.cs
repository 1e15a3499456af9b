using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Events;

/// <summary>Everyone in the chain on the same lot: a shipping event that names its receiver — and nothing else — lets a
/// distributor or retailer record what it does with the lot; those events say who recorded them, on the page and in the
/// chain; a recall reaches the traders the lot was shipped to.</summary>
public sealed class TraderTests
{
    private ApiFactory _api = null!;
    private Account _coop = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _api = new ApiFactory();
        _coop = await _api.CreateProducerAsync();
    }

    [OneTimeTearDown] public void Stop() => _api.Dispose();

    private async Task<(Guid Batch, string Code, string Lot, string Gtin)> NewLotAsync(string lotNumber)
    {
        var gtin = Scenario.NewGtin13();
        var batch = await _coop.CreateBatchAsync((await _coop.CreateProductAsync(gtin)).Id(), lotNumber);
        return (batch.Id(), batch.GetProperty("code").GetString()!, $"https://id.gs1.org/01/0{gtin}/10/{lotNumber}", gtin);
    }

    private static Task<HttpResponseMessage> AppendAsync(Account who, Guid batch, object e) => who.Client.PostAsJsonAsync($"/api/v1/batches/{batch}/events", e);

    [Test]
    public async Task AShippingEventNamingTheReceiver_LetsItRecordItsOwnSteps_AttributedOnThePageAndInTheChain()
    {
        var (batch, code, _, _) = await NewLotAsync("GIAO-1");
        var retailer = await _api.CreateProducerAsync("Siêu thị <Bình An>", "retailer");
        var stranger = await _api.CreateProducerAsync("Cửa hàng không liên quan", "retailer");

        // Before the lot is shipped to it, the retailer can neither record nor read anything about it.
        await (await AppendAsync(retailer, batch, new { type = "receiving", occurredAt = "2026-11-25T08:00:00+07:00" })).Json(HttpStatusCode.NotFound);
        await (await retailer.Client.GetAsync($"/api/v1/batches/{batch}")).Json(HttpStatusCode.NotFound);

        var shipped = await (await AppendAsync(_coop, batch, new { type = "shipping", occurredAt = "2026-11-24T15:00:00+07:00", receiver = retailer.Id }))
            .Json(HttpStatusCode.Created);
        Assert.That(shipped.GetProperty("receiver").GetGuid(), Is.EqualTo(retailer.Id));
        // Naming a receiver is the shipper's word: any producer could name a well-known shop. Until the shop records a
        // step of its own, the page says it has not confirmed.
        Assert.That(await _api.CreateClient().GetStringAsync($"/p/{code}"), Does.Contain("Giao cho: Siêu thị &lt;Bình An&gt; (bên nhận chưa xác nhận)"));

        var received = await (await AppendAsync(retailer, batch, new { type = "receiving", occurredAt = "2026-11-25T08:00:00+07:00", note = "Nhận 24 thùng" }))
            .Json(HttpStatusCode.Created);
        Assert.That(received.GetProperty("recordedBy").GetGuid(), Is.EqualTo(retailer.Id));
        await (await retailer.Client.PostAsJsonAsync("/api/v1/events", new
        {
            events = new[] { new { batchId = batch, type = "retail_selling", occurredAt = "2026-11-26T10:00:00+07:00" } },
        })).Json(HttpStatusCode.Created);
        await (await retailer.Client.GetAsync($"/api/v1/batches/{batch}")).Json(HttpStatusCode.OK);
        var listed = await (await retailer.Client.GetAsync($"/api/v1/batches/{batch}/events")).Json(HttpStatusCode.OK);
        Assert.That(listed.GetProperty("items").GetArrayLength(), Is.EqualTo(3));

        // A trader records a trader's steps, never the producer's, and corrects nothing; a stranger still nothing at all.
        var harvesting = await (await AppendAsync(retailer, batch, new { type = "harvesting", occurredAt = "2026-11-25T09:00:00+07:00" })).Json(HttpStatusCode.BadRequest);
        Assert.That(harvesting.GetProperty("errors").GetProperty("type")[0].GetString(), Does.Contain("receiving"));
        await (await AppendAsync(retailer, batch, new { type = "receiving", occurredAt = "2026-11-25T08:00:00+07:00", corrects = shipped.Id() }))
            .Json(HttpStatusCode.BadRequest);
        await (await AppendAsync(stranger, batch, new { type = "receiving", occurredAt = "2026-11-25T08:00:00+07:00" })).Json(HttpStatusCode.NotFound);
        await (await stranger.Client.PostAsJsonAsync("/api/v1/events", new
        {
            events = new[] { new { batchId = batch, type = "receiving", occurredAt = "2026-11-26T10:00:00+07:00" } },
        })).Json(HttpStatusCode.BadRequest);

        // The public record names who recorded what, the chain covers it, and the page says it in Vietnamese, encoded.
        var anonymous = _api.CreateClient();
        var recordText = await (await anonymous.GetAsync($"/api/v1/public/records/{code}")).Content.ReadAsStringAsync();
        var record = JsonDocument.Parse(recordText).RootElement;
        Assert.That(record.GetProperty("verification").GetProperty("valid").GetBoolean(), Is.True);
        Assert.That(record.GetProperty("events").EnumerateArray().Count(e => e.TryGetProperty("recordedBy", out var by) && by.ValueKind == JsonValueKind.String),
            Is.EqualTo(2));
        var party = record.GetProperty("parties").EnumerateArray().Single();
        Assert.That((party.GetProperty("name").GetString(), party.GetProperty("kind").GetString()), Is.EqualTo(("Siêu thị <Bình An>", "retailer")));
        Assert.That(await HashChainScript.VerifyAsync(recordText), Is.EqualTo(0), "docs/verify-hash-chain.py");
        var forged = System.Text.Json.Nodes.JsonNode.Parse(recordText)!;
        forged["events"]![1]!["recordedBy"] = stranger.Id.ToString();
        Assert.That(await HashChainScript.VerifyAsync(forged.ToJsonString()), Is.Not.EqualTo(0), "who recorded an event is in the chain");

        var page = await anonymous.GetStringAsync($"/p/{code}");
        Assert.That(page, Does.Contain("Ghi bởi: Siêu thị &lt;Bình An&gt;").And.Contain("Giao cho: Siêu thị &lt;Bình An&gt;"));
        Assert.That(page, Does.Not.Contain("chưa xác nhận"), "confirmed by the shop's own step");
        Assert.That(page, Does.Not.Contain("<Bình An>"));
    }

    [Test]
    public async Task TheWholeJourney_CooperativeToDistributorToRetailer_ShowsOnThePageAndInEPCIS_AndAnOutsiderAddsNothing()
    {
        var (batch, code, _, _) = await NewLotAsync("GIAO-2");
        var distributor = await _api.CreateProducerAsync("Nhà phân phối Miền Bắc", "distributor");
        var shop = await _api.CreateProducerAsync("Cửa hàng OCOP Thanh Hóa", "retailer");
        var outsider = await _api.CreateProducerAsync("Người ngoài", "retailer");

        // Only a shipping event names a receiver, and only an active account other than the caller.
        var notShipping = await (await AppendAsync(_coop, batch, new { type = "storing", occurredAt = "2026-11-24T15:00:00+07:00", receiver = distributor.Id }))
            .Json(HttpStatusCode.BadRequest);
        Assert.That(notShipping.GetProperty("errors").TryGetProperty("receiver", out _), Is.True);
        var nobody = await (await AppendAsync(_coop, batch, new { type = "shipping", occurredAt = "2026-11-24T15:00:00+07:00", receiver = Guid.NewGuid() }))
            .Json(HttpStatusCode.BadRequest);
        Assert.That(nobody.GetProperty("errors").GetProperty("receiver")[0].GetString(), Does.Contain("No active account"));
        await (await AppendAsync(_coop, batch, new { type = "shipping", occurredAt = "2026-11-24T15:00:00+07:00", receiver = _coop.Id })).Json(HttpStatusCode.BadRequest);

        // The cooperative ships to the distributor; the shop cannot act until the distributor ships on to it.
        await (await AppendAsync(_coop, batch, new { type = "shipping", occurredAt = "2026-11-24T15:00:00+07:00", receiver = distributor.Id })).Json(HttpStatusCode.Created);
        await (await AppendAsync(shop, batch, new { type = "receiving", occurredAt = "2026-11-25T08:00:00+07:00" })).Json(HttpStatusCode.NotFound);
        await (await AppendAsync(distributor, batch, new { type = "receiving", occurredAt = "2026-11-25T07:00:00+07:00" })).Json(HttpStatusCode.Created);
        await (await AppendAsync(distributor, batch, new { type = "shipping", occurredAt = "2026-11-25T09:00:00+07:00", receiver = shop.Id })).Json(HttpStatusCode.Created);

        // The shop receives through EPCIS (attached to the lot, marked as its own) and sells; a producer's step is refused.
        var lot = (await (await _coop.Client.GetAsync($"/api/v1/batches/{batch}")).Json(HttpStatusCode.OK)).GetProperty("publicUrl").GetString()!;
        var capture = await (await shop.Client.PostAsync("/api/v1/epcis/capture", Document(lot, "receiving"))).Json(HttpStatusCode.Accepted);
        Assert.That(capture.GetProperty("eventIds").GetArrayLength(), Is.EqualTo(1));
        await (await shop.Client.PostAsync("/api/v1/epcis/capture", Document(lot, "commissioning"))).Json(HttpStatusCode.BadRequest);
        await (await AppendAsync(shop, batch, new { type = "retail_selling", occurredAt = "2026-11-27T18:00:00+07:00" })).Json(HttpStatusCode.Created);

        // An outsider adds nothing, by any door.
        await (await AppendAsync(outsider, batch, new { type = "retail_selling", occurredAt = "2026-11-27T18:00:00+07:00" })).Json(HttpStatusCode.NotFound);
        await (await outsider.Client.PostAsync("/api/v1/epcis/capture", Document(lot, "retail_selling"))).Json(HttpStatusCode.BadRequest);
        await (await outsider.Client.PostAsJsonAsync("/api/v1/events", new
        {
            events = new[] { new { batchId = batch, type = "retail_selling", occurredAt = "2026-11-27T18:00:00+07:00" } },
        })).Json(HttpStatusCode.BadRequest);

        // The whole journey, in order, with who recorded each step: the chain, the page, EPCIS.
        var events = (await (await _coop.Client.GetAsync($"/api/v1/batches/{batch}/events")).Json(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        Assert.That(events.Select(e => (e.GetProperty("type").GetString(), e.TryGetProperty("recordedBy", out var by) && by.ValueKind == JsonValueKind.String ? by.GetGuid() : Guid.Empty)),
            Is.EqualTo(new[]
            {
                ("shipping", Guid.Empty), ("receiving", distributor.Id), ("shipping", distributor.Id), ("receiving", shop.Id), ("retail_selling", shop.Id),
            }));
        var anonymous = _api.CreateClient();
        var page = await anonymous.GetStringAsync($"/p/{code}");
        foreach (var words in new[] { "Giao cho: Nhà phân phối Miền Bắc", "Ghi bởi: Nhà phân phối Miền Bắc", "Giao cho: Cửa hàng OCOP Thanh Hóa",
                     "Ghi bởi: Cửa hàng OCOP Thanh Hóa", "Bán lẻ" })
            Assert.That(page, Does.Contain(words));
        Assert.That(page, Does.Not.Contain("Người ngoài"));
        var query = await (await anonymous.GetAsync($"/api/v1/epcis/events?MATCH_anyEPCClass={Uri.EscapeDataString(lot)}")).Json(HttpStatusCode.OK);
        var journey = query.GetProperty("epcisBody").GetProperty("queryResults").GetProperty("resultsBody").GetProperty("eventList").EnumerateArray().ToList();
        Assert.That(journey.Select(e => e.GetProperty("bizStep").GetString()), Is.EqualTo(new[] { "shipping", "receiving", "shipping", "receiving", "retail_selling" }));
        Assert.That(journey.Select(e => e.TryGetProperty("ocop:recordedBy", out var by) ? by.GetString() : null),
            Is.EqualTo(new[] { null, $"urn:uuid:{distributor.Id}", $"urn:uuid:{distributor.Id}", $"urn:uuid:{shop.Id}", $"urn:uuid:{shop.Id}" }));
        await LinkedData.AssertReadsAsLinkedData(System.Text.Json.Nodes.JsonNode.Parse(query.GetRawText())!);
    }

    private static StringContent Document(string lot, string bizStep) => new($$"""
        {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"], "type": "EPCISDocument", "schemaVersion": "2.0",
         "creationDate": "2026-11-30T10:00:00Z", "epcisBody": {"eventList": [
           {"type": "ObjectEvent", "eventTime": "2026-11-27T08:00:00+07:00", "eventTimeZoneOffset": "+07:00", "action": "OBSERVE", "bizStep": "{{bizStep}}",
            "quantityList": [{"epcClass": "{{lot}}"}]}]
         }
        }
        """, Encoding.UTF8, "application/ld+json");

    [Test]
    public async Task ARecall_ReachesTheTradersTheLotWasShippedTo()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (batch, _, _, _) = await NewLotAsync("GIAO-3");
        var shop = await _api.CreateProducerAsync("Cửa hàng OCOP Sầm Sơn", "retailer");
        var other = await _api.CreateProducerAsync("Cửa hàng khác", "retailer");
        foreach (var who in new[] { shop, other })
            await (await who.Client.PostAsJsonAsync("/api/v1/webhooks", new { url = $"{receiver.Url}?who={who.Id}", events = new[] { "batch.recalled" } }))
                .Json(HttpStatusCode.Created);
        await (await AppendAsync(_coop, batch, new { type = "shipping", occurredAt = "2026-11-24T15:00:00+07:00", receiver = shop.Id })).Json(HttpStatusCode.Created);

        await (await _coop.Client.PostAsJsonAsync($"/api/v1/batches/{batch}/recall", new { reason = "Bao bì không kín" })).Json(HttpStatusCode.OK);
        var got = await receiver.WaitForAsync(r => r.Any(x => x.Type == "batch.recalled"));
        await Task.Delay(500);
        Assert.That(receiver.Deliveries.Where(x => x.Type == "batch.recalled").Select(x => x.Json.GetProperty("data").GetProperty("batchId").GetGuid()),
            Is.EqualTo(new[] { batch }), "the shop hears it, the other shop does not");
        _ = got;
        var shopBatch = await (await shop.Client.GetAsync($"/api/v1/batches/{batch}")).Json(HttpStatusCode.OK);
        Assert.That(shopBatch.GetProperty("recall").GetProperty("reason").GetString(), Is.EqualTo("Bao bì không kín"), "its view of the lot shows the recall");
    }
}
