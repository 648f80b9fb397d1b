package dev.mandate.server.journal;

import java.util.Objects;

/**
 * One lifecycle event operators watch live (SPEC §2.4): a closed family, one record per type, each
 * holding exactly its own facts. {@link Recorded} adds the sequence number and time the log gave it.
 */
public sealed interface Event {

    /** The type's name on the wire and in the {@code events} table. */
    String type();

    record AgentRegistered(String agentId, String taskId, String orchId) implements Event {
        public String type() {
            return "agent_registered";
        }
    }

    /** An agent's own (depth 0) token, issued at registration. */
    record TokenIssued(String agentId, String taskId, String orchId, String jti) implements Event {
        public String type() {
            return "token_issued";
        }
    }

    /** {@code jti} is the new token's. */
    record TokenRenewed(String agentId, String taskId, String orchId, String jti) implements Event {
        public String type() {
            return "token_renewed";
        }
    }

    record TokenReleased(String agentId, String taskId, String orchId, String jti) implements Event {
        public String type() {
            return "token_released";
        }
    }

    record TokenExpired(String agentId, String taskId, String jti) implements Event {
        public String type() {
            return "token_expired";
        }
    }

    /** {@code agentId} is the delegate, {@code jti} the delegated token's. */
    record DelegationCreated(String agentId, String taskId, String orchId, String jti) implements Event {
        public String type() {
            return "delegation_created";
        }
    }

    /** A revocation at {@code level} (token, agent, task or chain) of {@code target}; {@code count} tokens died. */
    record TokenRevoked(String level, String target, int count) implements Event {
        public TokenRevoked {
            Objects.requireNonNull(level, "level");
            Objects.requireNonNull(target, "target");
        }

        public String type() {
            return "token_revoked";
        }
    }

    /** {@code kid} became the active signing key. */
    record KeyRotated(String kid) implements Event {
        public String type() {
            return "key_rotated";
        }
    }

    /** {@code kid} was revoked; {@code count} live tokens it signed died with it. */
    record KeyRevoked(String kid, int count) implements Event {
        public String type() {
            return "key_revoked";
        }
    }

    /** An event as the log recorded it. */
    record Recorded(long seq, java.time.Instant at, Event event) {
    }
}
