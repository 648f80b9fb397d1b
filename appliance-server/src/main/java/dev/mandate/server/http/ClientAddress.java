package dev.mandate.server.http;

import io.helidon.webserver.http.ServerRequest;

import java.net.InetSocketAddress;

/**
 * The peer's address as the key of per-client rate limits: an IPv4 address, or an IPv6 /64 (one host
 * usually holds a whole /64, so keying on full IPv6 addresses would give it 2^64 buckets). Forwarding
 * headers are not trusted.
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    public static String of(ServerRequest req) {
        if (req.remotePeer().address() instanceof InetSocketAddress a && a.getAddress() != null) {
            return key(a.getAddress());
        }
        return "unknown";
    }

    /** The rate-limit key of an address. */
    public static String key(java.net.InetAddress address) {
        if (address instanceof java.net.Inet6Address v6) {
            byte[] b = v6.getAddress();
            return String.format("%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]);
        }
        return address.getHostAddress();
    }
}
