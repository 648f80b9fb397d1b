package dev.mandate.console.client;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/**
 * How the console decides whether a broker may receive the admin secret: plain http only to this machine
 * (loopback), https with a certificate a public CA signed, the one the operator pinned from a file, or the
 * one whose fingerprint the operator accepted before ({@link KnownBrokers}).
 */
public final class BrokerTrust {

    private BrokerTrust() {
    }

    /** Refuses a URL that would send the secret in clear over a network, or that is not http(s) at all. */
    static void checkScheme(URI base) {
        String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
        if (base.getHost() == null) {
            throw new BrokerException(0, "the broker URL needs a host, e.g. https://broker.example:8443");
        }
        switch (scheme) {
            case "https" -> { }
            case "http" -> {
                if (!isLoopback(base.getHost())) {
                    throw new BrokerException(0, "refusing to send the admin secret in clear to " + base.getHost()
                            + ": use https:// (plain http:// only to this machine)");
                }
            }
            default -> throw new BrokerException(0, "the broker URL must start with https:// (or http:// to this machine)");
        }
    }

    static String hostPort(URI base) {
        int port = base.getPort() >= 0 ? base.getPort() : "https".equalsIgnoreCase(base.getScheme()) ? 443 : 80;
        return base.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    /** SHA-256 of the certificate's DER encoding, {@code AB:CD:…}. */
    public static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Trusts exactly the certificate with {@code fingerprint} (the operator's choice is the identity; no CA, no name check). */
    static SSLContext pinnedTo(String fingerprint) {
        return context(serverChecked(chain -> {
            if (chain == null || chain.length == 0 || !MessageDigest.isEqual(
                    fingerprint(chain[0]).getBytes(), fingerprint.getBytes())) {
                throw new CertificateException("the broker's certificate is not the one accepted before");
            }
        }));
    }

    /** The certificate the broker presents, read from a TLS handshake alone: no request, no secret is sent. */
    static X509Certificate presented(URI base) {
        X509Certificate[] seen = new X509Certificate[1];
        SSLContext capture = context(serverChecked(chain -> seen[0] = chain == null || chain.length == 0 ? null : chain[0]));
        int port = base.getPort() >= 0 ? base.getPort() : 443;
        try (SSLSocket socket = (SSLSocket) capture.getSocketFactory().createSocket()) {
            socket.connect(new java.net.InetSocketAddress(base.getHost(), port), 5_000);
            socket.setSoTimeout(5_000);
            socket.startHandshake();
        } catch (IOException e) {
            if (seen[0] == null) {
                throw new BrokerException("cannot reach the broker at " + hostPort(base) + ": " + e.getClass().getSimpleName(), e);
            }
        }
        if (seen[0] == null) {
            throw new BrokerException(0, "the broker at " + hostPort(base) + " presented no certificate");
        }
        return seen[0];
    }

    /** A check of a server's certificate chain; the console is never a TLS server. */
    @FunctionalInterface
    private interface ChainCheck {
        void check(X509Certificate[] chain) throws CertificateException;
    }

    /**
     * A trust manager that decides by {@code check} alone. Being an {@link X509ExtendedTrustManager}, it
     * also stands in for JSSE's host-name check, which a pinned fingerprint makes moot.
     */
    private static X509ExtendedTrustManager serverChecked(ChainCheck check) {
        return new X509ExtendedTrustManager() {
            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
                check.check(chain);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
                check.check(chain);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                check.check(chain);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
                throw new CertificateException("not a server");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
                throw new CertificateException("not a server");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("not a server");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
    }

    private static SSLContext context(TrustManager trust) {
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, new TrustManager[]{trust}, null);
            return ssl;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isLoopback(String host) {
        try {
            String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            for (InetAddress a : InetAddress.getAllByName(bare)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
