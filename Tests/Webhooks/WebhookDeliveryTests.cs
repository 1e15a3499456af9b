using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Webhooks;

/// <summary>Deliveries through real HTTP to a real receiver: what is announced, to whom, signed how, in which order; and
/// what happens when the receiver fails, stays down, or the dispatching process dies.</summary>
public sealed class WebhookDeliveryTests
{
    private static async Task<(Guid Id, string Secret)> SubscribeAsync(Account account, string url, params string[] events)
    {
        var created = await (await account.Client.PostAsJsonAsync("/api/v1/webhooks", new { url, events })).Json(HttpStatusCode.Created);
        return (created.Id(), created.GetProperty("secret").GetString()!);
    }

    private static JsonElement Data(WebhookReceiver.Received r) => r.Json.GetProperty("data");

    [Test]
    public async Task AProducersChanges_ArriveInOrder_Signed_AndVerifiedByTheReferenceLibrary()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var api = new ApiFactory();
        var coop = await api.CreateProducerAsync();
        var neighbour = await api.CreateProducerAsync("Hợp tác xã bên cạnh");
        var (_, secret) = await SubscribeAsync(coop, receiver.Url, "batch.created", "event.recorded", "serials.issued");

        var product = await coop.CreateProductAsync(Scenario.NewGtin13());
        var batch = await coop.CreateBatchAsync(product.Id());
        var batchId = batch.Id();
        await (await coop.Client.PostAsJsonAsync("/api/v1/events", new
        {
            events = Enumerable.Range(0, 5).Select(i => new { batchId, type = "harvesting", occurredAt = $"2026-11-2{i}T07:00:00+07:00", note = $"Lần {i}" }),
        })).Json(HttpStatusCode.Created);
        Assert.That((await coop.Client.PostAsJsonAsync($"/api/v1/batches/{batchId}/serials", new { count = 3 })).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        await neighbour.CreateBatchAsync((await neighbour.CreateProductAsync()).Id()); // not the subscriber's: not sent

        var got = await receiver.WaitForAsync(r => r.Count >= 7);
        await Task.Delay(300);
        got = receiver.Deliveries.ToList();
        Assert.That(got.Select(r => r.Type), Is.EqualTo(new[] { "batch.created" }.Concat(Enumerable.Repeat("event.recorded", 5)).Append("serials.issued")));
        Assert.Multiple(() =>
        {
            Assert.That(Data(got[0]).GetProperty("batchId").GetGuid(), Is.EqualTo(batchId));
            Assert.That(Data(got[0]).GetProperty("code").GetString(), Is.EqualTo(batch.GetProperty("code").GetString()));
            Assert.That(Data(got[0]).GetProperty("links").GetProperty("record").GetString(), Is.EqualTo($"https://trace.example.vn/p/{batch.GetProperty("code").GetString()}"));
            Assert.That(got.Skip(1).Take(5).Select(r => Data(r).GetProperty("sequence").GetInt64()), Is.EqualTo(new long[] { 1, 2, 3, 4, 5 }));
            Assert.That(got[0].Json.GetProperty("version").GetInt32(), Is.EqualTo(1));
            Assert.That(Data(got[6]).GetProperty("count").GetInt32(), Is.EqualTo(3));
            Assert.That(got.Select(r => r.Id).Distinct().Count(), Is.EqualTo(7), "one webhook-id per message");
        });

        await AssertVerifiedByStandardWebhooksAsync(got.Select(r => (secret, r)));
        await AssertDescribedByTheContractAsync(api, got);
    }

