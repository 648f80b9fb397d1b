package dev.mandate.server;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** The broker's TLS identity from PEM files (certificate chain, unencrypted private key). */
final class Tls {

    private Tls() {
    }

    static io.helidon.common.tls.Tls load(Path certFile, Path keyFile) {
        try {
            List<X509Certificate> chain = new ArrayList<>();
            try (Reader r = Files.newBufferedReader(certFile); PEMParser pem = new PEMParser(r)) {
                for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                    if (o instanceof X509CertificateHolder holder) {
                        chain.add(new JcaX509CertificateConverter().getCertificate(holder));
                    }
                }
            }
            PrivateKey key;
            try (Reader r = Files.newBufferedReader(keyFile); PEMParser pem = new PEMParser(r)) {
                Object o = pem.readObject();
                var converter = new JcaPEMKeyConverter();
                if (o instanceof PEMKeyPair pair) {
                    key = converter.getPrivateKey(pair.getPrivateKeyInfo());
                } else if (o instanceof PrivateKeyInfo info) {
                    key = converter.getPrivateKey(info);
                } else {
                    throw new IllegalArgumentException("no unencrypted private key in " + keyFile);
                }
            }
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + certFile);
            }
            return io.helidon.common.tls.Tls.builder().privateKey(key).privateKeyCertChain(chain).build();
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("cannot read TLS files " + certFile + ", " + keyFile + ": " + e.getMessage(), e);
        }
    }
}
