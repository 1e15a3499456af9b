using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Trust;

/// <summary>The production recipe of docs/operations.md, run: Debian's nginx in front of the API on a real socket, configured as the
/// recipe says (it replaces X-Forwarded-For with the address it saw), and the API trusting it. Shoppers come from
/// different loopback addresses (127.0.N.1: one /24 each), as they would from different networks. The API sees each
/// shopper's own address — enough different ones raise the copy warning — and never the one a client writes in its own
/// X-Forwarded-For. Without nginx the test is ignored, unless REQUIRE_NGINX=1 (CI), where it fails.</summary>
public sealed class ReverseProxyTests
{
    private const string Nginx = "/usr/sbin/nginx";

    [Test]
    public async Task BehindNginx_EachShoppersOwnAddressCounts_AndNoneTheyMakeUp()
    {
        if (!File.Exists(Nginx))
        {
            if (Environment.GetEnvironmentVariable("REQUIRE_NGINX") == "1") Assert.Fail($"REQUIRE_NGINX=1 but {Nginx} is missing: apt-get install nginx.");
            Assert.Ignore($"nginx is not installed at {Nginx} (apt-get install nginx); the reverse-proxy recipe is not run.");
        }
        using var api = new ApiFactory(new() { ["ReverseProxy:TrustedProxies:0"] = "127.0.0.1", ["Serials:CopyWarningClients"] = "5" });
        var direct = api.StartKestrel();
        var producer = await api.CreateProducerAsync();
        var product = await producer.CreateProductAsync(Scenario.NewGtin13());
        var batch = await producer.CreateBatchAsync(product.Id(), "NGINX-1");
        var code = batch.GetProperty("code").GetString()!;
        var csv = await (await producer.Client.PostAsJsonAsync($"/api/v1/batches/{batch.Id()}/serials", new { count = 2 })).Content.ReadAsStringAsync();
        var serials = csv.TrimEnd('\n').Split('\n').Skip(1).Select(l => l.Split(',')[1]).ToList();

        var folder = Directory.CreateTempSubdirectory("nginx-");
        var port = TestPaths.FreePort();
        // docs/operations.md's location block as written there, on a free port, with the paths a process of its own needs.
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "nginx.conf"), $$"""
            worker_processes 1;
            pid {{folder.FullName}}/nginx.pid;
            error_log {{folder.FullName}}/error.log warn;
            events { worker_connections 64; }
            http {
                access_log off;
                client_body_temp_path {{folder.FullName}}/body;
                proxy_temp_path {{folder.FullName}}/proxy;
                fastcgi_temp_path {{folder.FullName}}/fastcgi;
                uwsgi_temp_path {{folder.FullName}}/uwsgi;
                scgi_temp_path {{folder.FullName}}/scgi;
                server {
                    listen 127.0.0.1:{{port}};
                    location / {
                        proxy_pass {{direct.BaseAddress!.ToString().TrimEnd('/')}};
                        {{string.Join("\n", Docs.DocumentationTests.NginxLocation())}}
                    }
                }
            }
            """);
        // Run as root (CI), nginx's workers are "nobody": they may use the folder too.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(folder.FullName, (UnixFileMode)0b111_111_111);
        using var nginx = Process.Start(new ProcessStartInfo(Nginx, ["-p", folder.FullName, "-c", Path.Combine(folder.FullName, "nginx.conf"), "-g", "daemon off;"])
            { RedirectStandardError = true })!;
        try
        {
            await WaitForPortAsync(port, nginx);
            async Task<string> ViewFrom(int network, string serial, string spoofed)
            {
                using var client = ClientFrom(IPAddress.Parse($"127.0.{network}.1"), port);
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/p/{code}/{serial}");
                request.Headers.Accept.ParseAdd("text/html");
                request.Headers.Add("X-Forwarded-For", spoofed);
                var response = await client.SendAsync(request);
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                return await response.Content.ReadAsStringAsync();
            }

            // One shopper's network, 30 made-up forwarded addresses: one client.
            for (var i = 0; i < 30; i++) await ViewFrom(9, serials[1], $"198.51.{i}.7");
            // Five shoppers on five networks, all claiming the same address: five clients.
            for (var network = 1; network <= 5; network++) await ViewFrom(network, serials[0], "203.0.113.5");

            var copied = await VerdictTests.SettledItemAsync(direct, code, serials[0], 5);
            Assert.That(copied.GetProperty("suspicious").GetBoolean(), Is.True);
            var page = await ViewFrom(6, serials[0], "203.0.113.5");
            Assert.That(WebUtility.HtmlDecode(page), Does.Contain("CẢNH BÁO: mã này đã được quét trên 5 thiết bị"));
            var single = await VerdictTests.SettledItemAsync(direct, code, serials[1], 1);
            Assert.That((single.GetProperty("scanCount").GetInt64(), single.GetProperty("distinctClients").GetInt32()), Is.EqualTo((30L, 1)));
        }
        finally
        {
            nginx.Kill(entireProcessTree: true);
            await nginx.WaitForExitAsync();
            folder.Delete(recursive: true);
        }
    }

    /// <summary>A client whose connections leave from <paramref name="local"/>, as a shopper on another network would.</summary>
    private static HttpClient ClientFrom(IPAddress local, int port) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(local, 0));
            await socket.ConnectAsync(IPAddress.Loopback, port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        },
    }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

    private static async Task WaitForPortAsync(int port, Process nginx)
    {
        for (var i = 0; i < 100; i++)
        {
            Assert.That(nginx.HasExited, Is.False, () => nginx.StandardError.ReadToEnd());
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) { await Task.Delay(50); }
        }
        Assert.Fail("nginx did not start listening");
    }
}