    /// <summary>Each delivery is valid against the schema openapi.yaml's <c>webhooks</c> give its kind, checked by a JSON
    /// Schema validator (JsonSchema.Net, 2020-12: OpenAPI 3.1's schemas are JSON Schema), unknown fields, types, formats
    /// and required ones included.</summary>
    private static async Task AssertDescribedByTheContractAsync(ApiFactory api, IEnumerable<WebhookReceiver.Received> deliveries)
    {
        var text = await api.CreateClient().GetStringAsync("/swagger/v1/swagger.json");
        using var contract = JsonDocument.Parse(text);
        // The components as $defs of one schema document, so that their references resolve inside it.
        var defs = System.Text.Json.Nodes.JsonNode.Parse(contract.RootElement.GetProperty("components").GetProperty("schemas").GetRawText()
            .Replace("#/components/schemas/", "#/$defs/"))!;
        foreach (var d in deliveries)
        {
            var body = contract.RootElement.GetProperty("webhooks").GetProperty(d.Type).GetProperty("post").GetProperty("requestBody")
                .GetProperty("content").GetProperty("application/json").GetProperty("schema");
            var document = new System.Text.Json.Nodes.JsonObject
            {
                ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
                ["$ref"] = body.GetProperty("$ref").GetString()!.Replace("#/components/schemas/", "#/$defs/"),
                ["$defs"] = defs.DeepClone(),
            };
            var schema = Json.Schema.JsonSchema.FromText(document.ToJsonString(), new Json.Schema.BuildOptions { SchemaRegistry = new Json.Schema.SchemaRegistry() });
            var result = schema.Evaluate(d.Json, new Json.Schema.EvaluationOptions { OutputFormat = Json.Schema.OutputFormat.List, RequireFormatValidation = true });
            Assert.That(result.IsValid, Is.True, $"{d.Type}: " + string.Join("; ", (result.Details ?? []).Where(x => x.Errors is { Count: > 0 })
                .SelectMany(x => x.Errors!.Select(e => $"{x.InstanceLocation} {e.Key}: {e.Value}"))) + "\n" + d.Body);
        }
    }

