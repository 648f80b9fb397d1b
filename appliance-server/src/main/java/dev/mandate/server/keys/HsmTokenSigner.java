package dev.mandate.server.keys;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.mandate.hsm.HsmException;
import dev.mandate.hsm.HsmSigner;
import dev.mandate.server.error.Refusal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The active HSM key as a {@link TokenSigner}; rotation swaps the key underneath without a pause.
 * HSM failures become 503 and are logged once per outage, without secrets.
 */
public final class HsmTokenSigner implements TokenSigner {

    private static final System.Logger LOG = System.getLogger(HsmTokenSigner.class.getName());
    private static final long PROBE_INTERVAL_NANOS = 1_000_000_000L;

    private volatile HsmSigner signer;
    private volatile boolean healthy = true;
    private volatile long lastProbeNanos;
    private final Timer signatures;
    private final Counter failures;

    HsmTokenSigner(HsmSigner signer, MeterRegistry meters) {
        this.signer = signer;
        this.signatures = Timer.builder("mandate.hsm.sign").description("JWT signatures made in the HSM")
                .serviceLevelObjectives(Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
                        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
                        Duration.ofMillis(50), Duration.ofMillis(250), Duration.ofSeconds(1))
                .register(meters);
        this.failures = Counter.builder("mandate.hsm.sign.failures").description("signatures the HSM refused or failed")
                .register(meters);
    }

    /** From now on, sign with {@code next}. */
    synchronized void use(HsmSigner next) {
        this.signer = next;
    }

    /** Signs with {@code next} from now on if it still signs with key {@code fromKid} (nothing newer came); true when it did. */
    synchronized boolean replace(String fromKid, HsmSigner next) {
        if (!signer.kid().equals(fromKid)) {
            return false;
        }
        this.signer = next;
        return true;
    }

    String kid() {
        return signer.kid();
    }

    @Override
    public Signed sign(JWTClaimsSet claims) {
        HsmSigner current = signer;
        long start = System.nanoTime();
        try {
            String jwt = current.sign(claims);
            signatures.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            if (!healthy) {
                LOG.log(Level.INFO, "HSM signing works again");
            }
            healthy = true;
            return new Signed(jwt, current.kid());
        } catch (HsmException e) {
            failures.increment();
            if (healthy) {
                LOG.log(Level.ERROR, "HSM signing failed: " + e.getMessage());
            }
            healthy = false;
            throw Refusal.hsmUnavailable();
        }
    }

    @Override
    public boolean healthy() {
        long now = System.nanoTime();
        // While healthy a probe a second is enough; while down, every call looks again.
        if (!healthy || now - lastProbeNanos > PROBE_INTERVAL_NANOS) {
            lastProbeNanos = now;
            try {
                signer.sign(new JWTClaimsSet.Builder().subject("health-probe").build());
                healthy = true;
            } catch (HsmException e) {
                healthy = false;
            }
        }
        return healthy;
    }
}
