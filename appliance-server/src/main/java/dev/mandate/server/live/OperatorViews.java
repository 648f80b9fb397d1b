package dev.mandate.server.live;

import dev.mandate.server.agent.AgentRecord;
import dev.mandate.server.agent.Agents;
import dev.mandate.server.claims.Ids;
import dev.mandate.server.error.Refusal;
import dev.mandate.server.revocation.LiveTokens;
import dev.mandate.server.revocation.Revocations;
import dev.mandate.server.storage.Database;
import dev.mandate.server.token.TokenHistory;
import dev.mandate.server.token.TokenRecord;
import dev.mandate.server.token.TokenState;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's views (SPEC §2.4): agents with their tokens, and delegation trees, each read in one
 * transaction. A token's state is what is true now: released, superseded, expired, revoked or active.
 */
public final class OperatorViews {

    /** The filters and page of {@code GET /v1/admin/agents}; a null {@code state} means any. */
    public record AgentQuery(AgentRecord.Filter filter, TokenState state, AgentRecord.Order order, int limit, int offset) {
    }

    /** One of an agent's tokens; {@code effectiveExpiresAt} is the earliest expiry along its chain. */
    public record TokenView(TokenRecord token, long effectiveExpiresAt, TokenState state) {
    }

    public record AgentView(AgentRecord agent, TokenState state, List<TokenView> tokens) {
    }

    public record AgentPage(List<AgentView> agents, long total, int limit, int offset) {
    }

    /** A node of a delegation tree: a token, its state now, and the tokens delegated from it. */
    public record TreeNode(TokenRecord token, TokenState state, List<TreeNode> children) {
    }

    /**
     * What the broker holds now: registered agents; agent tokens {@code live} (unexpired and unrevoked, from this
     * node's index) and unexpired ones {@code released} or {@code superseded} (from the database); revocation
     * entries in force (this node's memory, which holds the cluster's).
     */
    public record Stored(long agents, Map<String, Long> tokens, long revocationEntries) {
    }

    /** The latest token; within one second, a renewal's successor over the token it superseded. */
    private static final Comparator<TokenRecord> LATEST = Comparator.comparingLong(TokenRecord::issuedAt)
            .thenComparing(t -> t.state() != TokenState.SUPERSEDED);

    private final Database db;
    private final Agents agents;
    private final TokenHistory history;
    private final LiveTokens live;
    private final Revocations revocations;
    private final Clock clock;

    public OperatorViews(Database db, Agents agents, TokenHistory history, LiveTokens live, Revocations revocations,
                         Clock clock) {
        this.db = db;
        this.agents = agents;
        this.history = history;
        this.live = live;
        this.revocations = revocations;
        this.clock = clock;
    }

    public AgentPage agents(AgentQuery q) {
        long now = clock.instant().getEpochSecond();
        return db.read(tx -> {
            // Without a state filter the database pages; a state filter needs every candidate's state first.
            boolean pageInSql = q.state() == null;
            List<AgentRecord> candidates = agents.matching(tx, q.filter(), q.order(), now, pageInSql ? q.limit() : null,
                    pageInSql ? q.offset() : 0);
            Map<String, List<TokenRecord>> tokens = new HashMap<>();
            history.heldBy(tx, candidates.stream().map(AgentRecord::agentId).toList())
                    .forEach(t -> tokens.computeIfAbsent(t.subject(), k -> new ArrayList<>()).add(t));
            List<AgentView> matching = new ArrayList<>();
            for (AgentRecord a : candidates) {
                List<TokenRecord> own = tokens.getOrDefault(a.agentId(), List.of());
                TokenState state = agentState(a, own, now);
                if (q.state() == null || q.state() == state) {
                    matching.add(new AgentView(a, state, List.of()));
                }
            }
            long total = pageInSql ? agents.count(tx, q.filter()) : matching.size();
            List<AgentView> page = pageInSql ? matching : matching.subList(Math.min(q.offset(), matching.size()),
                    (int) Math.min((long) q.offset() + q.limit(), matching.size()));
            Map<String, Long> expiries = history.expiries(tx, page.stream()
                    .flatMap(v -> tokens.getOrDefault(v.agent().agentId(), List.of()).stream())
                    .flatMap(t -> t.ancestorJtis().stream()).distinct().toList());
            List<AgentView> views = new ArrayList<>();
            for (AgentView v : page) {
                List<TokenView> list = new ArrayList<>();
                for (TokenRecord t : tokens.getOrDefault(v.agent().agentId(), List.of())) {
                    long effective = t.expiresAt();
                    for (String ancestor : t.ancestorJtis()) {
                        effective = Math.min(effective, expiries.getOrDefault(ancestor, effective));
                    }
                    list.add(new TokenView(t, effective, tokenState(t, now)));
                }
                views.add(new AgentView(v.agent(), v.state(), List.copyOf(list)));
            }
            return new AgentPage(List.copyOf(views), total, q.limit(), q.offset());
        });
    }

