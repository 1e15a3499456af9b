using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Traceability.Api.Batches;
using Traceability.Api.Certifications;
using Traceability.Api.Epcis;
using Traceability.Api.Products;
using Traceability.Api.PublicRecords.Building;
using Traceability.Api.Reports;
using Traceability.Api.Webhooks;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;
using Traceability.Infrastructure.Webhooks;

namespace Traceability.Api.Producers;

/// <summary>Everything a producer recorded, as one ZIP written while it is read: its account, products, certifications,
/// batches, each batch's events as an EPCIS 2.0 document, serial issues and their serials (never a PIN), webhook
/// subscriptions (never a secret) and shoppers' reports. Lists are JSON Lines, read a page at a time; a batch's events and
/// an issue's serials are streamed one batch or issue at a time, so memory stays bounded however large the account.</summary>
public sealed class ProducerArchive(
    ProductRepository products, BatchRepository batches, CertificationRepository certifications, LineageRepository lineage, EventRepository events,
    EpcisRepository epcis, SerialIssueRepository issues, WebhookRepository webhooks, ShopperReportRepository reports, PublicLinks links, TimeProvider clock,
    IOptions<JsonOptions> json)
{
    private const int Page = 200;
    private static readonly ReadOnlyMemory<byte> NewLine = "\n"u8.ToArray();

    public const string Readme = """
        Everything this producer recorded in the OCOP traceability registry, as of the archive's date.

        producer.json           the account
        products.jsonl          its products, one JSON object a line (as GET /api/v1/products/{id} answers)
        certifications.jsonl    the OCOP certifications of its products
        batches.jsonl           its batches (as GET /api/v1/batches/{id})
        epcis/{code}.jsonld     each batch's events as a GS1 EPCIS 2.0 JSON-LD document, with their hashes
        serial-issues.jsonl     the item serials it issued (never a PIN: PINs are derived, never stored)
        serials/{issue}.csv     each issue's serials: position,serial,voided
        webhooks.jsonl          its webhook subscriptions (never their signing secrets)
        shopper-reports.jsonl   shoppers' reports about its products, with the phone numbers shoppers gave it

        """;

    /// <summary>One serial issue, as the archive lists it.</summary>
    public sealed record IssueLine(Guid Id, Guid BatchId, int Count, bool WithPin, DateTimeOffset CreatedAt);

    /// <summary>Writes the archive to <paramref name="output"/>, one entry after another (a ZIP written forward has one
    /// entry open at a time): the lists are walked again for each entry that needs them, a page at a time.</summary>
    public async Task WriteAsync(Producer producer, Stream output, CancellationToken ct)
    {
        var options = json.Value.SerializerOptions;
        var today = VietnamTime.Today(clock.GetUtcNow());
        await using var zip = await ZipArchive.CreateAsync(output, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: Encoding.UTF8, ct);

        await TextAsync(zip, "README.txt", Readme, ct);
        await using (var entry = await OpenAsync(zip, "producer.json", ct))
            await JsonSerializer.SerializeAsync(entry, ProducerResponse.From(producer), options, ct);
        await using (var entry = await OpenAsync(zip, "products.jsonl", ct))
            await foreach (var product in ProductsAsync(producer.Id, ct)) await LineAsync(entry, ProductResponse.From(product), options, ct);
        await using (var entry = await OpenAsync(zip, "certifications.jsonl", ct))
            await foreach (var product in ProductsAsync(producer.Id, ct))
                foreach (var certification in await certifications.ListForProductAsync(product.Id, ct))
                    await LineAsync(entry, CertificationResponse.From(certification, today), options, ct);
        await using (var entry = await OpenAsync(zip, "batches.jsonl", ct))
            await foreach (var (batch, product) in BatchesAsync(producer.Id, ct))
                await LineAsync(entry, BatchResponse.From(batch, links.For(batch, product.Gtin), new QrLinks(links.QrPng(batch.Code), links.QrSvg(batch.Code))),
                    options, ct);
        await foreach (var (batch, product) in BatchesAsync(producer.Id, ct))
        {
            var document = EpcisDocument.Build(links.Base, batch, product, await lineage.ParentsAsync(batch.Id, ct), await events.ChainAsync(batch.Id, ct),
                clock.GetUtcNow(), withItems: true, await epcis.FieldsOfBatchAsync(batch.Id, ct));
            await using var entry = await OpenAsync(zip, $"epcis/{batch.Code}.jsonld", ct);
            await using var writer = new Utf8JsonWriter(entry, new JsonWriterOptions { Indented = true, Encoder = options.Encoder });
            document.WriteTo(writer);
        }
        await using (var entry = await OpenAsync(zip, "serial-issues.jsonl", ct))
            await foreach (var (batch, _) in BatchesAsync(producer.Id, ct))
                foreach (var issue in await issues.ListIssuesAsync(batch.Id, ct))
                    await LineAsync(entry, new IssueLine(issue.Id, issue.BatchId, issue.Count, issue.WithPin, issue.CreatedAt), options, ct);
        await foreach (var (batch, _) in BatchesAsync(producer.Id, ct))
            foreach (var issue in await issues.ListIssuesAsync(batch.Id, ct))
            {
                await using var entry = await OpenAsync(zip, $"serials/{issue.Id}.csv", ct);
                await using var text = new StreamWriter(entry, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);  // the entry is closed asynchronously below
                await text.WriteAsync("position,serial,voided\n");
                await foreach (var (position, serial, voided) in issues.SerialsAsync(issue.Seq, ct))
                    await text.WriteAsync($"{position},{serial},{(voided ? "true" : "false")}\n");
            }
        await using (var entry = await OpenAsync(zip, "webhooks.jsonl", ct))
            foreach (var webhook in await webhooks.ListAsync(Role.Producer, producer.Id, ct))
                await LineAsync(entry, WebhookResponse.From(webhook, clock.GetUtcNow()), options, ct);
        await using (var entry = await OpenAsync(zip, "shopper-reports.jsonl", ct))
            for (var before = long.MaxValue; ;)
            {
                var page = await reports.ListAsync(producer.Id, null, null, before, Page, ct);
                foreach (var report in page) await LineAsync(entry, ShopperReportResponse.From(report, withPhone: true), options, ct);
                if (page.Count < Page) break;
                before = page[^1].Seq;
            }
    }

    private async IAsyncEnumerable<Product> ProductsAsync(Guid producerId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        for (long after = 0; ;)
        {
            var page = await products.ListAsync(producerId, after, Page, ct);
            foreach (var product in page.Items) yield return product;
            if (page.After is not { } next) yield break;
            after = next;
        }
    }

    private async IAsyncEnumerable<(Batch Batch, Product Product)> BatchesAsync(Guid producerId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        for (long after = 0; ;)
        {
            var page = await batches.ListAsync(producerId, null, after, Page, ct);
            foreach (var batch in page.Items)
                if (await products.GetAsync(batch.ProductId, ct) is { } product) yield return (batch, product);
            if (page.After is not { } next) yield break;
            after = next;
        }
    }

    private static async Task<Stream> OpenAsync(ZipArchive zip, string name, CancellationToken ct) =>
        await zip.CreateEntry(name, CompressionLevel.Fastest).OpenAsync(ct);

    private static async Task TextAsync(ZipArchive zip, string name, string text, CancellationToken ct)
    {
        await using var entry = await OpenAsync(zip, name, ct);
        await entry.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
    }

    private static async Task LineAsync<T>(Stream entry, T value, JsonSerializerOptions options, CancellationToken ct)
    {
        await JsonSerializer.SerializeAsync(entry, value, options, ct);
        await entry.WriteAsync(NewLine, ct);
    }
}
