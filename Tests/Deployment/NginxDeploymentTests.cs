using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Deployment;

/// <summary>docs/operations.md's production recipe, run as an operator runs it: Debian's nginx with
/// deploy/nginx/ocop-traceability.conf (TLS, a cache) in front of two API processes (the built API in Production) on one
/// database, each with its metrics port scraped by Debian's Prometheus. The README's example session runs through nginx;
/// the cache keeps what it may and a recall still reaches shoppers and apps within the stated time; one process is
/// killed mid-load and no acknowledged write is lost, none is made twice, and no client sees an error a retry does not
/// absorb. Without nginx (or Prometheus, node, jq) the tests are ignored, unless REQUIRE_NGINX=1 (CI), where they fail.</summary>
[NonParallelizable]
public sealed partial class NginxDeploymentTests
{
    /// <summary>Traceability:PublicCacheSeconds for this deployment: the stated time for a recall to reach a cached copy.</summary>
    private const int CacheSeconds = 2;

    private static readonly string PinSecret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private static readonly string WebhookKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private readonly List<ApiProcess> _nodes = [];
    private Nginx _nginx = null!;
    private DirectoryInfo _keys = null!;
    private string _database = null!;
    private string _demoAuthorityKey = null!;

    [OneTimeSetUp]
    public async Task StartTheDeployment()
    {
        ApiFactory.RequireSqlite();
        Nginx.Require();
        _database = TestPaths.NewDatabaseFile();
        _keys = Directory.CreateTempSubdirectory("dashboard-keys-");
        var port = TestPaths.FreePort();
        Dictionary<string, string> Settings(bool seed) => new()
        {
            ["ReverseProxy__TrustedProxies__0"] = "127.0.0.1",
            ["Traceability__PublicBaseUrl"] = $"https://127.0.0.1:{port}",
            ["Traceability__PublicCacheSeconds"] = CacheSeconds.ToString(CultureInfo.InvariantCulture),
            ["Traceability__SeedDemoData"] = seed ? "true" : "false",
            ["Dashboard__KeysPath"] = _keys.FullName,
            ["Webhooks__AllowPrivateTargets"] = "true",
            // What an operator sets in production (docs/configuration.md), the same on every node.
            ["Serials__PinSecret"] = PinSecret, ["Webhooks__SecretKey"] = WebhookKey,
            ["Telemetry__SampleSeconds"] = "1",
        };
        // The first process creates the database (and the demo cooperative the README's session buys from), then the second joins it.
        _nodes.Add(ApiProcess.Start(_database, ApiFactory.AdminKey, Settings(seed: true), metricsPort: TestPaths.FreePort()));
        await _nodes[0].WaitUntilReadyAsync();
        _nodes.Add(ApiProcess.Start(_database, ApiFactory.AdminKey, Settings(seed: false), metricsPort: TestPaths.FreePort()));
        await _nodes[1].WaitUntilReadyAsync();
        _demoAuthorityKey = DemoAuthorityKey().Match(_nodes[0].Output) is { Success: true } m ? m.Groups[1].Value
            : throw new InvalidOperationException("The seeded start printed no demo authority key:\n" + _nodes[0].Output);
        _nginx = await Nginx.StartAsync(_nodes.Select(n => n.Client.BaseAddress!), port);
    }

    [OneTimeTearDown]
    public async Task StopTheDeployment()
    {
        if (_nginx is not null) await _nginx.DisposeAsync();
        foreach (var node in _nodes) await node.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(_database + suffix);
        _keys.Delete(recursive: true);
    }

