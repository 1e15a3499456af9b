using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NUnit.Framework;

namespace Traceability.Tests.Support;

/// <summary>Debian's Prometheus in a process of its own, with docs/operations.md's scrape job (every second instead of
/// every 15, so that a test need not wait) over the given metrics ports, and its HTTP API to ask.</summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";
    private readonly Process _process;
    private readonly DirectoryInfo _folder;
    private readonly HttpClient _query;

    private PrometheusServer(Process process, DirectoryInfo folder, int port)
    {
        _process = process;
        _folder = folder;
        _query = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    /// <summary>Ignores the test without Prometheus, unless REQUIRE_PROMETHEUS=1 (CI), where it fails.</summary>
    public static void Require()
    {
        if (File.Exists(Binary)) return;
        if (Environment.GetEnvironmentVariable("REQUIRE_PROMETHEUS") == "1") Assert.Fail($"REQUIRE_PROMETHEUS=1 but {Binary} is missing: apt-get install prometheus.");
        Assert.Ignore($"Prometheus is not installed at {Binary} (apt-get install prometheus).");
    }

    public static async Task<PrometheusServer> StartAsync(IEnumerable<int> metricsPorts)
    {
        Require();
        var folder = Directory.CreateTempSubdirectory("prometheus-");
        var port = TestPaths.FreePort();
        var targets = string.Join(", ", metricsPorts.Select(p => $"\"127.0.0.1:{p}\""));
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "prometheus.yml"), $$"""
            scrape_configs:
              - job_name: ocop-traceability
                scrape_interval: 1s
                static_configs: [{ targets: [{{targets}}] }]
            """);
        var process = Process.Start(new ProcessStartInfo(Binary,
            $"--config.file={folder.FullName}/prometheus.yml --storage.tsdb.path={folder.FullName}/data --web.listen-address=127.0.0.1:{port}")
            { RedirectStandardError = true, RedirectStandardOutput = true })!;
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return new PrometheusServer(process, folder, port);
    }

    /// <summary>The first value of an instant query; null when it has none yet (or Prometheus is still starting).</summary>
    public async Task<double?> AskAsync(string promql)
    {
        try
        {
            var answer = JsonDocument.Parse(await _query.GetStringAsync($"/api/v1/query?query={Uri.EscapeDataString(promql)}")).RootElement;
            var result = answer.GetProperty("data").GetProperty("result");
            return result.GetArrayLength() == 0 ? null : double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
        }
        catch (HttpRequestException) { return null; }
    }

    public async ValueTask DisposeAsync()
    {
        _query.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { _folder.Delete(recursive: true); } catch (IOException) { }
    }
}
