using System.Net;
using System.Net.Http.Json;
using NUnit.Framework;
using Traceability.Domain;
using Traceability.Tests.Support;

namespace Traceability.Tests.Api;

/// <summary>One rule for what a label can carry: a lot accepted at creation is one whose printed Digital Link resolves,
/// over a real socket as a phone opens it; and no text field takes characters that display as something else.</summary>
public sealed class LabelTextRuleTests
{
    private const string Charset82 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!\"%&'()*+,-./:;<=>?_";
    private const string Refused = " #$@[\\]^`{|}~ăđêô\t";

    [Test]
    public async Task EveryLotAcceptedAtCreation_ResolvesThroughItsPrintedLink_AndNoOtherIsAccepted()
    {
        using var api = new ApiFactory();
        var http = api.StartKestrel();
        var producer = await api.CreateProducerAsync();
        var product = (await producer.CreateProductAsync(Scenario.NewGtin13())).Id();
        var random = new Random(2311);
        var lots = new List<string> { "A;B", "A<B", "A=B", "A?B", "A:B", "A%B", "A/B", "A&B", "A+B", "A>B", "\"Q\"", "%25" };
        for (var i = 0; i < 60; i++)
        {
            var alphabet = i % 3 == 0 ? Charset82 + Refused : Charset82;
            lots.Add(new string(Enumerable.Range(0, random.Next(1, 21)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()));
        }
        var accepted = 0;
        foreach (var lot in lots.Distinct())
        {
            var response = await producer.Client.PostAsJsonAsync("/api/v1/batches", new { productId = product, lotNumber = lot, producedOn = "2025-11-20" });
            var valid = lot.All(c => Charset82.Contains(c));
            Assert.That(response.StatusCode, Is.EqualTo(valid ? HttpStatusCode.Created : HttpStatusCode.BadRequest), lot);
            if (!valid) continue;
            accepted++;
            var batch = await response.Json(HttpStatusCode.Created);
            var printed = new Uri(batch.GetProperty("publicUrl").GetString()!);
            var opened = await http.GetAsync(printed.PathAndQuery);
            Assert.That(opened.StatusCode, Is.EqualTo(HttpStatusCode.TemporaryRedirect), $"{lot}: {printed.PathAndQuery}");
            Assert.That(opened.Headers.Location?.ToString(), Does.EndWith($"/p/{batch.GetProperty("code").GetString()}"), lot);
        }
        Assert.That(accepted, Is.GreaterThan(40));
        Assert.That(LotNumber.IsValid("A;B") && ItemSerialRule("A;B"), Is.True, "lots and serials follow one rule");
    }

    private static bool ItemSerialRule(string s) => Traceability.Domain.Serials.ItemSerial.IsValid(s);

    [TestCase("Mật ong \u202Egnp.exe")]
    [TestCase("Chè\u0000")]
    [TestCase("Chè\u001b[31m")]
    [TestCase("Chè\u0085lam")]
    [TestCase("Chè\u2066ẩn\u2069")]
    public async Task TextThatDisplaysAsSomethingElse_Is400NamingTheField(string name)
    {
        using var api = new ApiFactory();
        var producer = await api.CreateProducerAsync();
        var problem = await (await producer.Client.PostAsJsonAsync("/api/v1/products", new { name, category = "food" })).Json(HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").TryGetProperty("name", out var errors), Is.True, problem.ToString());
        Assert.That(errors[0].GetString(), Does.Contain("not allowed"));
        var lines = await (await producer.Client.PostAsJsonAsync("/api/v1/products", new { name = "Chè\nlam", category = "food" })).Json(HttpStatusCode.BadRequest);
        Assert.That(lines.GetProperty("errors").TryGetProperty("name", out _), Is.True, "a name is one line");
        await (await producer.Client.PostAsJsonAsync("/api/v1/products", new { name = "Chè lam", category = "food", description = "Dòng 1\nDòng 2" }))
            .Json(HttpStatusCode.Created);
        var list = await (await producer.Client.GetAsync("/api/v1/products")).Json(HttpStatusCode.OK);
        Assert.That(list.GetProperty("items").GetArrayLength(), Is.EqualTo(1), "nothing refused was stored");
    }
}
