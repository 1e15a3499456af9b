using System.Diagnostics;
using System.Text;

namespace Traceability.Tests.Support;

/// <summary>The API as its own operating-system process (the built Traceability.Api.dll in Production, on a real socket),
/// for what only a real process shows: a kill -9.</summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ApiProcess(Process process, string baseUrl, int? metricsPort)
    {
        _process = process;
        MetricsPort = metricsPort;
        Client = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Client { get; }

    /// <summary>Where /metrics is answered, when started with one.</summary>
    public int? MetricsPort { get; }

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <param name="databasePath">A SQLite file, or the name of a database on the suite's SQL Server.</param>
    /// <param name="settings">Further environment variables (configuration as NAME__Key=value).</param>
    /// <param name="metricsPort">A second port it listens on, for Telemetry:MetricsPort (/metrics answered there only).</param>
    public static ApiProcess Start(string databasePath, string adminKey, IReadOnlyDictionary<string, string>? settings = null, int? metricsPort = null)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var api = Path.Combine(TestPaths.RepoRoot(), "Api");
        var dll = Path.Combine(api, "bin", configuration, "net10.0", "Traceability.Api.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("Build the API first (dotnet build).", dll);
        var url = $"http://127.0.0.1:{TestPaths.FreePort()}";
        var start = new ProcessStartInfo("dotnet", $"\"{dll}\"")
        {
            WorkingDirectory = api, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production", ["ASPNETCORE_URLS"] = metricsPort is { } m ? $"{url};http://127.0.0.1:{m}" : url,
                ["Database__Provider"] = ApiFactory.SqlServer is null ? "Sqlite" : "SqlServer",
                ["ConnectionStrings__Traceability"] = ApiFactory.SqlServer is null ? $"Data Source={databasePath}"
                    : new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(ApiFactory.SqlServer) { InitialCatalog = databasePath }.ConnectionString,
                ["Traceability__AdminApiKey"] = adminKey,
                ["Traceability__ChainAuditMinutes"] = "0", ["RateLimiting__Public__PermitLimit"] = "0",
            },
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string>()) start.Environment[name] = value;
        if (metricsPort is { } port) start.Environment["Telemetry__MetricsPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = Process.Start(start)!;
        var result = new ApiProcess(process, url, metricsPort);
        process.OutputDataReceived += (_, e) => { lock (result._output) result._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (result._output) result._output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>Waits (bounded) until readiness answers 200.</summary>
    public async Task WaitUntilReadyAsync()
    {
        for (var i = 0; i < 240; i++)
        {
            if (_process.HasExited) throw new InvalidOperationException("The API exited:\n" + Output);
            try
            {
                if ((await Client.GetAsync("/health/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(250);
        }
        throw new TimeoutException("The API did not become ready:\n" + Output);
    }

    /// <summary>SIGTERM, as systemd, Docker and Kubernetes stop a service: a graceful shutdown.</summary>
    public void Terminate() => Process.Start("kill", $"-TERM {_process.Id}")!.WaitForExit();

    /// <summary>Waits (bounded) for the process to exit; its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown, no flush, nothing in flight completes.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Client.Dispose();
    }
}
