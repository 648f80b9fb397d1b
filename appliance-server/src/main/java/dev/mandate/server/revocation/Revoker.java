package dev.mandate.server.revocation;

import dev.mandate.server.audit.Audit;
import dev.mandate.server.audit.AuditLog;
import dev.mandate.server.storage.Database;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Revocation at token, agent, task or chain level (SPEC §4): O(1) entries written durably, then in
 * force in memory before the call returns. {@code count} is the number of live tokens the call killed:
 * tokens that were active, unexpired and not already dead by an earlier entry.
 */
public final class Revoker {

    private static final Pattern JTI = Pattern.compile("[0-9a-f]{32}");

    /** What a revocation did. */
    public record Result(Revocations.Level level, String target, int count) {
    }

    private final Database db;
    private final Revocations revocations;
    private final AuditLog audit;
    private final Clock clock;
    private final Duration maxTtl;
    private final JdbcRevocationStore store = new JdbcRevocationStore();

    public Revoker(Database db, Revocations revocations, AuditLog audit, Clock clock, Duration maxTtl) {
        this.db = db;
        this.revocations = revocations;
        this.audit = audit;
        this.clock = clock;
        this.maxTtl = maxTtl;
    }

    public Result revoke(Revocations.Level level, String target) {
        return db.write(tx -> {
            long now = clock.instant().getEpochSecond();
            long bound = now + maxTtl.toSeconds();
            List<JdbcRevocationStore.TokenRow> reached = switch (level) {
                case TOKEN -> {
                    long expires = store.token(tx, target).map(JdbcRevocationStore.TokenRow::expiresAt).orElse(bound);
                    revocations.add(tx, level, target, Math.max(expires, now + 1));
                    yield store.liveFromToken(tx, target, now);
                }
                case AGENT -> {
                    store.markAgentRevoked(tx, target, now);
                    revocations.add(tx, level, target, bound);
                    yield store.liveFromAgent(tx, target, now);
                }
                case TASK -> {
                    revocations.add(tx, level, target, bound);
                    yield store.liveOfTask(tx, target, now);
                }
                case CHAIN -> {
                    // A jti names the tree of that token; an agent id its own tree and those it was delegated into.
                    Set<String> roots = new LinkedHashSet<>();
                    if (JTI.matcher(target).matches()) {
                        store.token(tx, target).ifPresent(t -> roots.add(t.rootAgent()));
                    } else {
                        roots.add(target);
                        roots.addAll(store.treesOf(tx, target));
                    }
                    List<JdbcRevocationStore.TokenRow> trees = new ArrayList<>();
                    for (String root : roots) {
                        revocations.add(tx, level, root, bound);
                        trees.addAll(store.liveOfTree(tx, root, now));
                    }
                    yield trees;
                }
                case SUPERSEDED -> throw new IllegalArgumentException("superseded entries come from renewal only");
            };
            Set<String> killed = new HashSet<>();
            for (JdbcRevocationStore.TokenRow row : reached) {
                if (!revocations.isRevoked(row)) {
                    killed.add(row.jti());
                }
            }
            audit.record(tx, Audit.success("token_revoked", "level=" + level.wire() + " target=" + target
                    + " count=" + killed.size()).agent(level == Revocations.Level.AGENT ? target : "",
                    level == Revocations.Level.TASK ? target : "", ""));
            return new Result(level, target, killed.size());
        });
    }

    /** Feed entries after {@code since}, oldest first. */
    public List<JdbcRevocationStore.Entry> feed(long since, int limit) {
        return db.read(tx -> store.feed(tx, since, limit));
    }
}
