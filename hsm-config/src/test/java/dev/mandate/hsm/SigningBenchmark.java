package dev.mandate.hsm;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The raw ES256 JWT signing rate of the HSM with 1 and 2 threads, next to the same work with an
 * in-memory key (SunEC) measured in the same run. Later benchmarks compare against these figures.
 * Run with {@code ./mandate bench} (not part of the tests).
 */
public final class SigningBenchmark {

    private static final long WARMUP_MS = 2_000;
    private static final long MEASURE_MS = 5_000;

    interface Signing {
        String sign(JWTClaimsSet claims) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Path hsmDir = Path.of(args.length > 0 ? args[0] : "target/bench-hsm");
        var token = new SoftHsmProvisioner().provision(hsmDir, "mandate-bench");
        try (Hsm hsm = Hsm.open(token.config())) {
            String label = "bench-" + System.currentTimeMillis();
            hsm.generateSigningKey(label);
            try {
                HsmSigner hsmSigner = hsm.signer(label, 2);
                ECKey softwareKey = new ECKeyGenerator(Curve.P_256).keyID("software").generate();
                ECDSASigner software = new ECDSASigner(softwareKey);
                JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("software").build();
                Signing softwareSigning = claims -> {
                    SignedJWT jwt = new SignedJWT(header, claims);
                    jwt.sign(software);
                    return jwt.serialize();
                };

                System.out.printf("ES256 JWT signing, %d cores, %d s per figure%n",
                        Runtime.getRuntime().availableProcessors(), MEASURE_MS / 1000);
                System.out.printf("%-28s %12s %12s %10s%n", "signer", "1 thread/s", "2 threads/s", "2t/1t");
                double soft1 = rate(softwareSigning, 1);
                double soft2 = rate(softwareSigning, 2);
                System.out.printf("%-28s %12.0f %12.0f %10.2f%n", "in-memory key (baseline)", soft1, soft2, soft2 / soft1);
                double hsm1 = rate(hsmSigner::sign, 1);
                double hsm2 = rate(hsmSigner::sign, 2);
                System.out.printf("%-28s %12.0f %12.0f %10.2f%n", "HSM key (SoftHSM2/PKCS#11)", hsm1, hsm2, hsm2 / hsm1);
                System.out.printf("HSM / baseline: %.2f (1 thread), %.2f (2 threads)%n", hsm1 / soft1, hsm2 / soft2);
            } finally {
                hsm.destroy(label);
            }
        }
    }

    private static double rate(Signing signing, int threads) throws Exception {
        run(signing, threads, WARMUP_MS);
        return run(signing, threads, MEASURE_MS) * 1000.0 / MEASURE_MS;
    }

    private static long run(Signing signing, int threads, long millis) throws Exception {
        AtomicLong count = new AtomicLong();
        long deadline = System.nanoTime() + millis * 1_000_000;
        List<Future<?>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    long i = 0;
                    while (System.nanoTime() < deadline) {
                        try {
                            signing.sign(new JWTClaimsSet.Builder().jwtID(Long.toString(i++)).build());
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        count.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        return count.get();
    }
}
