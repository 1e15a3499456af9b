using System.Net;
using System.Net.Http.Json;
using NUnit.Framework;
using Traceability.Domain.Serials;
using Traceability.Tests.Support;

namespace Traceability.Tests.Serials;

/// <summary>A cooperative issues item serials for a batch and gets the printer's file; only it, and only while the
/// batch is not recalled; the file comes back the same; damaged labels are voided.</summary>
public sealed class SerialIssuingTests : ApiTest
{
    private static readonly byte[] Secret = Convert.FromBase64String(ApiFactory.TestPinSecret);

    private async Task<(Guid BatchId, string Code, string Gtin14)> NewBatch(string lot, bool gtin = true)
    {
        var code13 = gtin ? Scenario.NewGtin13() : null;
        var product = await Producer.CreateProductAsync(code13, name: "Nước mắm Ba Làng");
        var batch = await Producer.CreateBatchAsync(product.Id(), lot);
        return (batch.Id(), batch.GetProperty("code").GetString()!, code13 is null ? "" : "0" + code13);
    }

    private static async Task<List<string[]>> Csv(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(expected), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/csv"));
        return text.TrimEnd('\n').Split('\n').Select(l => l.Split(',')).ToList();
    }

    private Task<HttpResponseMessage> Issue(Guid batchId, object body, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/batches/{batchId}/serials") { Content = JsonContent.Create(body) };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return Producer.Client.SendAsync(request);
    }

    [Test]
    public async Task Issuing_AnswersThePrintersFile_RandomSerials_DigitalLinks_PinsDerivedFromTheSecret()
    {
        var (batchId, _, gtin14) = await NewBatch("NM-2511");
        var response = await Issue(batchId, new { count = 1000, withPin = true });
        var lines = await Csv(response, HttpStatusCode.Created);
        Assert.That(lines[0], Is.EqualTo(new[] { "position", "serial", "status", "digital_link", "pin" }));
        var rows = lines.Skip(1).ToList();
        Assert.That(rows, Has.Count.EqualTo(1000));
        Assert.That(rows.Select(r => r[0]), Is.EqualTo(Enumerable.Range(1, 1000).Select(i => i.ToString())));
        Assert.That(rows.Select(r => r[1]).Distinct().Count(), Is.EqualTo(1000));
        Assert.That(rows.Select(r => r[1]), Has.All.Match("^[A-Za-z0-9_-]{11}$"));
        Assert.That(rows.Select(r => r[3]), Is.EqualTo(rows.Select(r => $"https://trace.example.vn/01/{gtin14}/10/NM-2511/21/{r[1]}")));
        Assert.That(rows.Select(r => r[4]), Is.EqualTo(rows.Select(r => ItemSerial.Pin(Secret, r[1]))), "each PIN is the secret's MAC of its serial");
        Assert.That(rows.Select(r => r[4]), Has.All.Match("^[0-9]{8}$"));

        // The same file again, from its address, PINs derived again; the list names it.
        var location = response.Headers.Location!.ToString();
        Assert.That(await Csv(await Producer.Client.GetAsync(new Uri(location).PathAndQuery), HttpStatusCode.OK), Is.EqualTo(lines));
        var issues = await (await Producer.Client.GetAsync($"/api/v1/batches/{batchId}/serials")).Json(HttpStatusCode.OK);
        Assert.That(issues[0].GetProperty("file").GetString(), Is.EqualTo(location));
        Assert.That(issues[0].GetProperty("count").GetInt32(), Is.EqualTo(1000));
    }

    [Test]
    public async Task ARepeatedRequest_WithItsIdempotencyKey_IsTheSameIssue_AnotherBodyIs422()
    {
        var (batchId, _, _) = await NewBatch("NM-IDEM");
        var first = await Csv(await Issue(batchId, new { count = 30, withPin = true }, "print-run-1"), HttpStatusCode.Created);
        var repeat = await Issue(batchId, new { count = 30, withPin = true }, "print-run-1");
        Assert.That(await Csv(repeat, HttpStatusCode.Created), Is.EqualTo(first), "a download lost on a weak connection comes back the same");
        Assert.That(repeat.Headers.GetValues("Idempotent-Replayed").Single(), Is.EqualTo("true"));
        await (await Issue(batchId, new { count = 31, withPin = true }, "print-run-1")).Json(HttpStatusCode.UnprocessableEntity);
        var issues = await (await Producer.Client.GetAsync($"/api/v1/batches/{batchId}/serials")).Json(HttpStatusCode.OK);
        Assert.That(issues.GetArrayLength(), Is.EqualTo(1));
    }

