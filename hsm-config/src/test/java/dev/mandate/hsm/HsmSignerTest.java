package dev.mandate.hsm;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HsmSignerTest {

    private static final int PER_THREAD = 5_000;

    @Test
    void twoThreadsSignFiveThousandJwtsEachAndEverySignatureVerifies() throws Exception {
        try (Hsm hsm = TestToken.open()) {
            String label = TestToken.uniqueLabel("concurrent");
            hsm.generateSigningKey(label);
            HsmSigner signer = hsm.signer(label, 2);

            List<Callable<List<String>>> workers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int thread = t;
                workers.add(() -> {
                    List<String> tokens = new ArrayList<>(PER_THREAD);
                    for (int i = 0; i < PER_THREAD; i++) {
                        tokens.add(signer.sign(new JWTClaimsSet.Builder().jwtID(thread + "-" + i).build()));
                    }
                    return tokens;
                });
            }
            List<String> tokens = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
                for (Future<List<String>> f : pool.invokeAll(workers)) {
                    tokens.addAll(f.get());
                }
            }

            assertEquals(2 * PER_THREAD, tokens.size());
            ECDSAVerifier verifier = new ECDSAVerifier(signer.publicJwk());
            verifier.getJCAContext().setProvider(new BouncyCastleProvider());
            Set<String> ids = new HashSet<>();
            for (String token : tokens) {
                SignedJWT jwt = SignedJWT.parse(token);
                assertTrue(jwt.verify(verifier), token);
                assertEquals(signer.kid(), jwt.getHeader().getKeyID());
                ids.add(jwt.getJWTClaimsSet().getJWTID());
            }
            assertEquals(2 * PER_THREAD, ids.size(), "every signed token is distinct and intact");
        }
    }
}