    /** The counts of the overview, read in one transaction. */
    public Stored stored() {
        long now = clock.instant().getEpochSecond();
        return db.read(tx -> {
            Map<String, Long> recorded = history.unexpiredAgentTokensByState(tx, now);
            Map<String, Long> tokens = new java.util.TreeMap<>();
            tokens.put("live", live.agentTokens(now));
            // Revocation marks only some tokens in the database; whether a token is revoked is the index's to say.
            tokens.put(TokenState.RELEASED.wire(), recorded.getOrDefault(TokenState.RELEASED.wire(), 0L));
            tokens.put(TokenState.SUPERSEDED.wire(), recorded.getOrDefault(TokenState.SUPERSEDED.wire(), 0L));
            return new Stored(agents.count(tx, new AgentRecord.Filter(null, null, null, null)), tokens, revocations.size());
        });
    }

    /** The tree {@code root} (an agent id or a jti) belongs to; 404 when unknown. */
    public TreeNode chain(String root) {
        long now = clock.instant().getEpochSecond();
        return db.read(tx -> tree(tx, root, now).orElseThrow(() -> Refusal.notFound("no delegation tree for " + root)));
    }

    /** The trees each of {@code roots} belongs to, in order, on one connection; empty for an unknown one. */
    public List<Optional<TreeNode>> chains(List<String> roots) {
        long now = clock.instant().getEpochSecond();
        return db.read(tx -> {
            List<Optional<TreeNode>> trees = new ArrayList<>(roots.size());
            for (String root : roots) {
                trees.add(tree(tx, root, now));
            }
            return trees;
        });
    }

    private Optional<TreeNode> tree(Database.Tx tx, String root, long now) {
        Optional<String> found = Ids.isJti(root) ? history.rootOf(tx, root) : Optional.of(root);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        String rootAgent = found.get();
        List<TokenRecord> tree = history.tree(tx, rootAgent);
        List<TokenRecord> own = tree.stream().filter(t -> t.depth() == 0 && t.subject().equals(rootAgent)).toList();
        if (own.isEmpty()) {
            return Optional.empty();
        }
        Map<String, List<TokenRecord>> children = new HashMap<>();
        for (TokenRecord t : tree) {
            if (t.parentJti() != null) {
                children.computeIfAbsent(t.parentJti(), k -> new ArrayList<>()).add(t);
            }
        }
        TokenRecord latest = own.stream().max(LATEST).orElseThrow();
        // Tokens delegated from any of the root's own tokens (earlier, renewed ones too) hang below it.
        List<TokenRecord> rootChildren = new ArrayList<>();
        own.forEach(t -> rootChildren.addAll(children.getOrDefault(t.jti(), List.of())));
        return Optional.of(node(latest, rootChildren, children, now));
    }

    private TreeNode node(TokenRecord t, List<TokenRecord> kids, Map<String, List<TokenRecord>> children, long now) {
        List<TreeNode> nodes = new ArrayList<>();
        for (TokenRecord c : kids) {
            nodes.add(node(c, children.getOrDefault(c.jti(), List.of()), children, now));
        }
        return new TreeNode(t, tokenState(t, now), List.copyOf(nodes));
    }

    private TokenState tokenState(TokenRecord t, long now) {
        if (t.state() == TokenState.RELEASED || t.state() == TokenState.SUPERSEDED) {
            return t.state();
        }
        if (t.expiresAt() <= now) {
            return TokenState.EXPIRED;
        }
        return live.contains(t.jti()) ? TokenState.ACTIVE : TokenState.REVOKED;
    }

    private TokenState agentState(AgentRecord a, List<TokenRecord> tokens, long now) {
        if (a.revoked() || revocations.contains(Revocations.Level.CHAIN, a.agentId())) {
            return TokenState.REVOKED;
        }
        return tokens.stream().filter(t -> t.depth() == 0).max(LATEST)
                .map(t -> tokenState(t, now)).map(s -> s == TokenState.SUPERSEDED ? TokenState.ACTIVE : s)
                .orElse(TokenState.EXPIRED);
    }
}
