using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Faults;

/// <summary>In Production the logs are JSON lines, and the traceId of a problem a client received finds its log lines.</summary>
public sealed class ProductionLogTests
{
    [Test]
    public async Task AShoppersOrAppsTraceId_LeadsToTheRequestsLogLine_InJsonLines()
    {
        ApiFactory.RequireSqlite();
        var database = TestPaths.NewDatabaseFile();
        await using var api = ApiProcess.Start(database, ApiFactory.AdminKey);
        await api.WaitUntilReadyAsync();
        api.Client.DefaultRequestHeaders.Add("X-Api-Key", ApiFactory.AdminKey);
        var body = new { name = "HTX Chè Xuân Lập", kind = "cooperative", address = new { commune = "Xã Xuân Lập", province = "Thanh Hóa" } };
        await (await api.Client.PostAsJsonAsync("/api/v1/producers", body)).Json(HttpStatusCode.Created);

        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(database + suffix);  // the database vanishes under the API
        var problem = await (await api.Client.PostAsJsonAsync("/api/v1/producers", body)).Json(HttpStatusCode.ServiceUnavailable);
        var traceId = problem.GetProperty("traceId").GetString()!;
        Assert.That(traceId, Does.Match("^[0-9a-f]{32}$"), "a W3C trace id");

        string? line = null;
        using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
            while ((line = api.Output.Split('\n').FirstOrDefault(l => l.Contains(traceId, StringComparison.Ordinal))) is null)
                await Task.Delay(100, bound.Token);  // the console logger writes from its own queue
        var entry = JsonDocument.Parse(line).RootElement;
        Assert.That(entry.GetProperty("LogLevel").GetString(), Is.EqualTo("Warning"));
        Assert.That(entry.GetProperty("Message").GetString(), Does.StartWith("Database unavailable on POST /api/v1/producers"));
        Assert.That(entry.GetProperty("Scopes").EnumerateArray().Any(s => s.TryGetProperty("TraceId", out var t) && t.GetString() == traceId));
        Assert.That(api.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).Where(l => l.Length > 0),
            Has.All.StartsWith("{"), "every line is a JSON object");
    }
}
