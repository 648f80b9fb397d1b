package dev.mandate.server.token;

import dev.mandate.server.revocation.Revocations;

import dev.mandate.server.claims.ChainLink;
import dev.mandate.server.claims.TokenClaims;
import dev.mandate.server.storage.Database;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code tokens} table: one row per signed token, for renewal, revocation counts and the live view.
 * The delegation chain is stored as {@code agent jti} lines, root first, written and read only here.
 */
final class JdbcTokenStore implements TokenHistory {

    /** A renewal chain longer than this cannot exist within token.max-lifetime's renewals; a bound on the walk. */
    private static final int MAX_SUCCESSION = 100_000;
    /** Queries with an IN list bind at most this many values at once. */
    private static final int IN_BATCH = 500;
    private static final String RECORD_COLUMNS =
            "jti, sub, task_id, scope, issued_at, expires_at, parent_jti, kid, state, root_agent, chain";
    private static final String INSERT = """
            INSERT INTO tokens (jti, kind, sub, task_id, orch_id, scope, issued_at, expires_at, parent_jti, root_agent,
                                chain, depth, kid, state, supersedes, cnf_jkt, aud)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?)""";
    private static final String ROW = """
            SELECT state, kid, sub, expires_at, scope, task_id, orch_id, chain, depth, cnf_jkt, aud FROM tokens WHERE jti = ?""";

    /** What the database says of a token now: the facts an issuing transaction must find unchanged. */
    record Row(TokenState state, String kid, String subject, long expiresAt, String scope, String taskId, String orchId,
               String chain, int depth, String cnfJkt, String aud) {

        /** True when {@code c} is exactly the token this row records (a forgery reusing its jti differs somewhere). */
        boolean describes(TokenClaims c) {
            return kid.equals(c.kid()) && subject.equals(c.subject()) && expiresAt == c.expiresAt().getEpochSecond()
                    && scope.equals(String.join(" ", c.scope().strings())) && taskId.equals(c.taskId())
                    && orchId.equals(c.orchId()) && chain.equals(chainColumn(c.chain())) && depth == c.depth()
                    && java.util.Objects.requireNonNullElse(cnfJkt, "").equals(c.cnfJkt())
                    && (aud == null || aud.equals(String.join(" ", c.audience())));   // null: recorded before V7
        }
    }

    void insert(Database.Tx tx, TokenClaims c, String supersedes) {
        tx.update(INSERT, c.jti(), c.kind().name().toLowerCase(Locale.ROOT), c.subject(), c.taskId(), c.orchId(),
                String.join(" ", c.scope().strings()), c.issuedAt().getEpochSecond(), c.expiresAt().getEpochSecond(),
                c.parentJti(), c.rootAgent(), chainColumn(c.chain()), c.depth(), c.kid(), supersedes,
                c.bound() ? c.cnfJkt() : null, String.join(" ", c.audience()));
    }

    /** Moves an active token to {@code state}; false if it was not active. */
    boolean setState(Database.Tx tx, String jti, TokenState state, long at) {
        return tx.update("UPDATE tokens SET state = ?, state_at = ? WHERE jti = ? AND state = 'active'",
                state.wire(), at, jti) == 1;
    }

    Optional<Row> row(Database.Tx tx, String jti) {
        return tx.first(ROW, rs -> new Row(TokenState.ofWire(rs.getString(1)), rs.getString(2), rs.getString(3),
                rs.getLong(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getInt(9), rs.getString(10), rs.getString(11)), jti);
    }

    @Override
    public Optional<Long> expiresAt(Database.Tx tx, String jti) {
        return tx.first("SELECT expires_at FROM tokens WHERE jti = ?", rs -> rs.getLong(1), jti);
    }

    @Override
    public List<TokenRecord> unexpiredActive(Database.Tx tx, long now) {
        return tx.list("SELECT " + RECORD_COLUMNS + " FROM tokens WHERE state = 'active' AND expires_at > ?",
                JdbcTokenStore::record, now);
    }

    @Override
    public Map<String, Long> unexpiredAgentTokensByState(Database.Tx tx, long now) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        tx.list("SELECT state, COUNT(*) FROM tokens WHERE kind = 'agent' AND expires_at > ? GROUP BY state",
                rs -> counts.put(rs.getString(1), rs.getLong(2)), now);
        return counts;
    }

    @Override
    public List<TokenRecord> heldBy(Database.Tx tx, Collection<String> agentIds) {
        List<TokenRecord> tokens = new ArrayList<>();
        for (List<String> batch : batches(agentIds)) {
            tokens.addAll(tx.list("SELECT " + RECORD_COLUMNS + " FROM tokens WHERE sub IN (" + placeholders(batch)
                    + ") ORDER BY issued_at", JdbcTokenStore::record, batch.toArray()));
        }
        return tokens;
    }

    @Override
    public List<TokenRecord> tree(Database.Tx tx, String rootAgent) {
        return tx.list("SELECT " + RECORD_COLUMNS + " FROM tokens WHERE root_agent = ? ORDER BY issued_at",
                JdbcTokenStore::record, rootAgent);
    }

