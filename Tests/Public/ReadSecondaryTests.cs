using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using NUnit.Framework;
using Traceability.Infrastructure.SqlServer;
using Traceability.Tests.Events;
using Traceability.Tests.Support;

namespace Traceability.Tests.Public;

/// <summary>SQL Server for several machines: public reads go to a readable secondary (ConnectionStrings:TraceabilityReadOnly),
/// writes and every account's reads to the primary. Exercised on SQLite, where the secondary string is always opened
/// read-only: pointing to the same file, every public view still works and nothing writes through it; pointing to an
/// older copy, it behaves as a lagging secondary does.</summary>
public sealed class ReadSecondaryTests
{
    [Test]
    public async Task TwoStringsToOneFile_EveryPublicViewWorks_ScansAreCounted_AndARecallShowsAtOnce()
    {
        ApiFactory.RequireSqlite();
        var path = TestPaths.NewDatabaseFile();
        using var api = new ApiFactory(new() { ["ConnectionStrings:TraceabilityReadOnly"] = $"Data Source={path}" }, databasePath: path);
        var producer = await api.CreateProducerAsync();
        var (_, batch, gtin) = await PublicScenario.RichBatchAsync(api, producer, "RO-1");
        var code = batch.GetProperty("code").GetString()!;
        var shopper = api.CreateClient(new() { AllowAutoRedirect = false });

        for (var i = 0; i < 3; i++)
            Assert.That((await shopper.SendAsync(PublicScenario.Get($"/p/{code}", "text/html"))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var link = await shopper.SendAsync(PublicScenario.Get($"/01/0{gtin}/10/RO-1", "text/html"));
        Assert.That(link.StatusCode, Is.EqualTo(HttpStatusCode.TemporaryRedirect), "the resolver's lookup reads the secondary");
        Assert.That((await shopper.SendAsync(PublicScenario.Get($"/products/0{gtin}", "text/html"))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await shopper.SendAsync(PublicScenario.Get("/ocop", "text/html"))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await shopper.GetAsync($"/p/{code}/qr.png")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        // The views were counted through the primary, and read back through the secondary.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await (await shopper.GetAsync($"/api/v1/public/records/{code}")).Json(HttpStatusCode.OK)).GetProperty("scans").GetProperty("count").GetInt64() < 3)
            await Task.Delay(200, bound.Token);

        await (await producer.Client.PostAsJsonAsync($"/api/v1/batches/{batch.Id()}/recall", new { reason = "Nhiễm vi sinh vượt ngưỡng" })).Json(HttpStatusCode.OK);
        var page = await (await shopper.SendAsync(PublicScenario.Get($"/p/{code}", "text/html"))).Content.ReadAsStringAsync();
        Assert.That(page, Does.Contain("SẢN PHẨM ĐÃ BỊ THU HỒI"), "one file: the secondary never lags");
    }

    [Test]
    public async Task ALaggingSecondary_ServesPublicViewsAsItHasThem_WhileAccountsReadThePrimary_AndANewBatchIsFoundAtOnce()
    {
        ApiFactory.RequireSqlite();
        var path = TestPaths.NewDatabaseFile();
        var secondary = path + ".secondary.db";
        using var api = new ApiFactory(new() { ["ConnectionStrings:TraceabilityReadOnly"] = $"Data Source={secondary}" }, databasePath: path);
        try
        {
            var producer = await api.CreateProducerAsync();
            var product = await producer.CreateProductAsync(Scenario.NewGtin13());
            var batch = await producer.CreateBatchAsync(product.Id(), "LAG-1");
            var code = batch.GetProperty("code").GetString()!;
            await producer.AppendAsync(batch.Id(), EventScenario.Harvest(note: "Hái búp đợt một"));
            await BuiltAsync(path, code);

            // The secondary as replication left it a moment ago: then the primary moves on.
            await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = $"VACUUM INTO '{secondary}'";
                await command.ExecuteNonQueryAsync();
            }
            await producer.AppendAsync(batch.Id(), new { type = "packing", occurredAt = "2025-11-21T09:00:00+07:00", note = "Đóng gói đợt hai" });

            var shopper = api.CreateClient();
            var page = await (await shopper.SendAsync(PublicScenario.Get($"/p/{code}", "text/html"))).Content.ReadAsStringAsync();
            Assert.That(page, Does.Contain("Hái búp đợt một").And.Not.Contain("Đóng gói đợt hai"), "the public view came from the secondary, as it was");
            var events = await (await producer.Client.GetAsync($"/api/v1/batches/{batch.Id()}/events")).Json(HttpStatusCode.OK);
            Assert.That(events.GetProperty("items").GetArrayLength(), Is.EqualTo(2), "the producer reads the primary: its own write at once");

            // A batch the secondary has not seen yet: built on the primary and read back from there, never a 404.
            var fresh = await producer.CreateBatchAsync(product.Id(), "LAG-2");
            var response = await shopper.SendAsync(PublicScenario.Get($"/p/{fresh.GetProperty("code").GetString()}", "text/html"));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("LAG-2"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(secondary);
        }
    }

    [Test]
    public void OnSqlServer_TheSecondaryIsAlwaysAskedForWithReadOnlyIntent_AndThePrimaryNever()
    {
        var dialect = new SqlServerDialect("Server=primary;Database=Traceability", "Server=ag-listener;Database=Traceability");
        Assert.That(new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(dialect.SecondaryConnectionString).ApplicationIntent,
            Is.EqualTo(Microsoft.Data.SqlClient.ApplicationIntent.ReadOnly));
        Assert.That(new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(dialect.PrimaryConnectionString).ApplicationIntent,
            Is.EqualTo(Microsoft.Data.SqlClient.ApplicationIntent.ReadWrite));
        var single = new SqlServerDialect("Server=primary;Database=Traceability");
        Assert.That(single.SecondaryConnectionString, Is.EqualTo(single.PrimaryConnectionString), "no secondary: public reads go to the primary");
    }

    /// <summary>Waits (bounded) until the record worker has built the batch's record on the primary.</summary>
    private static async Task BuiltAsync(string path, string code)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            await using (var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False"))
            {
                await connection.OpenAsync(bound.Token);
                await using var command = connection.CreateCommand();
                command.CommandText = """
                    SELECT COUNT(*) FROM batches b JOIN public_records r ON r.batch_id = b.id
                    JOIN public_parts p ON p.batch_id = b.id AND p.part = 1
                    WHERE b.code = $code AND b.record_version = r.built_version
                    """;
                command.Parameters.AddWithValue("$code", code);
                if ((long)(await command.ExecuteScalarAsync(bound.Token))! == 1) return;
            }
            await Task.Delay(200, bound.Token);
        }
    }
}
