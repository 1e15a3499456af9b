using System.Net;
using System.Text.Json;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Upgrades;

/// <summary>A database written by the first public version (commit c949003, the first that landed: migrations 0001–0006)
/// upgraded by today's API. The fixture is that version's own file (Tests/Fixtures/first-version-c949003.db): its demo
/// cooperative, a correction, a batch made from another, an authority's recall, written through its API; beside it,
/// what that version answered for each batch (…json: its public records and chain verifications).</summary>
public sealed class FirstVersionUpgradeTests
{
    private static string Fixture(string name) => Path.Combine(TestPaths.RepoRoot(), "Tests", "Fixtures", name);

    [Test]
    public async Task ADatabaseOfTheFirstVersion_Migrates_AndServesTheSameRecordsAndVerifiableChains()
    {
        ApiFactory.RequireSqlite();
        var database = TestPaths.NewDatabaseFile();
        File.Copy(Fixture("first-version-c949003.db"), database);
        var before = JsonDocument.Parse(await File.ReadAllTextAsync(Fixture("first-version-c949003.json"))).RootElement;
        using var api = new ApiFactory(databasePath: database);
        var producer = api.ClientWithKey(before.GetProperty("producerKey").GetString());  // its keys still open the door
        var anonymous = api.ClientWithKey(null);

        foreach (var batch in before.GetProperty("batches").EnumerateArray())
        {
            var code = batch.GetProperty("code").GetString()!;
            var old = batch.GetProperty("record");
            var now = await (await anonymous.GetAsync($"/api/v1/public/records/{code}")).Json(HttpStatusCode.OK);
            Assert.That(Facts(now), Is.EqualTo(Facts(old)), $"{code}: the same product, producer, lot and recall");
            Assert.That(Events(now), Is.EqualTo(Events(old)), $"{code}: the same events, each with the hash it was chained with");
            Assert.That(now.GetProperty("madeFrom").EnumerateArray().Select(p => p.GetProperty("code").GetString()),
                Is.EqualTo(old.GetProperty("madeFrom").EnumerateArray().Select(p => p.GetProperty("code").GetString())));

            var verified = await (await producer.GetAsync($"/api/v1/batches/{batch.GetProperty("id").GetString()}/verification")).Json(HttpStatusCode.OK);
            var was = batch.GetProperty("verification");
            Assert.That((verified.GetProperty("valid").GetBoolean(), verified.GetProperty("eventCount").GetInt64(), verified.GetProperty("headHash").GetString()),
                Is.EqualTo((true, was.GetProperty("eventCount").GetInt64(), was.GetProperty("headHash").GetString())), $"{code}: the chain verifies to the same head");

            var page = await anonymous.SendAsync(Traceability.Tests.Public.PublicScenario.Get($"/p/{code}", "text/html"));
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{code}: the shopper's page");
        }
        // A recalled lot of the first version is recalled today, with its reason.
        var recalled = await (await anonymous.GetAsync("/api/v1/public/records/HX9AHATHZJ")).Json(HttpStatusCode.OK);
        Assert.That(recalled.GetProperty("recall").GetProperty("reason").GetString(), Is.EqualTo("Phát hiện nấm mốc trong mẫu kiểm tra"));
        // And the upgraded database takes writes.
        var write = await producer.PostAsync($"/api/v1/batches/{before.GetProperty("batches")[0].GetProperty("id").GetString()}/events",
            JsonContent("""{"type": "storing", "occurredAt": "2025-11-28T07:30:00+07:00", "note": "Kho lạnh"}"""));
        await write.Json(HttpStatusCode.Created);
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static (string?, string?, string?, string?) Facts(JsonElement record) =>
        (record.GetProperty("product").GetProperty("name").GetString(), record.GetProperty("producer").GetProperty("name").GetString(),
            record.GetProperty("batch").GetProperty("lotNumber").GetString(),
            record.GetProperty("recall").ValueKind == JsonValueKind.Object ? record.GetProperty("recall").GetProperty("reason").GetString() : null);

    private static List<(string?, long, string?, string?, string?)> Events(JsonElement record) =>
        record.GetProperty("events").EnumerateArray().Select(e => (e.GetProperty("id").GetString(), e.GetProperty("sequence").GetInt64(),
            e.GetProperty("type").GetString(), e.GetProperty("previousHash").GetString(), e.GetProperty("hash").GetString())).ToList();
}