    @Override
    public Optional<String> rootOf(Database.Tx tx, String jti) {
        return tx.first("SELECT root_agent FROM tokens WHERE jti = ?", rs -> rs.getString(1), jti);
    }

    @Override
    public Map<String, Long> expiries(Database.Tx tx, Collection<String> jtis) {
        Map<String, Long> expiries = new HashMap<>();
        for (List<String> batch : batches(jtis)) {
            tx.list("SELECT jti, expires_at FROM tokens WHERE jti IN (" + placeholders(batch) + ")",
                    rs -> expiries.put(rs.getString(1), rs.getLong(2)), batch.toArray());
        }
        return expiries;
    }

    @Override
    public java.util.OptionalLong latestExpiry(Database.Tx tx, Revocations.Level level, String target) {
        String column = switch (level) {
            case AGENT -> "sub";
            case TASK -> "task_id";
            case CHAIN -> "root_agent";
            case TOKEN, SUPERSEDED -> throw new IllegalArgumentException("a token entry's expiry is its token's");
        };
        return tx.first("SELECT MAX(expires_at) FROM tokens WHERE " + column + " = ?", rs -> {
            long max = rs.getLong(1);
            return rs.wasNull() ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(max);
        }, target).orElse(java.util.OptionalLong.empty());
    }

    @Override
    public Set<String> issuedTo(Database.Tx tx, String agent) {
        return new LinkedHashSet<>(tx.list("SELECT jti FROM tokens WHERE sub = ?", rs -> rs.getString(1), agent));
    }

    @Override
    public Set<String> treesOf(Database.Tx tx, String agent) {
        return new LinkedHashSet<>(tx.list("SELECT DISTINCT root_agent FROM tokens WHERE sub = ?", rs -> rs.getString(1), agent));
    }

    @Override
    public List<String> succession(Database.Tx tx, String jti) {
        List<String> jtis = new ArrayList<>();
        for (String next = jti; next != null && jtis.size() < MAX_SUCCESSION; ) {
            jtis.add(next);
            next = tx.first("SELECT jti FROM tokens WHERE supersedes = ?", rs -> rs.getString(1), next).orElse(null);
        }
        return jtis;
    }

    @Override
    public java.util.Map<String, Long> unexpiredSignedBy(Database.Tx tx, String kid, long since) {
        java.util.Map<String, Long> signed = new java.util.LinkedHashMap<>();
        tx.list("SELECT jti, expires_at FROM tokens WHERE kid = ? AND expires_at > ?",
                rs -> signed.put(rs.getString(1), rs.getLong(2)), kid, since);
        return signed;
    }

    @Override
    public java.util.Map<String, Renewal> renewalsSinceSignedBy(Database.Tx tx, String kid, long since) {
        java.util.Map<String, Renewal> renewals = new java.util.HashMap<>();
        tx.list("""
                SELECT supersedes, jti, expires_at FROM tokens WHERE supersedes IS NOT NULL
                  AND issued_at >= (SELECT MIN(issued_at) FROM tokens WHERE kid = ? AND expires_at > ?)""",
                rs -> renewals.put(rs.getString(1), new Renewal(rs.getString(2), rs.getLong(3))), kid, since);
        return renewals;
    }

    @Override
    public Optional<Long> lastExpirySignedBy(Database.Tx tx, String kid) {
        return tx.first("SELECT MAX(expires_at) FROM tokens WHERE kid = ?",
                rs -> Optional.ofNullable(rs.getObject(1, Long.class)), kid).flatMap(max -> max);
    }

    @Override
    public void markRevoked(Database.Tx tx, String jti, long now) {
        setState(tx, jti, TokenState.REVOKED, now);
    }

    /** The chain as stored: one {@code agent jti} line per ancestor, root first; empty without a chain. */
    static String chainColumn(List<ChainLink> chain) {
        StringBuilder s = new StringBuilder();
        for (ChainLink link : chain) {
            s.append(link.agent()).append(' ').append(link.jti()).append('\n');
        }
        return s.toString();
    }

    private static TokenRecord record(ResultSet rs) throws SQLException {
        String chain = rs.getString(11);
        return new TokenRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                rs.getLong(6), rs.getString(7), rs.getString(8), TokenState.ofWire(rs.getString(9)), rs.getString(10),
                chain.isEmpty() ? List.of() : List.of(chain.split("[ \n]")));
    }

    private static List<List<String>> batches(Collection<String> values) {
        List<String> all = List.copyOf(values);
        List<List<String>> batches = new ArrayList<>();
        for (int from = 0; from < all.size(); from += IN_BATCH) {
            batches.add(all.subList(from, Math.min(from + IN_BATCH, all.size())));
        }
        return batches;
    }

    private static String placeholders(List<String> batch) {
        return "?,".repeat(batch.size() - 1) + "?";
    }
}
