package dev.mandate.server.oauth;

import dev.mandate.server.app.App;
import dev.mandate.server.app.Apps;
import dev.mandate.server.error.Refusal;
import dev.mandate.server.claims.TokenClaims;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who calls an OAuth endpoint: the operator (admin token) or an app (app token, or HTTP Basic client
 * credentials, RFC 6749 §2.3.1). Verified Basic credentials are remembered for five minutes under a
 * SHA-256 of them, so a resource server does not pay a bcrypt per call.
 */
final class Clients {

    /** An authenticated client: {@code appId} is null for the operator. */
    record Client(String appId) {
        boolean admin() {
            return appId == null;
        }
    }

    private static final long REMEMBER_NANOS = 300_000_000_000L;
    private static final int REMEMBERED = 1000;

    private final Apps apps;
    /** A verified credential: whose, and since when. */
    private record Verified(String appId, long atNanos) {
    }

    private final Map<String, Verified> verified = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Verified> eldest) {
            return size() > REMEMBERED;
        }
    };

    Clients(Apps apps) {
        this.apps = apps;
    }

    /** The client a verified bearer token speaks for: the operator or an app, never an agent. */
    static Client of(TokenClaims caller) {
        return switch (caller.kind()) {
            case ADMIN -> new Client(null);
            case APP -> new Client(caller.appId());
            case AGENT -> throw Refusal.insufficientScope("an admin or app client is required");
        };
    }

    /**
     * The app whose Basic credentials ({@code encoded}, base64 of {@code id:secret}) these are, from
     * {@code address}. Unless they were verified recently, {@code beforeVerifying} runs first (the caller's
     * address pays for the bcrypt from its budget, and may be refused there).
     */
    Client basic(String encoded, String address, Runnable beforeVerifying) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw Refusal.unauthorized("invalid client credentials");
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            throw Refusal.unauthorized("invalid client credentials");
        }
        String clientId = decoded.substring(0, colon);
        String secret = decoded.substring(colon + 1);
        String key = digest(decoded);
        long now = System.nanoTime();
        synchronized (verified) {
            Verified v = verified.get(key);
            if (v != null && now - v.atNanos() < REMEMBER_NANOS && !apps.isInactive(v.appId())) {
                return new Client(v.appId());
            }
        }
        // Not remembered: a bcrypt is due, so the caller's address pays from its credential budget first.
        beforeVerifying.run();
        App app = apps.checkCredentials(clientId, secret, address);
        synchronized (verified) {
            verified.put(key, new Verified(app.appId(), now));
        }
        return new Client(app.appId());
    }

    private static String digest(String s) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
