package dev.mandate.console.ui;

import dev.mandate.console.client.BrokerClient;
import dev.mandate.console.client.BrokerException;
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

/** Broker URL, admin secret and (for TLS) the broker's certificate to trust. */
public final class ConnectView extends GridPane {

    public ConnectView(String url, String secret, Tasks tasks, Consumer<BrokerClient> connected) {
        TextField urlField = new TextField(url);
        urlField.setId("connect-url");
        PasswordField secretField = new PasswordField();
        secretField.setId("connect-secret");
        secretField.setText(secret);
        TextField certField = new TextField();
        certField.setPromptText("optional: PEM certificate of the broker (TLS)");
        Label error = new Label();
        error.setId("connect-error");
        Button connect = new Button("Connect");
        connect.setId("connect");
        connect.setDefaultButton(true);
        connect.setOnAction(e -> {
            connect.setDisable(true);
            String u = urlField.getText();
            String s = secretField.getText();
            String c = certField.getText();
            tasks.background(() -> {
                try {
                    BrokerClient client = new BrokerClient(URI.create(u), s, certificate(c));
                    client.token();
                    tasks.fx(() -> connected.accept(client));
                } catch (BrokerException | IllegalArgumentException ex) {
                    tasks.fx(() -> {
                        error.setText("Cannot connect: " + ex.getMessage());
                        connect.setDisable(false);
                    });
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
