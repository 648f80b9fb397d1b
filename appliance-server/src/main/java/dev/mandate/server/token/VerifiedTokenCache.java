package dev.mandate.server.token;

import dev.mandate.server.claims.TokenClaims;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens whose signature and claims were already checked, keyed by the SHA-256 of the token (the
 * token itself is never kept). An entry lives no longer than its token; the size is bounded, and
 * when full the expired entries go first, then everything (a miss only costs one verification).
 */
final class VerifiedTokenCache {

    private final int maxEntries;
    private final Map<String, TokenClaims> entries = new ConcurrentHashMap<>();

    VerifiedTokenCache(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    static String key(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    TokenClaims get(String key, Instant now) {
        TokenClaims claims = entries.get(key);
        if (claims != null && !claims.expiresAt().isAfter(now)) {
            entries.remove(key);
            return null;
        }
        return claims;
    }

    void put(String key, TokenClaims claims, Instant now) {
        if (entries.size() >= maxEntries) {
            entries.values().removeIf(c -> !c.expiresAt().isAfter(now));
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
        }
        entries.put(key, claims);
    }

    int size() {
        return entries.size();
    }
}
