package dev.mandate.console.ui;

import dev.mandate.console.fx.Tasks;
import dev.mandate.console.client.BrokerClient;
import dev.mandate.console.client.BrokerException;
import dev.mandate.console.client.KnownBrokers;
import dev.mandate.console.client.UntrustedCertificateException;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Broker URL, admin secret and (for TLS) the broker's certificate to trust. The secret goes only to this
 * machine over http, or over https to a broker whose certificate a public CA signed, the operator pinned
 * from a file, or the operator accepted here by its SHA-256 fingerprint (remembered in {@link KnownBrokers}).
 */
public final class ConnectView extends GridPane {

    private final Label error = new Label();
    private final Label fingerprint = new Label();
    private final Button trust = new Button("Trust this certificate and connect");

    public ConnectView(String url, String secret, Tasks tasks, KnownBrokers known, Consumer<BrokerClient> connected) {
        Warmup.start();      // while the operator types: the main view's classes, loaded off the FX thread
        TextField urlField = new TextField(url);
        urlField.setId("connect-url");
        PasswordField secretField = new PasswordField();
        secretField.setId("connect-secret");
        secretField.setText(secret);
        TextField certField = new TextField();
        certField.setPromptText("optional: PEM certificate of the broker (TLS)");
        error.setId("connect-error");
        error.setWrapText(true);
        fingerprint.setId("connect-fingerprint");
        fingerprint.setWrapText(true);
        trust.setId("connect-trust");
        trust.setVisible(false);
        Button connect = new Button("Connect");
        connect.setId("connect");
        connect.setDefaultButton(true);
        connect.setOnAction(e -> {
            connect.setDisable(true);
            offer(null);
            String u = urlField.getText();
            String s = secretField.getText();
            String c = certField.getText();
            tasks.background(() -> {
                try {
                    BrokerClient client = BrokerClient.connect(URI.create(u), s, certificate(c), known);
                    tasks.fx(() -> connected.accept(client));
                } catch (UntrustedCertificateException untrusted) {
                    tasks.fx(() -> {
                        offer(untrusted);
                        trust.setOnAction(t -> {
                            trust.setDisable(true);
                            tasks.background(() -> {
                                try {
                                    BrokerClient client = BrokerClient.trust(untrusted, URI.create(u), s, known);
                                    tasks.fx(() -> connected.accept(client));
                                } catch (BrokerException | IllegalArgumentException | java.io.UncheckedIOException ex) {
                                    tasks.fx(() -> fail(ex, connect));
                                }
                            });
                        });
                        connect.setDisable(false);
                    });
                } catch (BrokerException | IllegalArgumentException ex) {
                    tasks.fx(() -> fail(ex, connect));
                }
            });
        });
        setHgap(8);
        setVgap(8);
        setPadding(new Insets(24));
        addRow(0, new Label("Broker URL"), urlField);
        addRow(1, new Label("Admin secret"), secretField);
        addRow(2, new Label("Trusted certificate"), certField);
        addRow(3, connect, error);
        add(fingerprint, 1, 4);
        add(trust, 1, 5);
    }

    /** Shows (or, with null, hides) the question whether to trust a certificate nobody vouches for. */
    private void offer(UntrustedCertificateException untrusted) {
        boolean asking = untrusted != null;
        error.setText(asking ? "The broker at " + untrusted.hostPort() + " presents a certificate that no trusted CA "
                + "signed. Compare its fingerprint with the one the installer printed before you trust it." : "");
        fingerprint.setText(asking ? "SHA-256 " + untrusted.fingerprint() : "");
        trust.setVisible(asking);
        trust.setDisable(false);
    }

    private void fail(RuntimeException ex, Button connect) {
        offer(null);
        error.setText("Cannot connect: " + ex.getMessage());
        connect.setDisable(false);
    }

    private static Optional<X509Certificate> certificate(String path) {
        if (path == null || path.isBlank()) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            return Optional.of((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot read the certificate " + path);
        }
    }
}
