using System.Net;
using System.Security.Cryptography;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.PublicRecords.Scans;

/// <summary>Who a public request comes from, as evidence counts it: the client's address prefix — a /24 for IPv4, a /48
/// for IPv6 (what one household, shop or phone on a carrier's network holds) — as the first 8 bytes of its HMAC-SHA256
/// under a key kept in the database, so no address is stored and the key-holder alone could link two sightings. Behind
/// a reverse proxy the address is the client's only when the proxy is trusted (ReverseProxy:TrustedProxies), so a
/// stranger cannot pick one with X-Forwarded-For.</summary>
public sealed class ClientIdentity(SettingsRepository settings)
{
    private const string KeyName = "client-identity-key";
    private byte[]? _key;

    public async ValueTask<string> OfAsync(HttpContext context, CancellationToken ct)
    {
        var key = _key ??= Convert.FromBase64String(await settings.GetOrAddAsync(KeyName, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), ct));
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Prefix(context.Connection.RemoteIpAddress)).AsSpan(0, 8));
    }

    /// <summary>The address's network part; "unknown" when there is none (a test host, a Unix socket).</summary>
    public static byte[] Prefix(IPAddress? address)
    {
        if (address is null) return "unknown"u8.ToArray();
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        var bytes = address.GetAddressBytes();
        var keep = bytes.Length == 4 ? 3 : 6;
        return [(byte)bytes.Length, .. bytes.AsSpan(0, keep)];
    }
}
