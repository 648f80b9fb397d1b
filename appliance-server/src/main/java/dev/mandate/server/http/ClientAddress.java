package dev.mandate.server.http;

import io.helidon.webserver.http.ServerRequest;

import java.net.InetSocketAddress;

/** The peer's IP address, the key of per-client rate limits. Forwarding headers are not trusted. */
public final class ClientAddress {

    private ClientAddress() {
    }

    public static String of(ServerRequest req) {
        if (req.remotePeer().address() instanceof InetSocketAddress a && a.getAddress() != null) {
            return a.getAddress().getHostAddress();
        }
        return "unknown";
    }
}
