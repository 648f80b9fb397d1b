package dev.mandate.server.revocation;

import dev.mandate.server.audit.Audit;
import dev.mandate.server.journal.Journal;
import dev.mandate.server.error.Refusal;
import dev.mandate.server.journal.Event;
import dev.mandate.server.storage.Database;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import dev.mandate.server.claims.Ids;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Revocation at token, agent, task or chain level (SPEC §4): O(1) entries written durably, in force in
 * memory before the call returns. {@code count} is the number of live tokens the call killed, found in
 * {@link LiveTokens} rather than by a query, so a tree of 10,000 costs a walk over memory.
 */
public final class Revoker {

    /** What a revocation did. */
    public record Result(Revocations.Level level, String target, int count) {
    }

    private final Database db;
    private final Revocations revocations;
    private final LiveTokens live;
    private final Journal journal;
    private final Ledgers.Tokens tokens;
    private final Ledgers.Agents agents;
    private final Clock clock;
    private final Duration maxTtl;
    private final JdbcRevocationStore store = new JdbcRevocationStore();
    private final MeterRegistry meters;
    private final Duration maxLifetime;

    public Revoker(Database db, Revocations revocations, LiveTokens live, Ledgers.Tokens tokens, Ledgers.Agents agents,
                   Journal journal, Clock clock, Duration maxTtl, Duration maxLifetime, MeterRegistry meters) {
        this.tokens = tokens;
        this.agents = agents;
        this.maxLifetime = maxLifetime;
        this.meters = meters;
        this.db = db;
        this.revocations = revocations;
        this.live = live;
        this.journal = journal;
        this.clock = clock;
        this.maxTtl = maxTtl;
    }

    public Result revoke(Revocations.Level level, String target) {
        return db.write(tx -> revokeIn(tx, level, target));
    }

    /** The same revocation inside a caller's transaction (e.g. deactivating an app with its agents). */
    public Result revokeIn(Database.Tx tx, Revocations.Level level, String target) {
        long now = clock.instant().getEpochSecond();
        // An entry must outlive every token it matches: now + max-ttl for tokens issued from now on, and at
        // least the latest expiry among the live tokens it reaches (issued under an earlier, longer max-ttl).
        long bound = now + maxTtl.toSeconds();
        Reach reach = reach(tx, level, target);
        switch (level) {
            case TOKEN -> {
                // The token and every renewal of it: each takes its delegated descendants with it.
                for (String jti : reach.entries()) {
                    revocations.add(tx, level, jti, Math.max(tokens.expiresAt(tx, jti).orElse(bound), now + 1));
                    tokens.markRevoked(tx, jti, now);
                }
            }
            case AGENT -> {
                agents.markRevoked(tx, target, now);
                revocations.add(tx, level, target, recorded(tx, level, target, bound));
            }
            case TASK -> revocations.add(tx, level, target, recorded(tx, level, target, bound));
            case CHAIN -> {
                if (!Ids.isJti(target)) {
                    // The named agent receives no delegation afterwards, however long its entries last.
                    agents.markRevoked(tx, target, now);
                }
                for (String root : reach.entries()) {
                    revocations.add(tx, level, root, recorded(tx, level, root, bound));
                }
            }
            case SUPERSEDED -> throw new IllegalArgumentException("superseded entries come from renewal only");
        }
        Set<LiveTokens.Live> reached = reach.tokens();
        int killed = countDying(reached);
        tx.apply(() -> {
            live.remove(reached);
            revokedTokens(level.wire()).increment(killed);
        });
        journal.record(tx, Audit.success("token_revoked", "level=" + level.wire() + " target=" + target
                + " count=" + killed).agent(level == Revocations.Level.AGENT ? target : "",
                level == Revocations.Level.TASK ? target : "", ""),
                new Event.TokenRevoked(level.wire(), target, killed));
        return new Result(level, target, killed);
    }

    /** What a key revocation reaches: the tokens its entries are written for (with their expiry), and the live ones. */
    private record KeyReach(Map<String, Long> tokens, Set<LiveTokens.Live> live) {
    }

    /**
     * Read without changing anything: every token {@code kid} signed within an agent's lifetime, every renewal
     * of one (renewals outlive the token they replace, up to the agent's absolute lifetime, so expired tokens
     * are walked too), and the live tokens among them or delegated from them, whichever key signed those.
     */
    private KeyReach reachSignedBy(Database.Tx tx, String kid) {
        long now = clock.instant().getEpochSecond();
        long since = now - maxLifetime.toSeconds();
        Map<String, Long> reachedTokens = new java.util.LinkedHashMap<>();
        Set<LiveTokens.Live> reached = new HashSet<>();
        // Two reads, whatever the number of tokens (one query per token made it seconds at 100,000): the key's
        // tokens that may still have live renewals, and every renewal issued since the earliest of them, walked
        // in memory.
        Map<String, Long> signed = tokens.unexpiredSignedBy(tx, kid, since);
        Map<String, Ledgers.Tokens.Renewal> renewals = signed.isEmpty() ? Map.of() : tokens.renewalsSinceSignedBy(tx, kid, since);
        for (Map.Entry<String, Long> token : signed.entrySet()) {
            String jti = token.getKey();
            long expires = token.getValue();
            while (jti != null) {   // ends: a jti seen before stops it, and there are finitely many
                if (reachedTokens.containsKey(jti)) {
                    break;   // reached from a token before it in its succession: the rest of it was walked then
                }
                reachedTokens.put(jti, expires);
                reached.addAll(live.fromToken(jti));
                Ledgers.Tokens.Renewal next = renewals.get(jti);
                jti = next == null ? null : next.jti();
                expires = next == null ? 0 : next.expiresAt();
            }
        }
        return new KeyReach(reachedTokens, reached);
    }

