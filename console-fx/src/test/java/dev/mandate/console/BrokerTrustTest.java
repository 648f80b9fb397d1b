package dev.mandate.console;

import dev.mandate.console.client.BrokerClient;
import dev.mandate.console.client.BrokerException;
import dev.mandate.console.client.BrokerTrust;
import dev.mandate.console.client.KnownBrokers;
import dev.mandate.console.client.UntrustedCertificateException;
import dev.mandate.server.TestBroker;
import dev.mandate.server.TlsCertificate;
import dev.mandate.server.audit.AuditLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console sends the admin secret only where it should: plain http to this machine alone, https to a
 * broker whose certificate is CA-signed, pinned, or accepted by the operator from its fingerprint, which
 * is then remembered; a changed certificate is refused. Against real TLS brokers on loopback.
 */
class BrokerTrustTest {

    @TempDir
    Path dir;

    @Test
    void plainHttpToAnotherMachineIsRefusedBeforeAnythingIsSent() {
        KnownBrokers known = new KnownBrokers(dir.resolve("known"));
        for (String url : new String[]{"http://192.0.2.10:8080", "http://broker.example:8080", "ftp://127.0.0.1:8080"}) {
            var refused = assertThrows(BrokerException.class,
                    () -> BrokerClient.connect(URI.create(url), TestBroker.ADMIN_SECRET, Optional.empty(), known));
            assertTrue(refused.getMessage().contains("https://"), refused.getMessage());
            assertThrows(BrokerException.class, () -> new BrokerClient(URI.create(url), TestBroker.ADMIN_SECRET, Optional.empty()));
        }
    }

    @Test
    void aFirstTlsConnectionShowsTheFingerprintSendsNoSecretAndRemembersTheOperatorsYes() throws Exception {
        int port = Fixture.freePort();
        Path cert = certificate("first");
        KnownBrokers known = new KnownBrokers(dir.resolve("config/known-brokers"));
        URI url = URI.create("https://127.0.0.1:" + port);
        try (TestBroker broker = tlsBroker("first", port, cert)) {
            var untrusted = assertThrows(UntrustedCertificateException.class,
                    () -> BrokerClient.connect(url, TestBroker.ADMIN_SECRET, Optional.empty(), known));
            assertEquals(BrokerTrust.fingerprint(read(cert)), untrusted.fingerprint());
            assertTrue(untrusted.fingerprint().matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), untrusted.fingerprint());
            assertEquals(0, adminLogins(broker), "the secret was not sent to a broker nobody vouched for");

            BrokerClient client = BrokerClient.trust(untrusted, url, TestBroker.ADMIN_SECRET, known);
            assertTrue(client.verify().valid(), "an operator call works over the trusted connection");
            assertEquals(1, adminLogins(broker));
            assertEquals("127.0.0.1:" + port + " " + untrusted.fingerprint() + "\n", Files.readString(known.file()));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(known.file())));

            BrokerClient again = BrokerClient.connect(url, TestBroker.ADMIN_SECRET, Optional.empty(),
                    new KnownBrokers(known.file()));
            assertEquals("ok", again.health().status(), "the next start connects without asking");
        }
    }

    @Test
    void aBrokerThatChangesItsCertificateIsRefused() throws Exception {
        int port = Fixture.freePort();
        KnownBrokers known = new KnownBrokers(dir.resolve("known-brokers"));
        URI url = URI.create("https://127.0.0.1:" + port);
        try (TestBroker broker = tlsBroker("before", port, certificate("before"))) {
            var untrusted = assertThrows(UntrustedCertificateException.class,
                    () -> BrokerClient.connect(url, TestBroker.ADMIN_SECRET, Optional.empty(), known));
            BrokerClient.trust(untrusted, url, TestBroker.ADMIN_SECRET, known);
        }
        try (TestBroker impostor = tlsBroker("impostor", port, certificate("impostor"))) {
            var refused = assertThrows(BrokerException.class,
                    () -> BrokerClient.connect(url, TestBroker.ADMIN_SECRET, Optional.empty(), known));
            assertTrue(refused.getMessage().contains("another certificate"), refused.getMessage());
            assertEquals(0, adminLogins(impostor), "not a word of the secret to the new certificate");
        }
    }

    private TestBroker tlsBroker(String name, int port, Path cert) {
        return TestBroker.start(dir.resolve(name + "-data"), Map.of("MANDATE_PORT", Integer.toString(port),
                "MANDATE_TLS_CERT", cert.toString(), "MANDATE_TLS_KEY", dir.resolve(name + ".key").toString()));
    }

    private Path certificate(String name) throws Exception {
        Path cert = dir.resolve(name + ".crt");
        TlsCertificate.main(new String[]{cert.toString(), dir.resolve(name + ".key").toString(), "localhost", "127.0.0.1"});
        return cert;
    }

    private static X509Certificate read(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static long adminLogins(TestBroker broker) {
        return broker.broker().audit().query(new AuditLog.Query(null, null, null, null, null, null, 1000, 0)).events()
                .stream().filter(e -> e.eventType().startsWith("admin_auth")).count();
    }
}
