using System.Net;
using System.Net.Sockets;

namespace Traceability.Api.Webhooks;

/// <summary>Where a webhook may point: https to a public address. Checked when a subscription is made (the URL's form,
/// a literal address) and again at every connection, against the addresses DNS gives then, connecting only to an address
/// that passed (so a name that resolves to a public address at creation cannot rebind to 169.254.169.254 later).</summary>
public static class WebhookTargets
{
    public const int MaxUrlLength = 2000;

    /// <summary>Why <paramref name="url"/> cannot be a webhook target, or null when it can.</summary>
    public static string? Problem(string url, bool allowPrivate)
    {
        if (url.Length > MaxUrlLength) return $"At most {MaxUrlLength} characters.";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")) return "An absolute https URL.";
        if (uri.Scheme != "https" && !allowPrivate) return "Webhooks are delivered over https only.";
        if (uri.UserInfo.Length > 0) return "No user name or password in the URL; authenticate the signature instead.";
        if (uri.Fragment.Length > 0) return "No fragment (#…) in the URL.";
        if (!allowPrivate && (uri.IsLoopback || (IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var ip) && !IsPublic(ip)) || uri.IdnHost.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)))
            return "The target must be a public address (not loopback, private, link-local or a cloud metadata address).";
        return null;
    }

    /// <summary>Whether an address is on the public internet: not loopback, unspecified, private (RFC 1918, unique local),
    /// shared (100.64/10), link-local (169.254/16, fe80::/10, which holds cloud metadata services), documentation,
    /// benchmarking, multicast or reserved; IPv4-mapped and NAT64 addresses are judged by the IPv4 address inside.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return IsPublic(address.MapToIPv4());
        var b = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return !(b[0] == 0 || b[0] == 10 || b[0] == 127 || b[0] >= 224
                     || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)
                     || (b[0] == 169 && b[1] == 254)
                     || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                     || (b[0] == 192 && b[1] == 0 && (b[2] == 0 || b[2] == 2))
                     || (b[0] == 192 && b[1] == 88 && b[2] == 99)
                     || (b[0] == 192 && b[1] == 168)
                     || (b[0] == 198 && (b[1] == 18 || b[1] == 19))
                     || (b[0] == 198 && b[1] == 51 && b[2] == 100)
                     || (b[0] == 203 && b[1] == 0 && b[2] == 113));
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return false;
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6None) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast)
            return false;
        if ((b[0] & 0xfe) == 0xfc) return false;                                     // fc00::/7 unique local
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return false; // 2001:db8::/32 documentation
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b)             // 64:ff9b::/96 NAT64
            return IsPublic(new IPAddress(b[12..16]));
        if (b.Take(12).All(x => x == 0)) return false;                                 // ::/96 (unspecified, IPv4-compatible)
        return (b[0] & 0xe0) == 0x20;                                                  // 2000::/3, the global unicast space
    }

    /// <summary>Connects to the first address of the target's host that may be used, never to another.</summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, bool allowPrivate, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        var usable = allowPrivate ? addresses : addresses.Where(IsPublic).ToArray();
        if (usable.Length == 0) throw new WebhookTargetException($"Blocked: {host} is not a public address.");  // never which internal addresses it has
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(usable, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>A target that may not be connected to.</summary>
public sealed class WebhookTargetException(string message) : Exception(message);