    [Test, Order(1)]
    public async Task TheReadmesSession_RunsThroughNginx_AcrossBothNodes_AndPrometheusCountsItAsNginxAndTheReceiverDo()
    {
        var prometheusBinary = "/usr/bin/prometheus";
        if (!File.Exists(prometheusBinary) || !OnPath("node") || !OnPath("jq") || !OnPath("curl"))
        {
            if (Environment.GetEnvironmentVariable("REQUIRE_NGINX") == "1") Assert.Fail("REQUIRE_NGINX=1 but prometheus, node, jq or curl is missing");
            Assert.Ignore("prometheus, node, jq or curl is missing");
        }
        await using var prometheus = await PrometheusServer.StartAsync(_nodes.Select(n => n.MetricsPort!.Value));
        var session = Directory.CreateTempSubdirectory("session-");
        var receiverPort = TestPaths.FreePort();
        var root = TestPaths.RepoRoot();
        using var receiver = Start("node", [Path.Combine(root, "docs", "webhook-receiver.mjs"), receiverPort.ToString(CultureInfo.InvariantCulture), "webhook-secret"],
            session.FullName, out var receiverLog);
        try
        {
            using (var listening = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
                while (!Snapshot(receiverLog).Contains("listening", StringComparison.Ordinal)) await Task.Delay(100, listening.Token);

            // The README's example session as written there, its BASE through nginx (curl trusts nginx's certificate).
            using var run = Start("bash", ["-euo", "pipefail", Path.Combine(root, "docs", "example-session.sh")], session.FullName, out var sessionLog,
                new()
                {
                    ["ADMIN"] = ApiFactory.AdminKey, ["BASE"] = $"{_nginx.BaseAddress}api/v1".Replace("//api", "/api", StringComparison.Ordinal),
                    ["WEBHOOK_URL"] = $"http://127.0.0.1:{receiverPort}/hooks", ["CURL_CA_BUNDLE"] = _nginx.CertificatePath,
                });
            using (var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2))) await run.WaitForExitAsync(bound.Token);
            run.WaitForExit();  // and the end of its output
            Assert.That(run.ExitCode, Is.Zero, () => "docs/example-session.sh through nginx, its end:\n" + Snapshot(sessionLog)[^Math.Min(3000, Snapshot(sessionLog).Length)..]);

            using (var delivered = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
                while (!Snapshot(receiverLog).Contains("verified batch.recalled", StringComparison.Ordinal)) await Task.Delay(100, delivered.Token);
            var receiverLines = Snapshot(receiverLog).Split('\n');
            Assert.That(receiverLines.Where(l => l.StartsWith("REFUSED", StringComparison.Ordinal)), Is.Empty);
            Assert.That(receiverLines.Any(l => l.StartsWith("verified batch.created", StringComparison.Ordinal))
                && receiverLines.Any(l => l.StartsWith("verified event.recorded", StringComparison.Ordinal)));

            // Shoppers scan a lot the session made, through nginx.
            using var shopper = _nginx.Client();
            using var admin = _nginx.Client();
            admin.DefaultRequestHeaders.Add("X-Api-Key", ApiFactory.AdminKey);
            var code = (await (await admin.GetAsync("/api/v1/batches?limit=1")).Json(HttpStatusCode.OK)).GetProperty("items")[0].GetProperty("code").GetString()!;
            for (var i = 0; i < 6; i++)
                Assert.That((await shopper.SendAsync(Html($"/p/{code}"))).StatusCode, Is.EqualTo(HttpStatusCode.OK));

            // The province office signs in to the dashboard through nginx: the form from one node, posted to the other
            // (round robin, nothing else in flight), the dashboard from the first again.
            var cookies = new CookieContainer();
            using var office = _nginx.Client(cookies: cookies);
            var form = await (await office.GetAsync("/dashboard/sign-in")).Content.ReadAsStringAsync();
            var csrf = WebUtility.HtmlDecode(Csrf().Match(form).Groups[1].Value);
            var signedIn = await office.PostAsync("/dashboard/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = _demoAuthorityKey, ["csrf"] = csrf }));
            Assert.That(signedIn.StatusCode, Is.EqualTo(HttpStatusCode.OK), "signed in (303, followed to the dashboard)");
            Assert.That(await signedIn.Content.ReadAsStringAsync(), Does.Contain("Bảng điều khiển OCOP"));
            var dashboardLines = _nginx.AccessLog().Where(l => l.Contains(" /dashboard", StringComparison.Ordinal)).Select(l => l.Split(' ')[3]).Distinct();
            Assert.That(dashboardLines.Count(), Is.EqualTo(2), "the dashboard's requests were served by both nodes");

            // What nginx passed on, and what the receiver verified, Prometheus counts across both nodes.
            var log = _nginx.AccessLog();
            Assert.That(log.Select(l => l.Split(' ')[3]).Where(u => u != "-").Distinct().Count(), Is.EqualTo(2), "both nodes served the session");
            var lotViews = log.Count(l => LotView().IsMatch(l));
            // An item's view counts for its lot too (the session scans one item).
            var itemViews = log.Count(l => ItemView().IsMatch(l) && !l.Contains("/qr.", StringComparison.Ordinal) && !l.Contains("/report ", StringComparison.Ordinal));
            var batchPosts = log.Count(l => l.StartsWith("POST /api/v1/batches 201 ", StringComparison.Ordinal));
            var verified = Snapshot(receiverLog).Split('\n').Count(l => l.StartsWith("verified ", StringComparison.Ordinal));
            Assert.That((lotViews, itemViews, batchPosts), Is.EqualTo((6, 1, 2)), "nginx saw the shoppers' six views, the session's item scan and its two batches");

            const string Job = "job=\"ocop-traceability\"";
            var expected = new Dictionary<string, double>
            {
                [$"count(up{{{Job}}} == 1)"] = 2,
                [$"sum(traceability_public_scans_total{{{Job},kind=\"lot\"}})"] = lotViews + itemViews,
                [$"sum(traceability_public_scans_total{{{Job},kind=\"item\"}})"] = itemViews,
                [$"sum(http_server_request_duration_seconds_count{{{Job},http_route=\"/api/v1/batches/\",http_request_method=\"POST\",http_response_status_code=\"201\"}})"] = batchPosts,
                [$"sum(traceability_webhook_deliveries_total{{{Job},outcome=\"delivered\"}})"] = verified,
                // What is waiting, as each node samples the one database: nothing, once delivered, rebuilt and audited well.
                [$"max(traceability_webhook_backlog{{{Job}}})"] = 0,
                [$"max(traceability_webhook_oldest_age_seconds{{{Job}}})"] = 0,
                [$"max(traceability_records_stale{{{Job}}})"] = 0,
                [$"max(traceability_chain_broken{{{Job}}})"] = 0,
            };
            var seen = new Dictionary<string, double?>();
            using var scraped = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (true)
            {
                foreach (var query in expected.Keys) seen[query] = await prometheus.AskAsync(query);
                if (expected.All(e => seen[e.Key] == e.Value)) break;
                if (scraped.IsCancellationRequested)
                    Assert.Fail("Prometheus did not count what nginx and the receiver saw: " + string.Join("; ", expected.Select(e => $"{e.Key} = {seen[e.Key]} (expected {e.Value})")));
                await Task.Delay(500);
            }
        }
        finally
        {
            receiver.Kill(entireProcessTree: true);
            session.Delete(recursive: true);
        }
    }

    [Test, Order(2)]
    public async Task TheCacheKeepsWhatItMay_ScansStillCount_AndARecallReachesCachedCopiesWithinTheStatedTime()
    {
        using var admin = _nginx.Client();
        admin.DefaultRequestHeaders.Add("X-Api-Key", ApiFactory.AdminKey);
        var created = await (await admin.PostAsJsonAsync("/api/v1/producers", new
        {
            name = "HTX Mật ong Như Xuân", kind = "cooperative", address = new { commune = "Xã Xuân Bình", province = "Thanh Hóa", provinceCode = "38" },
        })).Json(HttpStatusCode.Created);
        using var producer = _nginx.Client();
        producer.DefaultRequestHeaders.Add("X-Api-Key", created.GetProperty("apiKey").GetString());
        var product = await (await producer.PostAsJsonAsync("/api/v1/products", new { name = "Mật ong hoa rừng", category = "food" })).Json(HttpStatusCode.Created);
        var batch = await (await producer.PostAsJsonAsync("/api/v1/batches", new { productId = product.Id(), lotNumber = "MO-1", producedOn = "2025-11-20" }))
            .Json(HttpStatusCode.Created);
        var code = batch.GetProperty("code").GetString()!;
        using var app = _nginx.Client();
        using var shopper = _nginx.Client();

        // The record for apps and the QR image: the second ask is the cache's.
        var first = await app.GetAsync($"/api/v1/public/records/{code}");
        var second = await app.GetAsync($"/api/v1/public/records/{code}");
        Assert.That((CacheStatus(first), CacheStatus(second)), Is.EqualTo(("MISS", "HIT")));
        Assert.That((await second.Json(HttpStatusCode.OK)).GetProperty("recall").ValueKind, Is.EqualTo(JsonValueKind.Null));
        await shopper.GetAsync($"/p/{code}/qr.png");
        Assert.That(CacheStatus(await shopper.GetAsync($"/p/{code}/qr.png")), Is.EqualTo("HIT"));

        // Scans are never the cache's: each reaches a node and is counted.
        for (var i = 0; i < 4; i++)
        {
            var view = await shopper.SendAsync(Html($"/p/{code}"));
            Assert.That((view.StatusCode, CacheStatus(view)), Is.EqualTo((HttpStatusCode.OK, "MISS")));
        }
        using (var counted = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            while ((await (await _nodes[0].Client.GetAsync($"/api/v1/public/records/{code}")).Json(HttpStatusCode.OK)).GetProperty("scans").GetProperty("count").GetInt64() != 4)
                await Task.Delay(200, counted.Token);
        // A request with a key neither reads nor fills the cache.
        Assert.That(CacheStatus(await producer.GetAsync($"/api/v1/batches/{batch.Id()}")), Is.EqualTo("BYPASS"));

        var recalled = Stopwatch.StartNew();
        await (await producer.PostAsJsonAsync($"/api/v1/batches/{batch.Id()}/recall", new { reason = "Phát hiện dư lượng kháng sinh" })).Json(HttpStatusCode.OK);
        var page = await (await shopper.SendAsync(Html($"/p/{code}"))).Content.ReadAsStringAsync();
        Assert.That(page, Does.Contain("SẢN PHẨM ĐÃ BỊ THU HỒI"), "a shopper's scan shows the recall at once");

        // The app's cached copy: within Traceability:PublicCacheSeconds (nginx's clock ticks in whole seconds: one more).
        using var stated = new CancellationTokenSource(TimeSpan.FromSeconds(CacheSeconds + 1));
        HttpResponseMessage answer;
        while ((await (answer = await app.GetAsync($"/api/v1/public/records/{code}")).Json(HttpStatusCode.OK)).GetProperty("recall").ValueKind == JsonValueKind.Null)
        {
            if (stated.IsCancellationRequested) Assert.Fail($"the app's copy still showed no recall {recalled.Elapsed.TotalSeconds:0.0} s after it");
            await Task.Delay(100);
        }
        Assert.That(CacheStatus(answer), Is.AnyOf("EXPIRED", "REVALIDATED", "MISS"), "the copy was asked for again, not served stale");
    }

    [Test, Order(3)]
    public async Task OneNodeKilledMidLoad_NoAcknowledgedWriteIsLost_NoneIsMadeTwice_AndReadersSeeNoError()
    {
        using var admin = _nginx.Client();
        admin.DefaultRequestHeaders.Add("X-Api-Key", ApiFactory.AdminKey);
        var created = await (await admin.PostAsJsonAsync("/api/v1/producers", new
        {
            name = "HTX Nem chua Thanh Hóa", kind = "cooperative", address = new { commune = "Phường Đông Thọ", province = "Thanh Hóa", provinceCode = "38" },
        })).Json(HttpStatusCode.Created);
        var key = created.GetProperty("apiKey").GetString()!;
        using var producer = _nginx.Client();
        producer.DefaultRequestHeaders.Add("X-Api-Key", key);
        var product = await (await producer.PostAsJsonAsync("/api/v1/products", new { name = "Nem chua", category = "food" })).Json(HttpStatusCode.Created);
        var batches = new List<(Guid Id, string Code)>();
        for (var i = 0; i < 4; i++)
        {
            var b = await (await producer.PostAsJsonAsync("/api/v1/batches", new { productId = product.Id(), lotNumber = $"KILL-{i}", producedOn = "2025-11-20" }))
                .Json(HttpStatusCode.Created);
            batches.Add((b.Id(), b.GetProperty("code").GetString()!));
        }

        const int WritesPerBatch = 30;
        var acknowledged = new System.Collections.Concurrent.ConcurrentDictionary<string, Guid>();
        var retried = 0;
        var clientErrors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var writersDone = new CancellationTokenSource();
        var victim = _nodes[1];

        // A phone syncing: each write carries its Idempotency-Key, and a 502/503/504 or a dropped connection is retried with it.
        async Task Writer((Guid Id, string Code) batch, int index)
        {
            using var client = _nginx.Client();
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
            for (var n = 0; n < WritesPerBatch; n++)
            {
                var note = $"ghi-{index}-{n}";
                // A key the dead node held is taken over once its liveness lease runs out (within 6 s): retry for longer.
                var giveUp = Stopwatch.StartNew();
                for (var attempt = 0; ; attempt++)
                {
                    Assert.That(giveUp.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), $"{note} was never acknowledged ({attempt} attempts)");
                    using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/batches/{batch.Id}/events")
                    {
                        Content = JsonContent.Create(new { type = "storing", occurredAt = "2025-11-21T08:00:00+07:00", note }),
                    };
                    request.Headers.Add("Idempotency-Key", note);
                    try
                    {
                        var response = await client.SendAsync(request);
                        if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
                        {
                            acknowledged[note] = batch.Id;
                            break;
                        }
                        if (response.StatusCode is not (HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout or HttpStatusCode.Conflict))
                        {
                            clientErrors.Enqueue($"{note}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                            break;
                        }
                    }
                    catch (HttpRequestException) { }
                    Interlocked.Increment(ref retried);
                    await Task.Delay(100);
                }
            }
        }

        // Shoppers: every view must succeed, with no retry of theirs (nginx's own is enough).
        async Task Reader(string code)
        {
            using var client = _nginx.Client();
            while (!writersDone.IsCancellationRequested)
            {
                try
                {
                    var view = await client.SendAsync(Html($"/p/{code}"));
                    if (view.StatusCode != HttpStatusCode.OK) clientErrors.Enqueue($"a shopper's view: {(int)view.StatusCode}");
                }
                catch (HttpRequestException e) { clientErrors.Enqueue($"a shopper's view: {e.Message}"); }
            }
        }

        var writers = batches.Select((b, i) => Writer(b, i)).ToList();
        var readers = batches.Take(2).Select(b => Reader(b.Code)).ToList();
        using (var loaded = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            while (acknowledged.Count < 20) await Task.Delay(20, loaded.Token);
        var servedBeforeKill = _nginx.AccessLog().Where(l => l.StartsWith("POST ", StringComparison.Ordinal)).Select(l => l.Split(' ')[3]).ToHashSet();
        Assert.That(servedBeforeKill, Does.Contain(victim.Client.BaseAddress!.Authority), "the node to be killed was taking writes");
        victim.Kill();
        await Task.WhenAll(writers);
        await writersDone.CancelAsync();
        await Task.WhenAll(readers);

        Assert.That(clientErrors, Is.Empty, "errors a retry did not absorb");
        Assert.That(acknowledged, Has.Count.EqualTo(batches.Count * WritesPerBatch));
        using var survivor = new HttpClient { BaseAddress = _nodes[0].Client.BaseAddress };
        survivor.DefaultRequestHeaders.Add("X-Api-Key", key);
        foreach (var batch in batches)
        {
            var notes = new List<string>();
            string? cursor = null;
            do
            {
                var page = await (await survivor.GetAsync($"/api/v1/batches/{batch.Id}/events?limit=100{(cursor is null ? "" : $"&cursor={cursor}")}")).Json(HttpStatusCode.OK);
                notes.AddRange(page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("note").GetString()!));
                cursor = page.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
            }
            while (cursor is not null);
            var expected = acknowledged.Where(a => a.Value == batch.Id).Select(a => a.Key).Order().ToList();
            Assert.That(notes.Order().ToList(), Is.EqualTo(expected), $"batch {batch.Code}: every acknowledged write, once");
            var verification = await (await survivor.GetAsync($"/api/v1/batches/{batch.Id}/verification")).Json(HttpStatusCode.OK);
            Assert.That(verification.GetProperty("valid").GetBoolean(), Is.True, $"batch {batch.Code}: the hash chain holds");
        }
        TestContext.Out.WriteLine($"{acknowledged.Count} writes acknowledged, {retried} retries absorbed");
    }

    private static HttpRequestMessage Html(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html");
        return request;
    }

    private static string? CacheStatus(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Cache-Status", out var values) ? values.First() : null;

    private static bool OnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, command)));

    private static string Snapshot(System.Text.StringBuilder log) { lock (log) return log.ToString(); }

    private static Process Start(string file, string[] arguments, string folder, out System.Text.StringBuilder log, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file, arguments) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment ?? []) start.Environment[name] = value;
        var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        log = output;
        return process;
    }

    [GeneratedRegex(@"Demo province authority API key \(shown only now\): (ocop_[A-Za-z0-9_-]+)")]
    private static partial Regex DemoAuthorityKey();

    [GeneratedRegex("name=\"csrf\" value=\"([^\"]*)\"")]
    private static partial Regex Csrf();

    /// <summary>A lot's page served in full or revalidated: "GET /p/{code} 200|304 …" (not its QR image, not an item).</summary>
    [GeneratedRegex(@"^GET /p/[^/ ]+ (200|304) ")]
    private static partial Regex LotView();

    /// <summary>An item's page: "GET /p/{code}/{serial} 200 …".</summary>
    [GeneratedRegex(@"^GET /p/[^/ ]+/[^/ ]+ 200 ")]
    private static partial Regex ItemView();
}
