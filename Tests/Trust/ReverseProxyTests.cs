using System.Net;
using System.Net.Http.Json;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Trust;

/// <summary>The production recipe (deploy/nginx/ocop-traceability.conf), run: Debian's nginx in front of the API on a real socket, as the
/// recipe says (it replaces X-Forwarded-For with the address it saw), and the API trusting it. Shoppers come from
/// different loopback addresses (127.0.N.1: one /24 each), as they would from different networks. The API sees each
/// shopper's own address — enough different ones raise the copy warning — and never the one a client writes in its own
/// X-Forwarded-For. Without nginx the test is ignored, unless REQUIRE_NGINX=1 (CI), where it fails.</summary>
public sealed class ReverseProxyTests
{
    [Test]
    public async Task BehindNginx_EachShoppersOwnAddressCounts_AndNoneTheyMakeUp()
    {
        Nginx.Require();
        using var api = new ApiFactory(new() { ["ReverseProxy:TrustedProxies:0"] = "127.0.0.1", ["Serials:CopyWarningClients"] = "5" });
        var direct = api.StartKestrel();
        var producer = await api.CreateProducerAsync();
        var product = await producer.CreateProductAsync(Scenario.NewGtin13());
        var batch = await producer.CreateBatchAsync(product.Id(), "NGINX-1");
        var code = batch.GetProperty("code").GetString()!;
        var csv = await (await producer.Client.PostAsJsonAsync($"/api/v1/batches/{batch.Id()}/serials", new { count = 2 })).Content.ReadAsStringAsync();
        var serials = csv.TrimEnd('\n').Split('\n').Skip(1).Select(l => l.Split(',')[1]).ToList();

        await using var nginx = await Nginx.StartAsync([direct.BaseAddress!]);
        {
            async Task<string> ViewFrom(int network, string serial, string spoofed)
            {
                using var client = nginx.Client(IPAddress.Parse($"127.0.{network}.1"));
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
    }
}
