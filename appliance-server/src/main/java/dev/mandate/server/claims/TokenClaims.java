package dev.mandate.server.claims;

import dev.mandate.server.scope.Scopes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The claims of a token the broker signed (SPEC §3). {@code chain} holds the ancestors, root first;
 * {@code kid} is the key that signed it; {@code cnfJkt} the RFC 7638 thumbprint of the key its holder must
 * prove with each use (RFC 9449 {@code cnf.jkt}), empty for a bearer token.
 */
public record TokenClaims(String issuer, String subject, List<String> audience, Instant expiresAt, Instant notBefore,
                          Instant issuedAt, String jti, Scopes scope, String taskId, String orchId,
                          List<ChainLink> chain, String kid, String cnfJkt) implements Lineage {


    public static final String ADMIN = "admin";
    public static final String APP_PREFIX = "app:";

    public enum Kind { AGENT, ADMIN, APP }

    public TokenClaims {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(subject, "subject");
        audience = List.copyOf(audience);
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(jti, "jti");
        Objects.requireNonNull(scope, "scope");
        taskId = Objects.requireNonNullElse(taskId, "");
        orchId = Objects.requireNonNullElse(orchId, "");
        chain = List.copyOf(chain);
        Objects.requireNonNull(kid, "kid");
        cnfJkt = Objects.requireNonNullElse(cnfJkt, "");
    }

    /** Whether the holder must prove its key with each use (RFC 9449). */
    public boolean bound() {
        return !cnfJkt.isEmpty();
    }

    public Kind kind() {
        if (subject.equals(ADMIN)) {
            return Kind.ADMIN;
        }
        return subject.startsWith(APP_PREFIX) ? Kind.APP : Kind.AGENT;
    }

    /** The app id of an app token, else empty. */
    public String appId() {
        return kind() == Kind.APP ? subject.substring(APP_PREFIX.length()) : "";
    }

    /** The agent whose registration token started this token's delegation tree (the subject if undelegated). */
    public String rootAgent() {
        return chain.isEmpty() ? subject : chain.getFirst().agent();
    }

    /** The token this one was delegated from, or null. */
    public String parentJti() {
        return chain.isEmpty() ? null : chain.getLast().jti();
    }

    @Override
    public int depth() {
        return chain.size();
    }

    @Override
    public String ancestorAgent(int i) {
        return chain.get(i).agent();
    }

    @Override
    public String ancestorJti(int i) {
        return chain.get(i).jti();
    }

    /** Hex SHA-256 over the chain's links ({@code agent|jti|scope…|delegated_at}, one per line); empty without a chain. */
    public String chainHash() {
        return chainHash(chain);
    }

    public static String chainHash(List<ChainLink> chain) {
        if (chain.isEmpty()) {
            return "";
        }
        StringBuilder canonical = new StringBuilder();
        for (ChainLink link : chain) {
            canonical.append(link.agent()).append('|').append(link.jti()).append('|')
                    .append(String.join(" ", link.scope())).append('|').append(link.delegatedAt()).append('\n');
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
