package dev.mandate.console;

import dev.mandate.console.client.BrokerClient;
import dev.mandate.console.client.BrokerTrust;
import dev.mandate.console.client.KnownBrokers;
import dev.mandate.console.ui.ConnectView;
import dev.mandate.console.fx.Tasks;
import dev.mandate.server.TestBroker;
import dev.mandate.server.TlsCertificate;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The connect screen shows an unknown certificate's SHA-256 fingerprint and connects only once the operator trusts it. */
@ExtendWith(ApplicationExtension.class)
class ConnectViewTest {

    @TempDir
    static Path dir;
    static TestBroker broker;
    static String fingerprint;
    final AtomicReference<BrokerClient> connected = new AtomicReference<>();
    KnownBrokers known;

    @BeforeAll
    static void startBroker() throws Exception {
        Path cert = dir.resolve("broker.crt");
        TlsCertificate.main(new String[]{cert.toString(), dir.resolve("broker.key").toString(), "localhost", "127.0.0.1"});
        try (InputStream in = Files.newInputStream(cert)) {
            fingerprint = BrokerTrust.fingerprint((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        broker = TestBroker.start(dir.resolve("data"), Map.of("MANDATE_TLS_CERT", cert.toString(),
                "MANDATE_TLS_KEY", dir.resolve("broker.key").toString()));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Start
    void start(Stage stage) {
        known = new KnownBrokers(dir.resolve("known-brokers"));
        String url = "https://127.0.0.1:" + broker.broker().port();
        stage.setScene(new Scene(new ConnectView(url, TestBroker.ADMIN_SECRET, Tasks.inline(), known, connected::set), 900, 300));
        stage.show();
    }

    @Test
    void anUnknownCertificateIsShownByFingerprintAndTrustedOnlyWhenTheOperatorSaysSo(FxRobot robot) throws Exception {
        robot.clickOn("#connect");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("SHA-256 " + fingerprint, robot.lookup("#connect-fingerprint").queryAs(Label.class).getText());
        assertTrue(robot.lookup("#connect-trust").queryAs(Button.class).isVisible());
        assertEquals(null, connected.get(), "not connected before the operator trusts the certificate");

        robot.clickOn("#connect-trust");
        WaitForAsyncUtils.waitForFxEvents();
        assertNotNull(connected.get(), "connected once trusted");
        assertTrue(Files.readString(known.file()).contains(fingerprint), "and remembered");
    }
}
