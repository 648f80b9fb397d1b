package dev.mandate.server.revocation;

import dev.mandate.server.claims.Lineage;
import dev.mandate.server.claims.TokenClaims;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every token that is alive now (issued, unexpired, not released, renewed or revoked), indexed by
 * holder, task, tree and parent. Revocation reads what it reaches from here, so revoking a tree of
 * 10,000 tokens is a walk over memory, not a query; the durable truth stays the revocation entries.
 * Changed only inside the write transaction (after commit), read from anywhere.
 */
public final class LiveTokens {

    /** A live token, as revocation sees it; {@code ancestors} alternates agent, jti, root first. */
    public record Live(String jti, String subject, String taskId, String rootAgent, String parentJti,
                       String[] ancestors, long expiresAt, String kid) implements Lineage {
        @Override
        public int depth() {
            return ancestors.length / 2;
        }

        @Override
        public String ancestorAgent(int i) {
            return ancestors[2 * i];
        }

        @Override
        public String ancestorJti(int i) {
            return ancestors[2 * i + 1];
        }
    }

    /** From this many tokens on, a key's set is changed in place rather than copied. */
    private static final int SMALL = 8;
    private static final String[] ROOT = new String[0];

    private final Map<String, Live> byJti = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> bySubject = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> byTask = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> byRoot = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> children = new ConcurrentHashMap<>();

    /** Adds a token just issued. */
    public void add(Lineage t, long expiresAt) {
        String[] ancestors = t.depth() == 0 ? ROOT : new String[2 * t.depth()];
        for (int i = 0; i < t.depth(); i++) {
            ancestors[2 * i] = t.ancestorAgent(i);
            ancestors[2 * i + 1] = t.ancestorJti(i);
        }
        // A root token's holder is its tree's root: one string for both.
        String root = t.rootAgent().equals(t.subject()) ? t.subject() : t.rootAgent();
        put(new Live(t.jti(), t.subject(), t.taskId(), root,
                t.depth() == 0 ? null : t.ancestorJti(t.depth() - 1), ancestors, expiresAt, t.kid()));
    }

    /** The token and everything delegated from it. */
    public Set<Live> fromToken(String jti) {
        return withDescendants(Set.of(jti));
    }

    /** The tokens {@code jtis} (live or not) and everything delegated from them that is alive. */
    public Set<Live> fromTokens(Set<String> jtis) {
        return withDescendants(jtis);
    }

    /** Forgets one token (renewed: its descendants stay). */
    public void remove(String jti) {
        Live t = byJti.get(jti);
        if (t != null) {
            remove(Set.of(t));
        }
    }

    public Set<Live> ofTask(String taskId) {
        return resolve(byTask.getOrDefault(taskId, Set.of()));
    }

    public Set<Live> ofTree(String rootAgent) {
        return resolve(byRoot.getOrDefault(rootAgent, Set.of()));
    }

    /** The live tokens a key signed (a scan: key revocation is rare). */
    public Set<Live> ofKey(String kid) {
        Set<Live> found = new HashSet<>();
        byJti.values().forEach(t -> {
            if (t.kid().equals(kid)) {
                found.add(t);
            }
        });
        return found;
    }

    /** Roots of the trees in which the agent holds a live token. */
    public Set<String> treesOf(String agent) {
        Set<String> roots = new HashSet<>();
        resolve(bySubject.getOrDefault(agent, Set.of())).forEach(t -> roots.add(t.rootAgent()));
        return roots;
    }

    public void remove(Collection<Live> tokens) {
        for (Live t : tokens) {
            if (byJti.remove(t.jti()) != null) {
                unindex(bySubject, t.subject(), t.jti());
                unindex(byTask, t.taskId(), t.jti());
                unindex(byRoot, t.rootAgent(), t.jti());
                if (t.parentJti() != null) {
                    unindex(children, t.parentJti(), t.jti());
                }
            }
        }
    }

    /** The tokens that have expired by {@code now} (still indexed until {@link #remove(Collection)}). */
    public List<Live> expiredAt(long now) {
        return byJti.values().stream().filter(t -> t.expiresAt() <= now).toList();
    }

    /** Unexpired agent tokens in the index (operators' and apps' left out): what the console's overview counts live. */
    public long agentTokens(long now) {
        return byJti.values().stream().filter(t -> t.expiresAt() > now && !t.subject().equals(TokenClaims.ADMIN)
                && !t.subject().startsWith(TokenClaims.APP_PREFIX)).count();
    }

    public int size() {
        return byJti.size();
    }

    public boolean contains(String jti) {
        return byJti.containsKey(jti);
    }

    private void put(Live t) {
        byJti.put(t.jti(), t);
        index(bySubject, t.subject(), t.jti());
        index(byTask, t.taskId(), t.jti());
        index(byRoot, t.rootAgent(), t.jti());
        if (t.parentJti() != null) {
            index(children, t.parentJti(), t.jti());
        }
    }

    private Set<Live> withDescendants(Set<String> start) {
        Set<Live> found = new HashSet<>();
        ArrayDeque<String> queue = new ArrayDeque<>(start);
        Set<String> seen = new HashSet<>(start);
        while (!queue.isEmpty()) {
            String jti = queue.poll();
            Live t = byJti.get(jti);
            if (t != null) {
                found.add(t);
            }
            // A dead (renewed, released) token's children may still be alive: walk through it.
            for (String child : children.getOrDefault(jti, Set.of())) {
                if (seen.add(child)) {
                    queue.add(child);
                }
            }
        }
        return found;
    }

    private Set<Live> resolve(Set<String> jtis) {
        Set<Live> found = new HashSet<>();
        for (String jti : jtis) {
            Live t = byJti.get(jti);
            if (t != null) {
                found.add(t);
            }
        }
        return found;
    }

    /**
     * Most keys (a subject, a task, a tree, a parent) index one or two tokens: such a set is an immutable
     * {@code Set.of}, replaced on each change (about 40 bytes instead of a concurrent set's 200, which at
     * 100,000 live tokens is the difference between 20 and 80 MB). A key that reaches {@link #SMALL}
     * tokens gets a concurrent set changed in place, so a tree of 10,000 tokens is not copied per token.
     * Readers always see a whole set: the old one or the new one.
     */
    private static void index(Map<String, Set<String>> index, String key, String jti) {
        if (key == null || key.isEmpty()) {
            return;
        }
        index.compute(key, (k, set) -> {
            if (set == null) {
                return Set.of(jti);
            }
            if (set instanceof ConcurrentHashMap.KeySetView<String, ?> large) {
                large.add(jti);
                return large;
            }
            if (set.contains(jti)) {
                return set;
            }
            if (set.size() + 1 < SMALL) {
                String[] grown = set.toArray(new String[set.size() + 1]);
                grown[set.size()] = jti;
                return Set.of(grown);
            }
            Set<String> large = ConcurrentHashMap.newKeySet();
            large.addAll(set);
            large.add(jti);
            return large;
        });
    }

    private static void unindex(Map<String, Set<String>> index, String key, String jti) {
        if (key == null || key.isEmpty()) {
            return;
        }
        index.computeIfPresent(key, (k, set) -> {
            if (set instanceof ConcurrentHashMap.KeySetView<String, ?> large) {
                large.remove(jti);
                return large.isEmpty() ? null : large;
            }
            if (!set.contains(jti)) {
                return set;
            }
            return set.size() == 1 ? null : Set.of(set.stream().filter(j -> !j.equals(jti)).toArray(String[]::new));
        });
    }
}
