package dev.mandate.server.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** One stored audit event; absent fields are empty strings. */
public record AuditEvent(long id, String timestamp, String eventType, String agentId, String taskId,
                         String orchId, String detail, String outcome, String prevHash, String hash) {

    public static final String GENESIS = "0".repeat(64);

    /** The chain hash of an event with these fields. */
    static String hash(String prevHash, long id, String timestamp, String eventType, String agentId, String taskId,
                       String orchId, String detail, String outcome) {
        String joined = String.join("|", prevHash, Long.toString(id), timestamp, eventType, agentId, taskId,
                orchId, detail, outcome);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(joined.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when this event's hash matches its own fields and {@code expectedPrev}. */
    boolean intact(String expectedPrev) {
        return prevHash.equals(expectedPrev)
                && hash.equals(hash(prevHash, id, timestamp, eventType, agentId, taskId, orchId, detail, outcome));
    }
}