    /**
     * How many live tokens revoking {@code kid} would kill now: {@code signed} (the live tokens it signed) and
     * every token reached from its tokens, each once. What {@link #revokeSignedBy}'s caller then counts.
     */
    public int previewKey(String kid, Set<LiveTokens.Live> signed) {
        return db.read(tx -> dying(signed, reachSignedBy(tx, kid).live()));
    }

    /** The live tokens among {@code signed} and {@code derived} that a revocation kills now, each once. */
    public int dying(Set<LiveTokens.Live> signed, Set<LiveTokens.Live> derived) {
        Set<LiveTokens.Live> all = new HashSet<>(signed);
        all.addAll(derived);
        return countDying(all);
    }

    /** How many of {@code reached} a revocation kills now: unexpired, and not revoked by an entry already. */
    private int countDying(Set<LiveTokens.Live> reached) {
        long now = clock.instant().getEpochSecond();
        return (int) reached.stream().filter(t -> t.expiresAt() > now && !revocations.isRevoked(t)).count();
    }

    /**
     * Inside a key revocation's transaction: every unexpired token the key signed, every renewal of one and
     * everything delegated from them gets a token entry, so tokens derived from a compromised key's tokens
     * (signed by another key) die with them. Returns the live tokens reached.
     */
    public Set<LiveTokens.Live> revokeSignedBy(Database.Tx tx, String kid) {
        long now = clock.instant().getEpochSecond();
        KeyReach reach = reachSignedBy(tx, kid);
        reach.tokens().forEach((jti, expires) -> {
            if (expires > now) {
                revocations.add(tx, Revocations.Level.TOKEN, jti, expires);
            }
            tokens.markRevoked(tx, jti, now);
        });
        Set<LiveTokens.Live> alive = new HashSet<>();
        for (LiveTokens.Live t : reach.live()) {
            if (t.expiresAt() > now) {
                alive.add(t);
            }
        }
        tx.apply(() -> revokedTokens("key").increment(alive.size()));
        return alive;
    }

    /** What a revocation reaches: the live tokens it would kill, and what its entries are written for. */
    private record Reach(Set<LiveTokens.Live> tokens, List<String> entries) {
    }

    /**
     * What revoking {@code target} at {@code level} reaches, read without changing anything: a token's
     * succession (each with its delegated descendants), an agent's tokens, a task's, or whole trees (a jti
     * names its tree; an agent its own tree and those it was delegated into). 404 for an unknown agent.
     */
    private Reach reach(Database.Tx tx, Revocations.Level level, String target) {
        return switch (level) {
            case TOKEN -> {
                List<String> succession = tokens.succession(tx, target);
                Set<LiveTokens.Live> reached = new HashSet<>();
                succession.forEach(jti -> reached.addAll(live.fromToken(jti)));
                yield new Reach(reached, succession);
            }
            case AGENT -> {
                if (!agents.isAgent(tx, target)) {
                    throw Refusal.notFound("no such agent");
                }
                yield new Reach(live.fromTokens(tokens.issuedTo(tx, target)), List.of(target));
            }
            case TASK -> new Reach(live.ofTask(target), List.of(target));
            case CHAIN -> {
                // Only agents root trees: admin and app tokens are not chain targets.
                Set<String> roots = new LinkedHashSet<>();
                if (Ids.isJti(target)) {
                    roots.add(tokens.rootOf(tx, target).filter(r -> agents.isAgent(tx, r))
                            .orElseThrow(() -> Refusal.notFound("no agent token with this jti")));
                } else {
                    if (!agents.isAgent(tx, target)) {
                        throw Refusal.notFound("no such agent");
                    }
                    roots.add(target);
                    roots.addAll(tokens.treesOf(tx, target));
                }
                Set<LiveTokens.Live> trees = new HashSet<>();
                roots.forEach(root -> trees.addAll(live.ofTree(root)));
                yield new Reach(trees, List.copyOf(roots));
            }
            case SUPERSEDED -> throw new IllegalArgumentException("superseded entries come from renewal only");
        };
    }

    /**
     * How many live tokens revoking every one of {@code targets} would kill now, each counted once however
     * many targets reach it: what an operator's confirmation names before anything is sent. Changes nothing.
     */
    public int preview(List<Map.Entry<Revocations.Level, String>> targets) {
        return db.read(tx -> {
            Set<LiveTokens.Live> reached = new HashSet<>();
            for (var t : targets) {
                reached.addAll(reach(tx, t.getKey(), t.getValue()).tokens());
            }
            return countDying(reached);
        });
    }

    /** {@code mandate_tokens_revoked_total{level}}: live tokens killed by revocations at that level. */
    private Counter revokedTokens(String level) {
        return Counter.builder("mandate.tokens.revoked").description("live tokens killed by a revocation, by level")
                .tag("level", level).register(meters);
    }

    /**
     * At least {@code atLeast}, and the latest expiry of the recorded tokens the entry matches: every live
     * token is recorded, and on a shared database tokens other nodes issued (under their own max-ttl) are in
     * no node's memory but only in this table.
     */
    private long recorded(Database.Tx tx, Revocations.Level level, String target, long atLeast) {
        return Math.max(atLeast, tokens.latestExpiry(tx, level, target).orElse(atLeast));
    }

    /** Feed entries after {@code since}, oldest first. */
    public List<JdbcRevocationStore.Entry> feed(long since, int limit) {
        return db.read(tx -> store.feed(tx, since, limit));
    }
}
