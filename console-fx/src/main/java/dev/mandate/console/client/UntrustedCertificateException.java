package dev.mandate.console.client;

import java.security.cert.X509Certificate;

/**
 * A broker over TLS whose certificate neither a public CA nor the operator vouches for. Nothing has been
 * sent to it yet: the console shows {@link #fingerprint()} and asks the operator whether to trust it.
 */
public final class UntrustedCertificateException extends RuntimeException {

    private final String hostPort;
    private final String fingerprint;
    private final transient X509Certificate certificate;

    UntrustedCertificateException(String hostPort, X509Certificate certificate) {
        super("the broker at " + hostPort + " presents a certificate that no trusted CA signed; SHA-256 "
                + BrokerTrust.fingerprint(certificate));
        this.hostPort = hostPort;
        this.certificate = certificate;
        this.fingerprint = BrokerTrust.fingerprint(certificate);
    }

    public String hostPort() {
        return hostPort;
    }

    /** SHA-256 of the certificate, as colon-separated upper-case hex (what {@code openssl x509 -fingerprint -sha256} prints). */
    public String fingerprint() {
        return fingerprint;
    }

    public X509Certificate certificate() {
        return certificate;
    }
}