    /// <summary>The Standard Webhooks reference verifier (npm standardwebhooks), run by node, accepts each delivery.</summary>
    private static async Task AssertVerifiedByStandardWebhooksAsync(IEnumerable<(string Secret, WebhookReceiver.Received Delivery)> deliveries)
    {
        var tools = LinkedData.Tools;
        if (!Directory.Exists(Path.Combine(tools, "node_modules", "standardwebhooks")))
        {
            var why = $"standardwebhooks is not in {tools}/node_modules (bash .ci/run installs it)";
            if (Environment.GetEnvironmentVariable("CI") == "true") Assert.Fail(why);
            Assert.Ignore(why);
        }
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, JsonSerializer.Serialize(deliveries.Select(d => new
            {
                secret = d.Secret,
                headers = new Dictionary<string, string> { ["webhook-id"] = d.Delivery.Id, ["webhook-timestamp"] = d.Delivery.Timestamp, ["webhook-signature"] = d.Delivery.Signature },
                body = d.Delivery.Body,
            })));
            var start = new ProcessStartInfo("node", [Path.Combine(TestPaths.RepoRoot(), "Tests", "Standards", "verify-webhook.mjs"), file])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, Environment = { ["NODE_TOOLS"] = tools },
            };
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.That(process.ExitCode, Is.EqualTo(0), output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public async Task ARecall_ReachesTheDownstreamProducer_AndEveryAuthority()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var api = new ApiFactory();
        var supplier = await api.CreateProducerAsync("Hợp tác xã mật ong");
        var maker = await api.CreateProducerAsync("Cơ sở bánh mật");
        var authority = await api.CreateAuthorityAsync();
        var honeyBatch = await supplier.CreateBatchAsync((await supplier.CreateProductAsync()).Id());
        var honey = honeyBatch.Id();
        var cakeProduct = (await maker.CreateProductAsync(name: "Bánh mật")).Id();
        var cake = await (await maker.Client.PostAsJsonAsync("/api/v1/batches", new
        {
            productId = cakeProduct, lotNumber = "BM-1", producedOn = "2026-11-25", parents = new[] { new { code = honeyBatch.GetProperty("code").GetString() } },
        })).Json(HttpStatusCode.Created);
        await SubscribeAsync(maker, receiver.Url + "?who=maker", "batch.recalled");
        await SubscribeAsync(authority, receiver.Url + "?who=authority", "batch.recalled");

        await (await supplier.Client.PostAsJsonAsync($"/api/v1/batches/{honey}/recall", new { reason = "Dư lượng kháng sinh vượt ngưỡng" })).Json(HttpStatusCode.OK);

        var got = await receiver.WaitForAsync(r => r.Count >= 3);
        await Task.Delay(300);
        got = receiver.Deliveries.ToList();
        Assert.That(got, Has.Count.EqualTo(3), "the maker hears of its own lot; the authority of both");
        var toMaker = got.Where(r => Data(r).GetProperty("producerId").GetGuid() == maker.Id).ToList();
        Assert.That(toMaker, Has.Count.EqualTo(2), "one for the maker, one for the authority");
        Assert.That(Data(toMaker[0]).GetProperty("batchId").GetGuid(), Is.EqualTo(cake.Id()));
        Assert.That(Data(toMaker[0]).GetProperty("recalledBecauseOf").GetProperty("batchId").GetGuid(), Is.EqualTo(honey));
        Assert.That(Data(toMaker[0]).GetProperty("reason").GetString(), Is.EqualTo("Dư lượng kháng sinh vượt ngưỡng"));
        await AssertDescribedByTheContractAsync(api, got);
    }

    [Test]
    public async Task Certifications_AreAnnounced_AndTheirExpiry30And7DaysAhead_OnceEach()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 1, 0, 0, TimeSpan.Zero));
        using var api = new ApiFactory().WithClock(clock);
        var coop = await api.CreateProducerAsync();
        var authority = await api.CreateAuthorityAsync();
        var product = (await coop.CreateProductAsync()).Id();
        await SubscribeAsync(coop, receiver.Url, "certification.recorded", "certification.expiring");
        await SubscribeAsync(authority, receiver.Url + "?who=authority", "certification.expiring");

        await (await authority.Client.PostAsJsonAsync($"/api/v1/products/{product}/ocop-certifications", new
        {
            stars = 4, decisionNumber = "1234/QĐ-UBND", issuedBy = "UBND tỉnh Thanh Hóa", issuedOn = "2024-01-15", validUntil = "2027-01-15",
        })).Json(HttpStatusCode.Created);
        var got = await receiver.WaitForAsync(r => r.Count >= 1);
        Assert.That(got[0].Type, Is.EqualTo("certification.recorded"));
        Assert.That(Data(got[0]).GetProperty("stars").GetInt32(), Is.EqualTo(4));

        clock.SetUtcNow(new DateTimeOffset(2026, 12, 16, 1, 0, 0, TimeSpan.Zero));  // 30 days left, Vietnam time
        got = await receiver.WaitForAsync(r => r.Count >= 3);
        clock.Advance(TimeSpan.FromDays(1));                                        // 29 days: nothing new
        await Task.Delay(1000);
        clock.SetUtcNow(new DateTimeOffset(2027, 1, 8, 1, 0, 0, TimeSpan.Zero));    // 7 days left
        got = await receiver.WaitForAsync(r => r.Count >= 5);
        await Task.Delay(500);
        got = receiver.Deliveries.ToList();
        var notices = got.Where(r => r.Type == "certification.expiring").Select(r => Data(r).GetProperty("daysLeft").GetInt32()).ToList();
        Assert.That(notices, Is.EqualTo(new[] { 30, 30, 7, 7 }), "the producer and the authority, 30 and 7 days ahead, once each");
        await AssertDescribedByTheContractAsync(api, got);
    }

    [Test]
    public async Task AWriteThatFails_AnnouncesNothing()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var api = new ApiFactory();
        var coop = await api.CreateProducerAsync();
        var batchId = (await coop.CreateBatchAsync((await coop.CreateProductAsync()).Id())).Id();
        await SubscribeAsync(coop, receiver.Url, "event.recorded");

        await (await coop.Client.PostAsJsonAsync("/api/v1/events", new
        {
            events = new object[] { new { batchId, type = "packing", occurredAt = "2026-11-29T07:00:00+07:00" }, new { batchId, type = "no-such-step", occurredAt = "x" } },
        })).Json(HttpStatusCode.BadRequest);
        await (await coop.Client.PostAsJsonAsync($"/api/v1/batches/{batchId}/events", new { type = "packing", occurredAt = "2026-11-29T08:00:00+07:00" }))
            .Json(HttpStatusCode.Created);

        var got = await receiver.WaitForAsync(r => r.Count >= 1);
        await Task.Delay(500);
        Assert.That(receiver.Deliveries.Count, Is.EqualTo(1), "only the event that was stored");
        using var db = api.OpenDatabase();
        Assert.That(await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM webhook_messages"), Is.EqualTo(1));
    }

    [Test]
    public async Task AFailingReceiver_IsRetriedWithBackoff_AndTheDeliveryLogSaysWhat()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var api = new ApiFactory().WithClock(clock);
        var coop = await api.CreateProducerAsync();
        var (hook, _) = await SubscribeAsync(coop, receiver.Url, "batch.created");
        var answers = new Queue<int>([500, 503]);
        receiver.Answer = _ => Task.FromResult(answers.TryDequeue(out var a) ? a : 200);

        await coop.CreateBatchAsync((await coop.CreateProductAsync()).Id());
        await receiver.WaitForAsync(r => r.Count >= 3, tick: () => clock.Advance(TimeSpan.FromSeconds(2)));
        await Task.Delay(300);

        var deliveries = await (await coop.Client.GetAsync($"/api/v1/webhooks/{hook}/deliveries")).Json(HttpStatusCode.OK);
        var delivery = deliveries.GetProperty("items")[0];
        var log = delivery.GetProperty("attemptLog").EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(delivery.GetProperty("status").GetString(), Is.EqualTo("delivered"));
            Assert.That(delivery.GetProperty("attempts").GetInt32(), Is.EqualTo(3));
            Assert.That(log.Select(a => a.GetProperty("statusCode").GetInt32()), Is.EqualTo(new[] { 500, 503, 200 }));
            Assert.That(log[0].GetProperty("responseExcerpt").GetString()!.Length, Is.LessThanOrEqualTo(1024), "at most 1 KB of the answer is kept");
            Assert.That(log[1].GetProperty("attemptedAt").GetDateTimeOffset() - log[0].GetProperty("attemptedAt").GetDateTimeOffset(),
                Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(2.5)), "the second attempt waited its back-off");
            Assert.That(receiver.Deliveries.Select(r => r.Id).Distinct().Count(), Is.EqualTo(1), "every attempt carries the same webhook-id");
        });
    }

    [Test]
    public async Task AReceiverDownForAnHour_GetsEverything_InOrder_WhenItReturns()
    {
        var receiver = await WebhookReceiver.StartAsync();
        var port = receiver.Port;
        var url = receiver.Url;
        await receiver.DisposeAsync();  // down: nothing listens on its port
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var api = new ApiFactory().WithClock(clock);
        var coop = await api.CreateProducerAsync();
        var (hook, _) = await SubscribeAsync(coop, url, "batch.created");
        var product = (await coop.CreateProductAsync()).Id();
        await coop.CreateBatchAsync(product, "LOT-1");
        await coop.CreateBatchAsync(product, "LOT-2");

        for (var minutes = 0; minutes < 60; minutes += 2)
        {
            clock.Advance(TimeSpan.FromMinutes(2));
            await Task.Delay(150);
        }
        var before = await (await coop.Client.GetAsync($"/api/v1/webhooks/{hook}/deliveries")).Json(HttpStatusCode.OK);
        var first = before.GetProperty("items").EnumerateArray().Last();
        Assert.That(first.GetProperty("status").GetString(), Is.EqualTo("pending"));
        Assert.That(first.GetProperty("attempts").GetInt32(), Is.GreaterThan(3), "it kept trying while the receiver was down");
        Assert.That(first.GetProperty("attemptLog")[0].GetProperty("error").GetString(), Is.Not.Empty);

        await using var back = await WebhookReceiver.StartAsync(port);
        var got = await back.WaitForAsync(r => r.Count >= 2, seconds: 30, tick: () => clock.Advance(TimeSpan.FromMinutes(1)));
        Assert.That(got.Select(r => Data(r).GetProperty("lotNumber").GetString()), Is.EqualTo(new[] { "LOT-1", "LOT-2" }), "in the order they happened");
    }

    [Test]
    public async Task ADispatcherKilledBetweenSendAndBookkeeping_LeavesTheMessageToBeSentAgain()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sent = new TaskCompletionSource();
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Answer = async _ =>
        {
            if (sent.TrySetResult()) return await release.Task;  // the first attempt: held until its sender is gone
            return 200;
        };
        var path = ApiFactory.SqlServer is null ? TestPaths.NewDatabaseFile() : $"traceability_api_{Guid.NewGuid():N}";
        var first = new ApiFactory(databasePath: path).WithClock(clock);
        var coop = await first.CreateProducerAsync();
        await SubscribeAsync(coop, receiver.Url, "batch.created");
        await coop.CreateBatchAsync((await coop.CreateProductAsync()).Id());
        await sent.Task.WaitAsync(TimeSpan.FromSeconds(20));

        var restarted = new ApiFactory(databasePath: path).WithClock(clock);
        try
        {
            await first.DisposeAsync();   // the sender stops mid-request: no bookkeeping
            release.SetResult(200);
            _ = restarted.Server;         // another process on the same database
            var got = await receiver.WaitForAsync(r => r.Count >= 2, seconds: 30, tick: () => clock.Advance(TimeSpan.FromSeconds(10)));
            Assert.That(got[1].Id, Is.EqualTo(got[0].Id), "the same message, sent again");
            await Task.Delay(300);
            using var db = restarted.OpenDatabase();
            Assert.That(await db.ExecuteScalarAsync<string>("SELECT status FROM webhook_deliveries"), Is.EqualTo("delivered"));
        }
        finally
        {
            restarted.Dispose();
            if (ApiFactory.SqlServer is null) foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(path + suffix);
        }
    }

    [Test]
    public async Task TwoProcessesOnOneDatabase_DeliverEachMessageOnce()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var a = new ApiFactory();
        using var b = new ApiFactory(databasePath: a.DatabasePath);
        var coop = await a.CreateProducerAsync();
        _ = b.Server;
        await SubscribeAsync(coop, receiver.Url, "event.recorded");
        var batchId = (await coop.CreateBatchAsync((await coop.CreateProductAsync()).Id())).Id();
        var viaB = b.ClientWithKey(coop.Key);
        for (var i = 0; i < 10; i++)
            await (await (i % 2 == 0 ? coop.Client : viaB).PostAsJsonAsync("/api/v1/events", new
            {
                events = Enumerable.Range(0, 5).Select(j => new { batchId, type = "packing", occurredAt = "2026-11-29T07:00:00+07:00", note = $"{i}-{j}" }),
            })).Json(HttpStatusCode.Created);

        var got = await receiver.WaitForAsync(r => r.Count >= 50, seconds: 30);
        await Task.Delay(1500);
        got = receiver.Deliveries.ToList();
        Assert.That(got, Has.Count.EqualTo(50), "each message once");
        Assert.That(got.Select(r => Data(r).GetProperty("sequence").GetInt64()), Is.EqualTo(Enumerable.Range(1, 50).Select(i => (long)i)), "in order");
    }

    [Test]
    public async Task ASubscriptionFailingForThreeDays_IsDisabled_AndItsOwnerSeesWhy_AndRotationSignsWithBoth()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = _ => Task.FromResult(500);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var api = new ApiFactory().WithClock(clock);
        var coop = await api.CreateProducerAsync();
        var (hook, oldSecret) = await SubscribeAsync(coop, receiver.Url, "batch.created");
        var rotated = await (await coop.Client.PostAsync($"/api/v1/webhooks/{hook}/rotate-secret", null)).Json(HttpStatusCode.OK);
        var newSecret = rotated.GetProperty("secret").GetString()!;
        var product = (await coop.CreateProductAsync()).Id();

        await coop.CreateBatchAsync(product, "LOT-1");
        var got = await receiver.WaitForAsync(r => r.Count >= 1);
        var signatures = got[0].Signature.Split(' ');
        Assert.That(signatures, Has.Length.EqualTo(2), "during the overlap both secrets sign");
        foreach (var secret in new[] { newSecret, oldSecret })
            Assert.That(signatures, Does.Contain(Traceability.Domain.Webhooks.WebhookSignature.Sign(secret, got[0].Id, long.Parse(got[0].Timestamp), got[0].Body)));

        // The receiver has answered; the dispatcher books the failure just after. The owner sees it as failingSince, and only
        // then do three days pass (advancing the clock before the booking would date the first failure three days later).
        for (var i = 0; i < 200; i++)
        {
            var before = await (await coop.Client.GetAsync($"/api/v1/webhooks/{hook}")).Json(HttpStatusCode.OK);
            if (before.GetProperty("failingSince").ValueKind == JsonValueKind.String) break;
            await Task.Delay(50);
        }
        clock.Advance(TimeSpan.FromDays(3) + TimeSpan.FromMinutes(1));
        await coop.CreateBatchAsync(product, "LOT-2");
        var read = default(JsonElement);
        for (var i = 0; i < 100; i++)
        {
            read = await (await coop.Client.GetAsync($"/api/v1/webhooks/{hook}")).Json(HttpStatusCode.OK);
            if (!read.GetProperty("enabled").GetBoolean()) break;
            await Task.Delay(100);
        }
        Assert.That(read.GetProperty("enabled").GetBoolean(), Is.False);
        Assert.That(read.GetProperty("disabledReason").GetString(), Does.Contain("HTTP 500"));
        Assert.That(receiver.Deliveries.Last().Signature.Split(' '), Has.Length.EqualTo(1), "after 24 hours only the new secret signs");

        receiver.Answer = _ => Task.FromResult(200);
        await (await coop.Client.PatchAsJsonAsync($"/api/v1/webhooks/{hook}", new { enabled = true })).Json(HttpStatusCode.OK);
        var deliveries = await (await coop.Client.GetAsync($"/api/v1/webhooks/{hook}/deliveries")).Json(HttpStatusCode.OK);
        var firstDelivery = deliveries.GetProperty("items").EnumerateArray().Last().Id();
        await (await coop.Client.PostAsync($"/api/v1/webhooks/{hook}/deliveries/{firstDelivery}/redeliver", null)).Json(HttpStatusCode.Accepted);
        await receiver.WaitForAsync(r => r.Count(x => x.Id == got[0].Id) >= 2 && r.Any(x => Data(x).GetProperty("lotNumber").GetString() == "LOT-2"
                                                                                          && r.Last().Signature.Length > 0),
            tick: () => clock.Advance(TimeSpan.FromMinutes(5)));
    }

    [Test]
    public async Task ASecretSealedUnderAnotherKey_SendsNothing_UntilItsOwnerRotatesIt()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var path = ApiFactory.SqlServer is null ? TestPaths.NewDatabaseFile() : $"traceability_api_{Guid.NewGuid():N}";
        Account coop;
        Guid hook;
        using (var before = new ApiFactory(databasePath: path))
        {
            coop = await before.CreateProducerAsync();
            (hook, _) = await SubscribeAsync(coop, receiver.Url, "batch.created");
            await before.DisposeAsync();
        }
        using var after = new ApiFactory(new() { ["Webhooks:SecretKey"] = "YW5vdGhlci13ZWJob29rLWtleS1hZnRlci1hLWNoYW5nZS0zMiE=" }, databasePath: path);
        try
        {
            var client = after.ClientWithKey(coop.Key);
            var product = await (await client.PostAsJsonAsync("/api/v1/products", new { name = "Mật ong", category = "food", standards = Array.Empty<string>() }))
                .Json(HttpStatusCode.Created);
            await (await client.PostAsJsonAsync("/api/v1/batches", new { productId = product.Id(), lotNumber = "L1", producedOn = "2026-11-20" })).Json(HttpStatusCode.Created);
            JsonElement delivery = default;
            for (var i = 0; i < 100; i++)
            {
                delivery = (await (await client.GetAsync($"/api/v1/webhooks/{hook}/deliveries")).Json(HttpStatusCode.OK)).GetProperty("items")[0];
                if (delivery.GetProperty("attempts").GetInt32() > 0) break;
                await Task.Delay(100);
            }
            Assert.That(delivery.GetProperty("attemptLog")[0].GetProperty("error").GetString(), Does.Contain("rotate the secret"));
            Assert.That(receiver.Deliveries, Is.Empty);

            var rotated = await (await client.PostAsync($"/api/v1/webhooks/{hook}/rotate-secret", null)).Json(HttpStatusCode.OK);
            Assert.That(rotated.GetProperty("webhook").TryGetProperty("previousSecretValidUntil", out var until) && until.ValueKind != JsonValueKind.Null, Is.False,
                "a secret that cannot sign is not kept as the previous one");
            await (await client.PostAsJsonAsync("/api/v1/batches", new { productId = product.Id(), lotNumber = "L2", producedOn = "2026-11-20" })).Json(HttpStatusCode.Created);
            var got = await receiver.WaitForAsync(r => r.Count >= 1, seconds: 60);
            var secret = rotated.GetProperty("secret").GetString()!;
            Assert.That(got[0].Signature, Is.EqualTo(Traceability.Domain.Webhooks.WebhookSignature.Sign(secret, got[0].Id, long.Parse(got[0].Timestamp), got[0].Body)));
        }
        finally
        {
            after.Dispose();
            if (ApiFactory.SqlServer is null) foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(path + suffix);
        }
    }

    [Test]
    public async Task ATargetThatResolvesInward_IsNotConnectedTo()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var api = new ApiFactory(new() { ["Webhooks:AllowPrivateTargets"] = "false" });
        var coop = await api.CreateProducerAsync();
        var (hook, _) = await SubscribeAsync(coop, "https://hooks.example.vn/ocop", "batch.created");
        using (var db = api.OpenDatabase())   // as if its name were rebound to an inward address after the check
            await db.ExecuteAsync("UPDATE webhooks SET url = @Url", new { Url = $"https://localhost:{receiver.Port}/hooks/ocop" });

        await coop.CreateBatchAsync((await coop.CreateProductAsync()).Id());
        JsonElement attempt = default;
        for (var i = 0; i < 100 && attempt.ValueKind == JsonValueKind.Undefined; i++)
        {
            var deliveries = await (await coop.Client.GetAsync($"/api/v1/webhooks/{hook}/deliveries")).Json(HttpStatusCode.OK);
            if (deliveries.GetProperty("items").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } d && d.GetProperty("attemptLog").GetArrayLength() > 0)
                attempt = d.GetProperty("attemptLog")[0];
            else await Task.Delay(100);
        }
        Assert.That(attempt.GetProperty("error").GetString(), Does.Contain("Blocked").And.Contain("not a public address"));
        Assert.That(attempt.GetProperty("error").GetString(), Does.Not.Contain("127.0.0.1").And.Not.Contain("::1"), "the name's internal addresses are not listed");
        Assert.That(receiver.Deliveries, Is.Empty);
    }
}
