package dev.mandate.hsm;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import javax.security.auth.login.LoginException;

/**
 * One logged-in connection to a PKCS#11 token through SunPKCS11, and the key operations on it.
 *
 * <p>The provider is never registered globally: only this object uses it. Private keys stay on the
 * token as handles; this class hands out signers, public JWKs and descriptions, never a
 * {@link PrivateKey}. If the token stops answering, operations throw {@link HsmUnavailableException}
 * and the next operation logs in again with the PIN read afresh from its file.
 */
public final class Hsm implements AutoCloseable {

    private static final Pattern KEY_LABEL = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HsmConfig config;
    private final Provider provider;
    private final Object lock = new Object();
    private KeyStore keyStore;       // guarded by lock; null while logged out
    private long generation;         // guarded by lock; counts successful logins

    private Hsm(HsmConfig config, Provider provider) {
        this.config = config;
        this.provider = provider;
    }

    /** Loads the PKCS#11 library, selects the slot and logs in; fails with a typed, PIN-free message. */
    public static Hsm open(HsmConfig config) {
        Objects.requireNonNull(config, "config");
        checkSoftHsmEnvironment(config);
        if (!Files.isReadable(config.library())) {
            throw new HsmSetupException("PKCS#11 library not found: " + config.library());
        }
        Provider provider;
        try {
            provider = Security.getProvider("SunPKCS11").configure("--" + config.sunPkcs11Config());
        } catch (ProviderException | IllegalArgumentException e) {
            throw new HsmUnavailableException("cannot reach the HSM slot " + slotName(config) + " through "
                    + config.library() + ": " + rootMessage(e), e);
        }
        Hsm hsm = new Hsm(config, provider);
        synchronized (hsm.lock) {
            hsm.login();
        }
        return hsm;
    }

    /** Generates an EC P-256 key pair inside the token as a sensitive, non-extractable token object. */
    public SigningKey generateSigningKey(String label) {
        if (!KEY_LABEL.matcher(label).matches()) {
            throw new HsmSetupException("key label must match " + KEY_LABEL.pattern());
        }
        synchronized (lock) {
            KeyStore ks = connected();
            try {
                if (ks.containsAlias(label)) {
                    throw new HsmSetupException("a key labelled '" + label + "' already exists on the token");
                }
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", provider);
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                KeyPair pair = generator.generateKeyPair();
                // SunPKCS11 keeps a private key on the token only together with a certificate.
                X509Certificate certificate = selfSigned(pair, label);
                ks.setKeyEntry(label, pair.getPrivate(), null, new Certificate[]{certificate});
                return describe(label, certificate);
            } catch (GeneralSecurityException | ProviderException e) {
                throw unavailable("generating a key", e);
            }
        }
    }

    /** Every signing key on the token, oldest first. */
    public List<SigningKey> listKeys() {
        synchronized (lock) {
            connected();
            KeyStore ks = rescanned();
            try {
                List<SigningKey> keys = new ArrayList<>();
                for (String alias : Collections.list(ks.aliases())) {
                    if (ks.isKeyEntry(alias) && ks.getCertificate(alias) instanceof X509Certificate c
                            && c.getPublicKey() instanceof ECPublicKey) {
                        keys.add(describe(alias, c));
                    }
                }
                keys.sort(Comparator.comparing(SigningKey::createdAt).thenComparing(SigningKey::label));
                return List.copyOf(keys);
            } catch (GeneralSecurityException | ProviderException e) {
                throw unavailable("listing keys", e);
            }
        }
    }

    /** The public half of the key as a JWK with {@code kid}, {@code alg: ES256} and {@code use: sig}. */
    public ECKey publicJwk(String label) {
        synchronized (lock) {
            return publicJwk(label, certificate(label));
        }
    }

    /** Destroys the key pair and its certificate on the token. */
    public void destroy(String label) {
        synchronized (lock) {
            certificate(label);
            KeyStore ks = connected();
            try {
                ks.deleteEntry(label);
            } catch (GeneralSecurityException | ProviderException e) {
                throw unavailable("destroying key '" + label + "'", e);
            }
        }
    }

    /** A thread-safe ES256 signer with the key {@code label}, at most {@code maxConcurrent} signing at once. */
    public HsmSigner signer(String label, int maxConcurrent) {
        return new HsmSigner(this, label, publicJwk(label), maxConcurrent);
    }

    /** Logs out; the provider's sessions close with the JVM. */
    @Override
    public void close() {
        synchronized (lock) {
            logout();
        }
    }

    // ---- used by HsmSigner --------------------------------------------------------------------

    /** The private key handle and the login generation it belongs to; logs in again if needed. */
    Handle handle(String label) {
        synchronized (lock) {
            certificate(label);   // rescans when another session made the key
            KeyStore ks = connected();
            try {
                if (ks.getKey(label, null) instanceof PrivateKey key) {
                    return new Handle(key, provider, generation);
                }
                throw new UnknownKeyException(label);
            } catch (GeneralSecurityException | ProviderException e) {
                throw unavailable("opening key '" + label + "'", e);
            }
        }
    }

    /** Called when signing with a handle of {@code generation} failed: the next operation logs in afresh. */
    void invalidate(long failedGeneration) {
        synchronized (lock) {
            if (failedGeneration == generation) {
                logout();
            }
        }
    }

