package dev.mandate.server.oauth;

import dev.mandate.server.app.App;
import dev.mandate.server.app.Apps;
import dev.mandate.server.error.Refusal;
import dev.mandate.server.http.ClientAddress;
import dev.mandate.server.http.RateLimiter;
import dev.mandate.server.http.Bearer;
import dev.mandate.server.claims.TokenClaims;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

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

    private final Bearer bearer;
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

    private final RateLimiter credentialLimiter;

    Clients(Bearer bearer, Apps apps, RateLimiter credentialLimiter) {
        this.credentialLimiter = credentialLimiter;
        this.bearer = bearer;
        this.apps = apps;
    }

    Client require(ServerRequest req) {
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return basic(header.substring(6).strip(), ClientAddress.of(req));
        }
        TokenClaims caller = bearer.require(req);
        return switch (caller.kind()) {
            case ADMIN -> new Client(null);
            case APP -> new Client(caller.appId());
            case AGENT -> throw Refusal.insufficientScope("an admin or app client is required");
        };
    }

    private Client basic(String encoded, String address) {
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
        credentialLimiter.acquire(address);
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
