using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Events;

public sealed class EventApiTests : ApiTest
{
    [Test]
    public async Task Append_ReturnsItsPlaceInTheChain_AndALocationThatReadsItBack()
    {
        var (_, batchId, code) = await Producer.NewBatchAsync();
        var response = await Producer.Client.PostAsJsonAsync($"/api/v1/batches/{batchId}/events", EventScenario.Harvest());
        var first = await response.Json(HttpStatusCode.Created);
        var second = await Producer.AppendAsync(batchId, new { type = "packing", occurredAt = "2025-11-21T08:00:00Z" });

        Assert.Multiple(() =>
        {
            Assert.That(first.GetProperty("sequence").GetInt64(), Is.EqualTo(1));
            Assert.That(first.GetProperty("previousHash").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(first.GetProperty("hash").GetString(), Does.Match("^[0-9a-f]{64}$"));
            Assert.That(first.GetProperty("batch").GetString(), Is.EqualTo(code));
            Assert.That(first.GetProperty("occurredAt").GetString(), Is.EqualTo("2025-11-20T06:30:00.000+07:00"));
            Assert.That(first.GetProperty("recordedAt").GetString(), Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"));
            Assert.That(first.GetProperty("attributes").GetProperty("khốiLượng").GetString(), Is.EqualTo("120 kg"));
            Assert.That(second.GetProperty("sequence").GetInt64(), Is.EqualTo(2));
            Assert.That(second.GetProperty("previousHash").GetString(), Is.EqualTo(first.GetProperty("hash").GetString()));
        });
        var read = await (await Producer.Client.GetAsync(response.Headers.Location)).Json(HttpStatusCode.OK);
        Assert.That(read.ToString(), Is.EqualTo(first.ToString()));
    }

    [TestCase("""{"type":"harvesting","occurredAt":"2025-11-20T06:30:00"}""", "occurredAt")]
    [TestCase("""{"type":"harvesting","occurredAt":"yesterday"}""", "occurredAt")]
    [TestCase("""{"type":"harvesting"}""", "occurredAt")]
    [TestCase("""{"type":"teleporting","occurredAt":"2025-11-20T06:30:00Z"}""", "type")]
    [TestCase("""{"type":"recalling","occurredAt":"2025-11-20T06:30:00Z"}""", "type")]
    [TestCase("""{"type":"harvesting","occurredAt":"2025-11-20T06:30:00Z","location":{"latitude":91,"longitude":0}}""", "location.latitude")]
    [TestCase("""{"type":"harvesting","occurredAt":"2025-11-20T06:30:00Z","location":{"gln":"8935049500019"}}""", "location.gln")]
    [TestCase("""{"type":"harvesting","occurredAt":"2025-11-20T06:30:00Z","certificates":[{"number":"1"}]}""", "certificates[0].name")]
    [TestCase("""{"type":"harvesting","occurredAt":"2025-11-20T06:30:00Z","corrects":"00000000-0000-0000-0000-000000000001"}""", "corrects")]
    public async Task Append_BadEvent_Is400OnTheField_NothingRecorded(string body, string field)
    {
        var (_, batchId, _) = await Producer.NewBatchAsync();
        var response = await Producer.Client.PostAsync($"/api/v1/batches/{batchId}/events", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.Json(HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, problem.ToString());
        var list = await (await Producer.Client.GetAsync($"/api/v1/batches/{batchId}/events")).Json(HttpStatusCode.OK);
        Assert.That(list.GetProperty("items").GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task Append_MoreThanTenMinutesAhead_Is400_AndFiveMinutesIsFine()
    {
        var (_, batchId, _) = await Producer.NewBatchAsync();
        var url = $"/api/v1/batches/{batchId}/events";
        var late = DateTimeOffset.UtcNow.AddMinutes(30).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        var soon = DateTimeOffset.UtcNow.AddMinutes(5).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        await (await Producer.Client.PostAsJsonAsync(url, new { type = "storing", occurredAt = late })).Json(HttpStatusCode.BadRequest);
        await (await Producer.Client.PostAsJsonAsync(url, new { type = "storing", occurredAt = soon })).Json(HttpStatusCode.Created);
    }

    [Test]
    public async Task Append_FiftyOneAttributes_Is400()
    {
        var (_, batchId, _) = await Producer.NewBatchAsync();
        var attributes = Enumerable.Range(0, 51).ToDictionary(i => $"k{i}", i => "v");
        var response = await Producer.Client.PostAsJsonAsync($"/api/v1/batches/{batchId}/events", new { type = "other", occurredAt = "2025-01-01T00:00:00Z", attributes });
        await response.Json(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Events_CannotBeChangedOrDeleted_ByAnyone()
    {
        var (_, batchId, _) = await Producer.NewBatchAsync();
        var e = await Producer.AppendAsync(batchId);
        var url = $"/api/v1/batches/{batchId}/events/{e.Id()}";
        foreach (var client in new[] { Producer.Client, Api.Admin() })
        {
            await (await client.DeleteAsync(url)).Json(HttpStatusCode.MethodNotAllowed);
            await (await client.PutAsJsonAsync(url, new { note = "x" })).Json(HttpStatusCode.MethodNotAllowed);
            await (await client.PatchAsync(url, JsonContent.Create(new { note = "x" }))).Json(HttpStatusCode.MethodNotAllowed);
        }
        var read = await (await Producer.Client.GetAsync(url)).Json(HttpStatusCode.OK);
        Assert.That(read.ToString(), Is.EqualTo(e.ToString()));
    }

    [Test]
    public async Task Correction_NamesAnEarlierEventOfTheSameBatch_OnlyThatBatch()
    {
        var (_, batchId, _) = await Producer.NewBatchAsync("C-1");
        var (_, otherBatch, _) = await Producer.NewBatchAsync("C-2");
        var wrong = await Producer.AppendAsync(batchId, EventScenario.Harvest(note: "120 kg"));
        var fix = await Producer.AppendAsync(batchId, new { type = "harvesting", occurredAt = "2025-11-20T06:30:00+07:00", note = "Sửa: 102 kg", corrects = wrong.Id() });
        Assert.That(fix.GetProperty("corrects").GetGuid(), Is.EqualTo(wrong.Id()));

        var response = await Producer.Client.PostAsJsonAsync($"/api/v1/batches/{otherBatch}/events",
            new { type = "harvesting", occurredAt = "2025-11-20T06:30:00+07:00", corrects = wrong.Id() });
        await response.Json(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task List_PagesInRecordedOrder()
    {
        var (_, batchId, _) = await Producer.NewBatchAsync();
        for (var i = 0; i < 5; i++) await Producer.AppendAsync(batchId, new { type = "cultivating", occurredAt = "2025-06-01T07:00:00+07:00", note = $"Bón phân lần {i + 1}" });
        var sequences = new List<long>();
        string? cursor = null;
        do
        {
            var page = await (await Producer.Client.GetAsync($"/api/v1/batches/{batchId}/events?limit=2{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}")).Json(HttpStatusCode.OK);
            sequences.AddRange(page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()));
            cursor = page.GetProperty("nextCursor").GetString();
        } while (cursor is not null);
        Assert.That(sequences, Is.EqualTo(new long[] { 1, 2, 3, 4, 5 }));
    }

    [Test]
    public async Task Bulk_RecordsAcrossBatchesInOrder_AllOrNothing()
    {
        var (_, a, _) = await Producer.NewBatchAsync("B-A");
        var (_, b, _) = await Producer.NewBatchAsync("B-B");
        object E(Guid batchId, string type) => new { batchId, type, occurredAt = "2025-11-20T06:30:00+07:00" };

        var bad = await Producer.Client.PostAsJsonAsync("/api/v1/events", new { events = new[] { E(a, "planting"), E(b, "nonsense"), E(a, "harvesting") } });
        var problem = await bad.Json(HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").TryGetProperty("events[1].type", out _), Is.True, problem.ToString());
        var afterBad = await (await Producer.Client.GetAsync($"/api/v1/batches/{a}/events")).Json(HttpStatusCode.OK);
        Assert.That(afterBad.GetProperty("items").GetArrayLength(), Is.Zero, "nothing of a refused bulk is recorded");

        var ok = await (await Producer.Client.PostAsJsonAsync("/api/v1/events", new { events = new[] { E(a, "planting"), E(b, "planting"), E(a, "harvesting") } }))
            .Json(HttpStatusCode.Created);
        var recorded = ok.GetProperty("events").EnumerateArray().ToList();
        Assert.That(recorded.Select(e => (e.GetProperty("batchId").GetGuid(), e.GetProperty("type").GetString(), e.GetProperty("sequence").GetInt64())),
            Is.EqualTo(new[] { (a, "planting", 1L), (b, "planting", 1L), (a, "harvesting", 2L) }));
        Assert.That(recorded[2].GetProperty("previousHash").GetString(), Is.EqualTo(recorded[0].GetProperty("hash").GetString()));
    }

    [Test]
    public async Task Bulk_Thousand_IsAccepted_ThousandAndOne_Is400()
    {
        var (_, a, _) = await Producer.NewBatchAsync("T-1");
        var events = Enumerable.Range(0, 1001).Select(i => new { batchId = a, type = "storing", occurredAt = "2025-11-20T06:30:00+07:00", note = $"Kiểm kho {i}" }).ToList();
        await (await Producer.Client.PostAsJsonAsync("/api/v1/events", new { events })).Json(HttpStatusCode.BadRequest);
        var created = await (await Producer.Client.PostAsJsonAsync("/api/v1/events", new { events = events.Take(1000) })).Json(HttpStatusCode.Created);
        Assert.That(created.GetProperty("events").GetArrayLength(), Is.EqualTo(1000));
        var verification = await (await Producer.Client.GetAsync($"/api/v1/batches/{a}/verification")).Json(HttpStatusCode.OK);
        Assert.That(verification.GetProperty("eventCount").GetInt64(), Is.EqualTo(1000));
        Assert.That(verification.GetProperty("valid").GetBoolean(), Is.True);
    }

    [Test]
    public async Task OtherProducersBatch_LooksMissing_ForEveryEventEndpoint()
    {
        var (_, batchId, _) = await Producer.NewBatchAsync("MINE");
        var e = await Producer.AppendAsync(batchId);
        var intruder = await Api.CreateProducerAsync("Người khác");
        await (await intruder.Client.PostAsJsonAsync($"/api/v1/batches/{batchId}/events", EventScenario.Harvest())).Json(HttpStatusCode.NotFound);
        await (await intruder.Client.GetAsync($"/api/v1/batches/{batchId}/events")).Json(HttpStatusCode.NotFound);
        await (await intruder.Client.GetAsync($"/api/v1/batches/{batchId}/events/{e.Id()}")).Json(HttpStatusCode.NotFound);
        await (await intruder.Client.GetAsync($"/api/v1/batches/{batchId}/verification")).Json(HttpStatusCode.NotFound);
        await (await intruder.Client.GetAsync($"/api/v1/batches/{batchId}/lineage")).Json(HttpStatusCode.NotFound);
        await (await intruder.Client.PostAsJsonAsync($"/api/v1/batches/{batchId}/recall", new { reason = "phá" })).Json(HttpStatusCode.NotFound);
        var bulk = await (await intruder.Client.PostAsJsonAsync("/api/v1/events",
            new { events = new[] { new { batchId, type = "other", occurredAt = "2025-01-01T00:00:00Z" } } })).Json(HttpStatusCode.BadRequest);
        Assert.That(bulk.GetProperty("errors").TryGetProperty("events[0].batchId", out _), Is.True);
        var chain = await (await Producer.Client.GetAsync($"/api/v1/batches/{batchId}/events")).Json(HttpStatusCode.OK);
        Assert.That(chain.GetProperty("items").GetArrayLength(), Is.EqualTo(1));
    }

    [Test]
    public async Task EventTypes_ArePublic_WithLabelsAndCbvSteps()
    {
        var types = await (await Api.CreateClient().GetAsync("/api/v1/event-types")).Json(HttpStatusCode.OK);
        var byName = types.EnumerateArray().ToDictionary(t => t.GetProperty("type").GetString()!);
        Assert.That(byName.Keys, Is.SupersetOf(new[] { "planting", "cultivating", "harvesting", "processing", "packing", "inspecting",
            "certifying", "storing", "shipping", "receiving", "retail_selling", "other" }));
        Assert.That(byName["harvesting"].GetProperty("bizStep").GetString(), Is.EqualTo("commissioning"));
        Assert.That(byName["harvesting"].GetProperty("labelVi").GetString(), Is.EqualTo("Thu hoạch"));
        Assert.That(byName["planting"].GetProperty("bizStep").GetString(), Is.EqualTo("ocop:planting"), "CBV has no planting: the project vocabulary's term");
        Assert.That(byName["recalling"].GetProperty("recordable").GetBoolean(), Is.False);
    }
}
