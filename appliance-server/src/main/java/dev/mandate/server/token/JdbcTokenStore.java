package dev.mandate.server.token;

import dev.mandate.server.claims.TokenClaims;
import dev.mandate.server.storage.Database;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** The {@code tokens} table: one row per signed token, for renewal, revocation counts and the live view. */
final class JdbcTokenStore {

    private static final String INSERT = """
            INSERT INTO tokens (jti, kind, sub, task_id, orch_id, scope, issued_at, expires_at, parent_jti, root_agent,
                                chain, depth, kid, state, supersedes)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?)""";
    private static final String ROW = """
            SELECT state, kid, sub, expires_at, scope, task_id, orch_id, chain, depth FROM tokens WHERE jti = ?""";

    /** What the database says of a token now: the facts an issuing transaction must find unchanged. */
    record Row(TokenState state, String kid, String subject, long expiresAt, String scope, String taskId, String orchId,
               String chain, int depth) {

        /** True when {@code c} is exactly the token this row records (a forgery reusing its jti differs somewhere). */
        boolean describes(TokenClaims c) {
            return kid.equals(c.kid()) && subject.equals(c.subject()) && expiresAt == c.expiresAt().getEpochSecond()
                    && scope.equals(String.join(" ", c.scope().strings())) && taskId.equals(c.taskId())
                    && orchId.equals(c.orchId()) && chain.equals(c.chainColumn()) && depth == c.depth();
        }
    }
    private static final String SET_STATE = "UPDATE tokens SET state = ?, state_at = ? WHERE jti = ? AND state = 'active'";
    private static final String EXPIRES = "SELECT expires_at FROM tokens WHERE jti = ?";

    void insert(Database.Tx tx, TokenClaims c, String supersedes) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(INSERT)) {
            ps.setString(1, c.jti());
            ps.setString(2, c.kind().name().toLowerCase(java.util.Locale.ROOT));
            ps.setString(3, c.subject());
            ps.setString(4, c.taskId());
            ps.setString(5, c.orchId());
            ps.setString(6, String.join(" ", c.scope().strings()));
            ps.setLong(7, c.issuedAt().getEpochSecond());
            ps.setLong(8, c.expiresAt().getEpochSecond());
            ps.setString(9, c.parentJti());
            ps.setString(10, c.rootAgent());
            ps.setString(11, c.chainColumn());
            ps.setInt(12, c.depth());
            ps.setString(13, c.kid());
            ps.setString(14, supersedes);
            ps.executeUpdate();
        }
    }

    /** Moves an active token to {@code state}; false if it was not active. */
    boolean setState(Database.Tx tx, String jti, TokenState state, long at) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(SET_STATE)) {
            ps.setString(1, state.wire());
            ps.setLong(2, at);
            ps.setString(3, jti);
            return ps.executeUpdate() == 1;
        }
    }

    Optional<Row> row(Database.Tx tx, String jti) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(ROW)) {
            ps.setString(1, jti);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Row(TokenState.ofWire(rs.getString(1)), rs.getString(2), rs.getString(3), rs.getLong(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getInt(9)))
                        : Optional.empty();
            }
        }
    }

    Optional<Long> expiresAt(Database.Tx tx, String jti) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(EXPIRES)) {
            ps.setString(1, jti);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }
}
