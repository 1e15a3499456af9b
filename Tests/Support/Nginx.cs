using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Traceability.Tests.Support;

/// <summary>Debian's nginx running the production recipe (deploy/nginx/ocop-traceability.conf, as docs/operations.md shows
/// it) in a process of its own: only its listening port, its upstream servers, its cache folder and its certificate (a
/// throw-away one, made with openssl, that the test's clients trust by thumbprint) are swapped for the test's. Its
/// access log (method, path, status, upstream, cache status) lets a test count what nginx passed on.</summary>
public sealed partial class Nginx : IAsyncDisposable
{
    private const string Binary = "/usr/sbin/nginx";
    private readonly Process _process;
    private readonly DirectoryInfo _folder;
    private readonly X509Certificate2 _certificate;

    private Nginx(Process process, DirectoryInfo folder, int port, X509Certificate2 certificate, string certificatePath)
    {
        _process = process;
        _folder = folder;
        _certificate = certificate;
        Port = port;
        CertificatePath = certificatePath;
    }

    public int Port { get; }

    /// <summary>The base every client uses: https on loopback.</summary>
    public Uri BaseAddress => new($"https://127.0.0.1:{Port}");

    /// <summary>The certificate nginx presents (PEM), for curl's CURL_CA_BUNDLE.</summary>
    public string CertificatePath { get; }

    /// <summary>Ignores the test without nginx, unless REQUIRE_NGINX=1 (CI), where it fails.</summary>
    public static void Require()
    {
        if (File.Exists(Binary)) return;
        if (Environment.GetEnvironmentVariable("REQUIRE_NGINX") == "1") Assert.Fail($"REQUIRE_NGINX=1 but {Binary} is missing: apt-get install nginx-light.");
        Assert.Ignore($"nginx is not installed at {Binary} (apt-get install nginx-light); the reverse-proxy recipe is not run.");
    }

    /// <summary>Starts nginx with the recipe in front of <paramref name="upstreams"/> (each an API's base address), on
    /// <paramref name="port"/> or a free one.</summary>
    public static async Task<Nginx> StartAsync(IEnumerable<Uri> upstreams, int? port = null)
    {
        Require();
        var folder = Directory.CreateTempSubdirectory("nginx-");
        // Run as root (CI), nginx's workers are "nobody": they use the folder (cache, temp files, log) too.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(folder.FullName, (UnixFileMode)0b111_111_111);
        var certificate = Path.Combine(folder.FullName, "cert.pem");
        var key = Path.Combine(folder.FullName, "key.pem");
        Run("openssl", $"req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 " +
            $"-addext subjectAltName=IP:127.0.0.1 -keyout \"{key}\" -out \"{certificate}\"");
        var listen = port ?? TestPaths.FreePort();

        var recipe = await File.ReadAllTextAsync(Path.Combine(TestPaths.RepoRoot(), Docs.DocumentationTests.NginxRecipe));
        var servers = string.Join("\n", upstreams.Select(u => $"    server {u.Authority} max_fails=1 fail_timeout=10s;"));
        recipe = Swap(recipe, UpstreamServers(), servers + "\n");
        recipe = Swap(recipe, CachePath(), $"proxy_cache_path {folder.FullName}/cache ");
        recipe = Swap(recipe, Listen(), $"listen 127.0.0.1:{listen} ssl http2;");
        recipe = Swap(recipe, Certificate(), $"ssl_certificate     {certificate};");
        recipe = Swap(recipe, CertificateKey(), $"ssl_certificate_key {key};");
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "ocop-traceability.conf"), recipe);
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "nginx.conf"), $$"""
            worker_processes 1;
            pid {{folder.FullName}}/nginx.pid;
            error_log {{folder.FullName}}/error.log warn;
            events { worker_connections 512; }
            http {
                log_format counted '$request_method $uri $status $upstream_addr $upstream_cache_status';
                access_log {{folder.FullName}}/access.log counted;
                client_body_temp_path {{folder.FullName}}/body;
                proxy_temp_path {{folder.FullName}}/proxy;
                fastcgi_temp_path {{folder.FullName}}/fastcgi;
                uwsgi_temp_path {{folder.FullName}}/uwsgi;
                scgi_temp_path {{folder.FullName}}/scgi;
                include {{folder.FullName}}/ocop-traceability.conf;
            }
            """);
        var trusted = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(certificate));
        var process = Process.Start(new ProcessStartInfo(Binary, ["-p", folder.FullName, "-c", Path.Combine(folder.FullName, "nginx.conf"), "-g", "daemon off;"])
            { RedirectStandardError = true })!;
        var nginx = new Nginx(process, folder, listen, trusted, certificate);
        try
        {
            await nginx.WaitForPortAsync();
            return nginx;
        }
        catch
        {
            await nginx.DisposeAsync();  // never leave an nginx running after a test
            throw;
        }
    }

    /// <summary>A client of nginx that trusts its certificate (and no other), optionally leaving from
    /// <paramref name="local"/> (127.0.N.1: a shopper on another network).</summary>
    public HttpClient Client(IPAddress? local = null, CookieContainer? cookies = null, bool redirects = true)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = redirects, UseCookies = cookies is not null, CookieContainer = cookies ?? new CookieContainer(),
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == _certificate.GetCertHashString() },
        };
        if (local is not null)
            handler.ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(local, 0));
                await socket.ConnectAsync(IPAddress.Loopback, Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            };
        return new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>What nginx passed on so far: one line per request, "METHOD /path STATUS upstream cache-status".</summary>
    public IReadOnlyList<string> AccessLog()
    {
        var path = Path.Combine(_folder.FullName, "access.log");
        if (!File.Exists(path)) return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private async Task WaitForPortAsync()
    {
        for (var i = 0; i < 100; i++)
        {
            if (_process.HasExited) Assert.Fail("nginx exited: " + await _process.StandardError.ReadToEndAsync());
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) { await Task.Delay(50); }
        }
        Assert.Fail("nginx did not start listening");
    }

    private static string Swap(string recipe, Regex pattern, string replacement)
    {
        Assert.That(pattern.IsMatch(recipe), $"{Docs.DocumentationTests.NginxRecipe} has {pattern}");
        return pattern.Replace(recipe, replacement.Replace("$", "$$"), 1);
    }

    private static void Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, error);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _certificate.Dispose();
        try { _folder.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [GeneratedRegex(@"(?m)(^\s*server 127\.0\.0\.1:\d+[^\n]*\n)+")]
    private static partial Regex UpstreamServers();

    [GeneratedRegex(@"proxy_cache_path /var/cache/nginx/ocop ")]
    private static partial Regex CachePath();

    [GeneratedRegex(@"listen 443 ssl http2;")]
    private static partial Regex Listen();

    [GeneratedRegex(@"ssl_certificate\s+/etc/ssl/truyxuat\.crt;")]
    private static partial Regex Certificate();

    [GeneratedRegex(@"ssl_certificate_key\s+/etc/ssl/truyxuat\.key;")]
    private static partial Regex CertificateKey();
}
