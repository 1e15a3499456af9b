using System.Security.Cryptography;
using Traceability.ClientSession.Generated;

namespace Traceability.ClientSession;

/// <summary>Each step is one or more calls; it passes when every answer parses as the document says and holds what
/// the session expects. A step that fails stops the session (later steps need its answers).</summary>
public sealed class Session(string baseUrl, string adminKey)
{
    private int _passed;
    private int _failed;

    private TraceabilityClient Client(string? key)
    {
        var http = new HttpClient { BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/") };
        if (key is not null) http.DefaultRequestHeaders.Add("X-Api-Key", key);
        return new TraceabilityClient(http);
    }

    public async Task<(int Passed, int Failed)> RunAsync()
    {
        try
        {
            await StepsAsync();
        }
        catch (Exception e)
        {
            _failed++;
            Console.WriteLine($"FAIL {e.GetType().Name}: {e.Message}");
        }
        return (_passed, _failed);
    }

    private void Check(string step, bool holds, string? detail = null)
    {
        if (!holds) throw new InvalidOperationException($"{step}: {detail ?? "not as expected"}");
        _passed++;
        Console.WriteLine($"ok   {step}");
    }

    private async Task StepsAsync()
    {
        var ct = CancellationToken.None;
        var adminClient = Client(adminKey);
        var anonymous = Client(null);
        Check("health", (await anonymous.ReadyAsync(ct)).Status == "healthy");

        // The admin registers a cooperative; the answer holds its API key (shown once).
        var coop = await adminClient.CreateProducerAsync(new CreateProducerRequest
        {
            Name = "Hợp tác xã Nông nghiệp Thọ Xuân", Kind = CreateProducerRequestKind.Cooperative, TaxCode = "2801234567",
            Address = new AddressDto { Line = "Thôn 3", Commune = "Xã Thọ Xuân", Province = "Thanh Hóa", ProvinceCode = "38" },
            Phone = "0237 3850 123",
        }, ct);
        Check("register a cooperative", coop.ApiKey.StartsWith("ocop_", StringComparison.Ordinal));
        var producer = Client(coop.ApiKey);

        // A product (its GTIN-13 stored as GTIN-14) and a batch.
        var gtin13 = NewGtin13();
        var product = await producer.CreateProductAsync(new ProductRequest
        {
            Name = "Chè lam Phủ Quảng", NameEn = "Phu Quang rice cake", Gtin = gtin13, Category = ProductRequestCategory.Food,
            Standards = ["TCVN 12605:2019"], ShelfLifeDays = 90,
        }, ct);
        Check("register a product", product.Gtin == "0" + gtin13, product.Gtin);
        var batch = await producer.CreateBatchAsync(null, new CreateBatchRequest
        {
            ProductId = product.Id, LotNumber = "CL-2511-01", ProducedOn = new DateTimeOffset(2025, 11, 20, 0, 0, 0, TimeSpan.Zero),
            Quantity = 200, Unit = "H87", Origin = new OriginDto { Name = "Xưởng Phủ Quảng", Commune = "Xã Thọ Xuân", Province = "Thanh Hóa" },
        }, ct);
        Check("register a batch", batch.PublicUrl.EndsWith($"/01/0{gtin13}/10/CL-2511-01", StringComparison.Ordinal), batch.PublicUrl);

        // The cooperative's own link in the GS1 resolver.
        var link = await producer.AddProductLinkAsync(product.Id, new ProductLinkRequest
        {
            LinkType = "gs1:recipeInfo", Href = "https://htx-thoxuan.example.vn/che-lam/cach-dung", Title = "Cách dùng chè lam", Language = "vi", IsDefault = true,
        }, ct);
        Check("add a resolver link", link.LinkType == "gs1:recipeInfo" && (await producer.ListProductLinksAsync(product.Id, ct)).Any(l => l.Id == link.Id && l.IsDefault),
            link.LinkType);

        // An authority records the OCOP decision.
        var authority = await adminClient.CreateAuthorityAsync(new CreateAuthorityRequest
        {
            Name = "Hội đồng OCOP tỉnh Thanh Hóa", Level = CreateAuthorityRequestLevel.Province, Province = "Thanh Hóa",
        }, ct);
        var authorityClient = Client(authority.ApiKey);
        var certification = await authorityClient.CreateOcopCertificationAsync(product.Id, new CreateCertificationRequest
        {
            Stars = 4, DecisionNumber = "3981/QĐ-UBND", IssuedBy = "UBND tỉnh Thanh Hóa", IssuedOn = new DateTimeOffset(2025, 10, 15, 0, 0, 0, TimeSpan.Zero),
        }, ct);
        Check("certify 4 stars", certification.Stars == 4);
        var history = await producer.ListOcopCertificationsAsync(product.Id, ct);
        Check("certification history", history.Current?.Stars == 4);
        var page = await producer.ListBatchesAsync(null, null, 20, ct);
        Check("cursor-paged list", page.Items.Any(b => b.Id == batch.Id));

        // The batch's story: append-only, hash-chained; an Idempotency-Key makes a retry safe.
        var harvestRequest = new EventRequest
        {
            Type = EventRequestType.Harvesting, OccurredAt = "2025-11-20T06:30:00+07:00",
            Location = new EventLocationDto { Name = "Đồi chè Xuân Lập", Latitude = 19.93, Longitude = 105.48 },
            Actor = "Tổ sản xuất số 2", Note = "Hái búp", Attributes = new Dictionary<string, string?> { ["khốiLượng"] = "120 kg" },
            Certificates = [new EventCertificateDto { Name = "VietGAP", Number = "VG-38-0012", ValidUntil = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero) }],
        };
        var harvest = await producer.AppendEventAsync(batch.Id, $"harvest-{batch.Id}", harvestRequest, ct);
        var again = await producer.AppendEventAsync(batch.Id, $"harvest-{batch.Id}", harvestRequest, ct);
        Check("record an event, retry it", harvest.Sequence == 1 && again.Id == harvest.Id);
        var synced = await producer.AppendEventsAsync($"sync-{batch.Id}-phone-7", new BulkEventsRequest
        {
            Events =
            [
                new BulkEventRequest { BatchId = batch.Id, Type = BulkEventRequestType.Cultivating, OccurredAt = "2025-11-18T07:00:00+07:00", Note = "Bón phân hữu cơ" },
                new BulkEventRequest { BatchId = batch.Id, Type = BulkEventRequestType.Inspecting, OccurredAt = "2025-11-19T09:00:00+07:00" },
            ],
        }, ct);
        Check("sync a phone's events", synced.Events.Select(e => e.Sequence).SequenceEqual([2L, 3L]));
        var correction = await producer.AppendEventAsync(batch.Id, null, new EventRequest
        {
            Type = EventRequestType.Harvesting, OccurredAt = "2025-11-20T06:30:00+07:00", Note = "Sửa: 102 kg", Corrects = harvest.Id,
        }, ct);
        Check("correct an event", correction.Corrects == harvest.Id);
        var events = await producer.ListEventsAsync(batch.Id, null, null, ct);
        var verification = await producer.VerifyChainAsync(batch.Id, ct);
        Check("the chain", events.Items.Count == 4 && verification.Valid && verification.EventCount == 4);

        // A batch made from others: its own by id, the demo cooperative's by public code.
        var bought = (await adminClient.ListBatchesAsync(null, null, 1, ct)).Items.First().Code;
        var mixed = await producer.CreateBatchAsync(null, new CreateBatchRequest
        {
            ProductId = product.Id, LotNumber = "BM-2511", ProducedOn = new DateTimeOffset(2025, 11, 25, 0, 0, 0, TimeSpan.Zero),
            Parents = [new ParentRequest { BatchId = batch.Id, Quantity = 5 }, new ParentRequest { Code = bought, Quantity = 20 }],
        }, ct);
        var lineage = await producer.GetBatchLineageAsync(mixed.Id, null, null, null, ct);
        Check("lineage", lineage.Ancestors.Any(a => a.Code == batch.Code) && lineage.Ancestors.Any(a => a.Code == bought));

        // One code per item: the printing house's file, then a shopper's scan of one item (the page, as JSON for an app).
        string serial;
        using (var file = await producer.IssueSerialsAsync(batch.Id, new IssueSerialsRequest { Count = 10, WithPin = true }, ct))
        {
            var lines = (await new StreamReader(file.Stream).ReadToEndAsync(ct)).TrimEnd('\n').Split('\n');
            Check("issue item serials", lines.Length == 11 && lines[0] == "position,serial,status,digital_link,pin", $"{lines.Length} lines");
            serial = lines[1].Split(',')[1];
        }
        var item = await anonymous.ItemPageAsync(batch.Code, serial, ct);
        Check("scan an item", item.Status == "issued" && item.ScanCount == 1 && item.HasPin, $"{item.Status}, {item.ScanCount} scans");
        Check("a code no one issued", (await anonymous.GetPublicItemAsync(batch.Code, "NOT-ISSUED-1", ct)).Status == "not_issued");

        // A recall reaches everything made from the batch.
        var recall = await authorityClient.RecallBatchAsync(batch.Id, new RecallRequest { Reason = "Phát hiện dư lượng kháng sinh vượt ngưỡng" }, ct);
        Check("recall", recall.Status == "complete" && recall.AffectedCount == 2, $"{recall.Status}, {recall.AffectedCount} batches");
        var reached = await authorityClient.ListRecalledBatchesAsync(recall.Id, null, null, ct);
        Check("recalled batches", reached.Items.Any(b => b.Code == mixed.Code && b.Recalled));

        // What anyone reads, without a key.
        var record = await anonymous.GetPublicRecordAsync(batch.Code, ct);
        Check("public record", record.Recall is not null && record.Events.Count == 5 && record.Ocop.Current?.Stars == 4,
            $"recall {record.Recall?.Reason}, {record.Events.Count} events (4 and the recall), {record.Ocop.Current?.Stars} stars");
        var scanned = await anonymous.PublicPageAsync(batch.Code, null, ct);
        Check("public page as JSON (a scan)", scanned.Code == batch.Code && scanned.Scans?.Count >= 1);
        var productRecord = await anonymous.GetPublicProductRecordAsync(product.Gtin!, ct);
        Check("product record", productRecord.Batches.Any(b => b.Code == batch.Code && b.Recalled));
        var epcis = await anonymous.GetEpcisDocumentAsync(batch.Code, ct);
        Check("EPCIS document", epcis is not null);
        var resolver = await anonymous.ResolverDescriptionAsync(ct);
        Check("resolver description", resolver.SupportedPrimaryKeys.Contains("01"));
        using (var png = await anonymous.QrPngAsync(batch.Code, 300, null, ct))
        {
            var head = new byte[8];
            await png.Stream.ReadExactlyAsync(head, ct);
            Check("QR code PNG", head.SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }));
        }
        var types = await anonymous.ListEventTypesAsync(ct);
        Check("event types", types.Any(t => t.Type == "harvesting" && t.BizStep == "commissioning"));

        // A farm-diary app's key: it may append events and nothing else; its owner sees it listed with its last use.
        var diaryKey = await producer.CreateProducerApiKeyAsync(coop.Id, new CreateApiKeyRequest { Name = "Nhật ký điện tử", Scopes = ["events:write"] }, ct);
        var diary = Client(diaryKey.ApiKey);
        var stored = await diary.AppendEventAsync(batch.Id, null, new EventRequest { Type = EventRequestType.Storing, OccurredAt = "2025-11-21T08:00:00+07:00" }, ct);
        try
        {
            await diary.GetBatchAsync(batch.Id, ct);
            Check("a farm-diary key may not read", false, "a key without read read a batch");
        }
        catch (ApiException e) when (e.StatusCode == 403)
        {
            Check("a farm-diary key appends, may not read", stored.Sequence > 0);
        }
        var keys = await producer.ListProducerApiKeysAsync(coop.Id, ct);
        Check("the owner lists its keys", keys.Any(k => k.Name == "Nhật ký điện tử" && k.Scopes.SequenceEqual(["events:write"]) && k.LastUsedAt is not null));

        // A webhook subscription: its secret is shown once.
        var hook = await producer.CreateWebhookAsync(new CreateWebhookRequest { Url = "https://hooks.example.vn/ocop", Events = ["event.recorded", "batch.recalled"] }, ct);
        var hooks = await producer.ListWebhooksAsync(ct);
        await producer.DeleteWebhookAsync(hook.Id, ct);
        Check("subscribe a webhook", hook.Secret.StartsWith("whsec_", StringComparison.Ordinal) && hooks.Any(w => w.Id == hook.Id && w.Enabled));

        // EPCIS 2.0: a partner captures its receipt of the lot; anyone queries it back.
        var lot = $"https://id.gs1.org/01/{product.Gtin}/10/{batch.LotNumber}";
        var job = await producer.CaptureEpcisAsync(null, null, Newtonsoft.Json.Linq.JObject.Parse($$$"""
            {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"], "type": "EPCISDocument", "schemaVersion": "2.0",
             "creationDate": "2025-11-22T10:00:00Z", "epcisBody": {"eventList": [{"type": "ObjectEvent", "eventTime": "2025-11-22T09:30:00+07:00",
             "eventTimeZoneOffset": "+07:00", "action": "OBSERVE", "bizStep": "receiving", "quantityList": [{"epcClass": "{{{lot}}}"}]}]}}
            """), ct);
        var outcome = await producer.GetEpcisCaptureJobAsync(Guid.Parse(job.CaptureID), ct);
        Check("capture EPCIS", job.CapturedEvents == 1 && outcome.Success);
        var found = Newtonsoft.Json.Linq.JToken.FromObject(await anonymous.QueryEpcisEventsAsync(null, null, null, null, null, "receiving", null, null, lot, null, null, null, null, ct));
        Check("query EPCIS", found["epcisBody"]?["queryResults"]?["resultsBody"]?["eventList"]?.Count() == 1);

        // The partner names its query and subscribes to it instead of polling: results come as signed webhooks.
        var named = await producer.CreateEpcisQueryAsync(new CreateQueryRequest
        {
            Name = "nhan-hang", Query = new Dictionary<string, object> { ["EQ_bizStep"] = "receiving", ["MATCH_anyEPCClass"] = new[] { lot } },
        }, ct);
        var byName = Newtonsoft.Json.Linq.JToken.FromObject(await producer.GetEpcisQueryEventsAsync(named.Name, ct));
        Check("name an EPCIS query", byName["epcisBody"]?["queryResults"]?["resultsBody"]?["eventList"]?.Count() == 1);
        var subscription = await producer.SubscribeEpcisQueryAsync(named.Name, new SubscribeRequest { Dest = "https://doitac.example.vn/epcis", Stream = true }, ct);
        var subscriptions = await producer.ListEpcisQuerySubscriptionsAsync(named.Name, ct);
        Check("subscribe to it", subscription.Secret?.StartsWith("whsec_", StringComparison.Ordinal) == true
                                 && subscriptions.Any(x => x.SubscriptionID == subscription.SubscriptionID && x.Secret is null));

        // The lot goes on to a retailer: a shipping event naming it lets the retailer record its own steps on the lot.
        var retailer = await adminClient.CreateProducerAsync(new CreateProducerRequest
        {
            Name = "Siêu thị Bình An", Kind = CreateProducerRequestKind.Retailer,
            Address = new AddressDto { Line = "12 Lê Lợi", Commune = "Phường Hạc Thành", Province = "Thanh Hóa", ProvinceCode = "38" },
        }, ct);
        var handover = await producer.AppendEventAsync(batch.Id, null, new EventRequest
        {
            Type = EventRequestType.Shipping, OccurredAt = "2025-11-24T15:00:00+07:00", Receiver = retailer.Id,
        }, ct);
        var shelf = await Client(retailer.ApiKey).AppendEventAsync(batch.Id, null, new EventRequest
        {
            Type = EventRequestType.Receiving, OccurredAt = "2025-11-25T08:00:00+07:00", Note = "Lên kệ OCOP",
        }, ct);
        var traded = await anonymous.GetPublicRecordAsync(batch.Code, ct);
        Check("a retailer records its step", handover.Receiver == retailer.Id && shelf.RecordedBy == retailer.Id
                                             && traded.Parties.Any(p => p.Name == "Siêu thị Bình An") && traded.Verification.Valid);

        // The cooperative rotates its key: a new one, then the old one revoked with it.
        var newKey = await producer.CreateProducerApiKeyAsync(coop.Id, new CreateApiKeyRequest { Name = "Khóa mới" }, ct);
        await Client(newKey.ApiKey).RevokeProducerApiKeyAsync(coop.Id, coop.ApiKeyId, ct);
        try
        {
            await producer.GetProducerAsync(coop.Id, ct);
            Check("revoked key refused", false, "the old key still works");
        }
        catch (ApiException e) when (e.StatusCode == 401)
        {
            Check("revoked key refused", true);
        }
    }

    private static string NewGtin13()
    {
        var digits = "893" + RandomNumberGenerator.GetInt32(0, 1_000_000_000).ToString("D9");
        var sum = digits.Reverse().Select((c, i) => (c - '0') * (i % 2 == 0 ? 3 : 1)).Sum();
        return digits + (10 - sum % 10) % 10;
    }
}