    record Handle(PrivateKey key, Provider provider, long generation) {
    }

    // ---- internals ----------------------------------------------------------------------------

    private KeyStore connected() {
        if (keyStore == null) {
            login();
        }
        return keyStore;
    }

    private void login() {
        char[] pin = PinFile.read(config.pinFile()).toCharArray();
        try {
            KeyStore ks = KeyStore.getInstance("PKCS11", provider);
            ks.load(null, pin);
            keyStore = ks;
            generation++;
        } catch (IOException e) {
            throw new HsmUnavailableException("HSM login to slot " + slotName(config) + " failed ("
                    + rootMessage(e) + "); check the PIN in " + config.pinFile(), e);
        } catch (GeneralSecurityException | ProviderException e) {
            throw unavailable("logging in", e);
        } finally {
            java.util.Arrays.fill(pin, '\0');
        }
    }

    private void logout() {
        keyStore = null;
        try {
            ((java.security.AuthProvider) provider).logout();
        } catch (LoginException | ProviderException e) {
            // The session is gone already; the next login starts clean.
        }
    }

    /**
     * The certificate of key {@code label}. SunPKCS11's key store maps the token's labels when it loads: a
     * key another session made since (another broker of a cluster, on a shared token or an HSM cluster) is
     * found by loading it again, within the same login, so handles in use stay valid.
     */
    private X509Certificate certificate(String label) {
        try {
            return certificate(connected(), label);
        } catch (UnknownKeyException e) {
            return certificate(rescanned(), label);
        }
    }

    private KeyStore rescanned() {
        char[] pin = PinFile.read(config.pinFile()).toCharArray();
        try {
            KeyStore ks = KeyStore.getInstance("PKCS11", provider);
            ks.load(null, pin);   // already logged in: the provider keeps the login and maps the labels afresh
            keyStore = ks;
            return ks;
        } catch (IOException | GeneralSecurityException | ProviderException e) {
            throw unavailable("listing keys", e);
        } finally {
            java.util.Arrays.fill(pin, '\0');
        }
    }

    private X509Certificate certificate(KeyStore ks, String label) {
        try {
            if (ks.isKeyEntry(label) && ks.getCertificate(label) instanceof X509Certificate c) {
                return c;
            }
        } catch (GeneralSecurityException | ProviderException e) {
            throw unavailable("reading key '" + label + "'", e);
        }
        throw new UnknownKeyException(label);
    }

    private SigningKey describe(String label, X509Certificate certificate) {
        ECKey jwk = publicJwk(label, certificate);
        return new SigningKey(label, HexFormat.of().formatHex(label.getBytes(StandardCharsets.UTF_8)),
                jwk.getKeyID(), certificate.getNotBefore().toInstant());
    }

    private static ECKey publicJwk(String label, X509Certificate certificate) {
        ECKey bare = new ECKey.Builder(Curve.P_256, (ECPublicKey) certificate.getPublicKey()).build();
        try {
            return new ECKey.Builder(bare)
                    .keyID(bare.computeThumbprint().toString())
                    .algorithm(JWSAlgorithm.ES256)
                    .keyUse(KeyUse.SIGNATURE)
                    .build();
        } catch (JOSEException e) {
            throw new IllegalStateException("SHA-256 unavailable for the JWK thumbprint of '" + label + "'", e);
        }
    }

    private X509Certificate selfSigned(KeyPair pair, String label) throws GeneralSecurityException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        X500Name subject = new X500Name("CN=" + label + ",O=Mandate signing key");
        var builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, RANDOM).add(BigInteger.ONE),
                Date.from(now), Date.from(now.plus(36500, ChronoUnit.DAYS)), subject, pair.getPublic());
        try {
            var signer = new JcaContentSignerBuilder("SHA256withECDSA").setProvider(provider).build(pair.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException | CertificateException e) {
            throw new GeneralSecurityException("cannot self-sign the certificate of '" + label + "'", e);
        }
    }

    private HsmUnavailableException unavailable(String doing, Exception e) {
        logout();
        return new HsmUnavailableException("HSM failed while " + doing + " on slot " + slotName(config) + ": "
                + rootMessage(e), e);
    }

    private static void checkSoftHsmEnvironment(HsmConfig config) {
        if (config.softHsmConf() == null) {
            return;
        }
        // SoftHSM2 reads SOFTHSM2_CONF once, when the library is loaded: it cannot be set from here.
        String env = System.getenv("SOFTHSM2_CONF");
        Path expected = config.softHsmConf().toAbsolutePath().normalize();
        if (env == null || !Path.of(env).toAbsolutePath().normalize().equals(expected)) {
            throw new HsmSetupException("SoftHSM2 reads its token directory from SOFTHSM2_CONF; start this process with "
                    + "SOFTHSM2_CONF=" + expected + (env == null ? "" : " (it is " + env + ")"));
        }
        if (!Files.isReadable(expected)) {
            throw new HsmSetupException("SoftHSM2 config " + expected + " is missing; provision the token first");
        }
    }

    private static String slotName(HsmConfig config) {
        return config.slot() != null ? "id " + config.slot() : "index " + config.slotListIndex();
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }
}