    [Test]
    public async Task OnlyTheOwner_WhileTheBatchIsOpen_WithinLimits()
    {
        var (batchId, _, _) = await NewBatch("NM-OWN");
        var intruder = await Api.CreateProducerAsync("Hợp tác xã khác");
        await (await intruder.Client.PostAsJsonAsync($"/api/v1/batches/{batchId}/serials", new { count = 5 })).Json(HttpStatusCode.NotFound);
        var authority = await Api.CreateAuthorityAsync();
        await (await authority.Client.PostAsJsonAsync($"/api/v1/batches/{batchId}/serials", new { count = 5 })).Json(HttpStatusCode.Forbidden);
        foreach (var count in new[] { 0, ItemSerial.MaxPerRequest + 1 })
        {
            var problem = await (await Issue(batchId, new { count })).Json(HttpStatusCode.BadRequest);
            Assert.That(problem.GetProperty("errors").TryGetProperty("count", out _), Is.True);
        }
        var file = await Csv(await Issue(batchId, new { count = 3 }), HttpStatusCode.Created);
        Assert.That(file[0], Is.EqualTo(new[] { "position", "serial", "status", "digital_link" }), "no PIN column without withPin");

        await (await authority.Client.PostAsJsonAsync($"/api/v1/batches/{batchId}/recall", new { reason = "Kiểm tra" })).Json(HttpStatusCode.OK);
        await (await Issue(batchId, new { count = 3 })).Json(HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Voiding_ARangeAndAList_ShowsInTheFile()
    {
        var (batchId, code, _) = await NewBatch("NM-VOID", gtin: false);
        var response = await Issue(batchId, new { count = 40 });
        var rows = (await Csv(response, HttpStatusCode.Created)).Skip(1).ToList();
        Assert.That(rows[0][3], Is.EqualTo($"https://trace.example.vn/p/{code}/{rows[0][1]}"), "without a GTIN, the item's page under the batch's");
        var issueId = new Uri(response.Headers.Location!.ToString()).Segments[^1];
        var voided = await (await Producer.Client.PostAsJsonAsync($"/api/v1/batches/{batchId}/serials/void",
            new { issueId, from = 11, to = 20, serials = new[] { rows[0][1] } })).Json(HttpStatusCode.OK);
        Assert.That(voided.GetProperty("voided").GetInt32(), Is.EqualTo(11));
        var again = (await Csv(await Producer.Client.GetAsync(new Uri(response.Headers.Location!.ToString()).PathAndQuery), HttpStatusCode.OK)).Skip(1).ToList();
        Assert.That(again.Count(r => r[2] == "voided"), Is.EqualTo(11));
        Assert.That(again[15][2], Is.EqualTo("voided"));
        await (await Producer.Client.PostAsJsonAsync($"/api/v1/batches/{batchId}/serials/void", new { issueId, from = 5 })).Json(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task ItemLabels_EachCarryItsOwnItemsQrCode_InTheFilesOrder_VoidedOnesLeftOut()
    {
        var (batchId, _, _) = await NewBatch("NM-LBL");
        var response = await Issue(batchId, new { count = 30 });
        var rows = (await Csv(response, HttpStatusCode.Created)).Skip(1).ToList();
        var file = new Uri(response.Headers.Location!.ToString()).PathAndQuery;
        await (await Producer.Client.PostAsJsonAsync($"/api/v1/batches/{batchId}/serials/void", new { serials = new[] { rows[1][1] } })).Json(HttpStatusCode.OK);

        var labels = await Producer.Client.GetAsync($"{file}/labels?count=30&stock=a4-3x8-70x36");
        var html = await labels.Content.ReadAsStringAsync();
        Assert.That(labels.StatusCode, Is.EqualTo(HttpStatusCode.OK), html);
        var codes = System.Text.RegularExpressions.Regex.Matches(html, "<svg class=\"qr\" (viewBox=\"[^\"]+\")[^>]*>(.*?)</svg>",
                System.Text.RegularExpressions.RegexOptions.Singleline)
            .Select(m => QrDecoder.DecodeSvg($"<svg {m.Groups[1].Value}>{m.Groups[2].Value}</svg>")).ToList();
        Assert.That(codes, Is.EqualTo(rows.Where((_, i) => i != 1).Select(r => r[3])), "one label per item still issued, each with its own Digital Link");
        Assert.That(System.Text.RegularExpressions.Regex.Matches(html, "class=\"sheet\"").Count, Is.EqualTo(2));
        Assert.That(html, Does.Not.Contain(",pin").And.Not.Contain("PIN:"), "no PIN is printed on these labels");
        var intruder = await Api.CreateProducerAsync("Hợp tác xã thứ ba");
        await (await intruder.Client.GetAsync($"{file}/labels")).Json(HttpStatusCode.NotFound);
    }
}
