package dev.mandate.server;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * The installer's TLS identity for the broker: a self-signed EC P-256 certificate (Bouncy Castle) for the
 * given host names and IPs, written as PEM; the key file is created with mode 0600.
 * Usage: {@code TlsCertificate CERT_FILE KEY_FILE NAME [NAME…]}.
 */
public final class TlsCertificate {

    private TlsCertificate() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: TlsCertificate CERT_FILE KEY_FILE NAME [NAME...]");
            System.exit(2);
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair pair = generator.generateKeyPair();
        X500Name subject = new X500Name("CN=" + args[2] + ",O=Mandate broker");
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, new SecureRandom()).add(BigInteger.ONE),
                Date.from(now.minusSeconds(300)), Date.from(now.plus(Duration.ofDays(825))), subject, pair.getPublic());
        List<GeneralName> names = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            names.add(new GeneralName(args[i].matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:]*")
                    ? GeneralName.iPAddress : GeneralName.dNSName, args[i]));
        }
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        Path keyFile = Path.of(args[1]);
        Files.deleteIfExists(keyFile);
        Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer w = Files.newBufferedWriter(keyFile); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(new JcaPKCS8Generator(pair.getPrivate(), null));
        }
        try (Writer w = Files.newBufferedWriter(Path.of(args[0])); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(cert);
        }
    }
}
