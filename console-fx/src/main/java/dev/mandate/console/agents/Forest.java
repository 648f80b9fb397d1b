package dev.mandate.console.agents;

import dev.mandate.console.client.Model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The tokens of the agents on the page shown, as delegation trees as far as they reach within it: each
 * row's current token, and which rows a revocation marks at once (SPEC §4) until the broker's answer
 * replaces them. What a revocation kills is counted by the broker, never here.
 */
public final class Forest {

    /** A token with its holder. */
    public record Node(Model.TokenView token, String holder) {
        public String jti() {
            return token.jti();
        }

        public boolean alive() {
            return token.state().equals("active");
        }
    }

    /** An agent's latest own token; within one second (issued_at's precision), a renewal over the token it superseded. */
    private static final Comparator<Model.TokenView> LATEST = Comparator.comparing(Model.TokenView::issuedAt)
            .thenComparing(t -> !t.state().equals("superseded"));

    private final Map<String, Model.AgentView> agents = new HashMap<>();
    private final Map<String, Node> byJti = new HashMap<>();
    private final Map<String, List<Node>> children = new HashMap<>();

    public Forest(List<Model.AgentView> views) {
        for (Model.AgentView a : views) {
            agents.put(a.agentId(), a);
            for (Model.TokenView t : a.tokens()) {
                Node n = new Node(t, a.agentId());
                byJti.put(t.jti(), n);
            }
        }
        for (Node n : byJti.values()) {
            if (n.token().parentJti() != null) {
                children.computeIfAbsent(n.token().parentJti(), k -> new ArrayList<>()).add(n);
            }
        }
        children.values().forEach(list -> list.sort(Comparator.comparing(n -> n.token().issuedAt())));
    }

    private List<Node> childrenOf(String jti) {
        return children.getOrDefault(jti, List.of());
    }

    /** The agent whose registration token started this token's tree. */
    private String rootOf(String jti) {
        Node n = byJti.get(jti);
        while (n != null && n.token().parentJti() != null && byJti.containsKey(n.token().parentJti())) {
            n = byJti.get(n.token().parentJti());
        }
        return n == null ? null : n.holder();
    }

    /** A token's task: that of its tree's root agent (delegated tokens inherit it). */
    private String taskOf(String jti) {
        Model.AgentView root = agents.get(rootOf(jti));
        return root == null ? "" : root.taskId();
    }

    /** The tokens an agent holds, newest last. */
    public List<Node> heldBy(String agentId) {
        Model.AgentView a = agents.get(agentId);
        return a == null ? List.of() : a.tokens().stream().map(t -> byJti.get(t.jti())).toList();
    }

    /** The token the agents table shows: the newest live one, else the newest. */
    public Optional<Node> current(String agentId) {
        List<Node> held = heldBy(agentId);
        Comparator<Node> latest = Comparator.comparing(Node::token, LATEST);
        return held.stream().filter(Node::alive).max(latest).or(() -> held.stream().max(latest));
    }

    /** The live tokens a revocation at {@code level} of {@code target} kills. */
    public Set<String> dying(String level, String target) {
        Set<String> all = switch (level) {
            case "token" -> closure(Set.of(target));
            case "agent" -> closure(jtis(heldBy(target)));
            case "task" -> filter(n -> taskOf(n.jti()).equals(target));
            case "chain" -> {
                Set<String> roots = new HashSet<>();
                if (byJti.containsKey(target)) {
                    roots.add(rootOf(target));
                } else {
                    roots.add(target);
                    heldBy(target).forEach(n -> roots.add(rootOf(n.jti())));
                }
                yield filter(n -> roots.contains(rootOf(n.jti())));
            }
            default -> throw new IllegalArgumentException("unknown level " + level);
        };
        Set<String> alive = new LinkedHashSet<>();
        for (String jti : all) {
            Node n = byJti.get(jti);
            if (n != null && n.alive()) {
                alive.add(jti);
            }
        }
        return alive;
    }

    private Set<String> closure(Set<String> start) {
        Set<String> found = new LinkedHashSet<>(start);
        ArrayDeque<String> queue = new ArrayDeque<>(start);
        while (!queue.isEmpty()) {
            for (Node c : childrenOf(queue.poll())) {
                if (found.add(c.jti())) {
                    queue.add(c.jti());
                }
            }
        }
        return found;
    }

    private Set<String> filter(java.util.function.Predicate<Node> p) {
        Set<String> found = new LinkedHashSet<>();
        byJti.values().stream().filter(p).forEach(n -> found.add(n.jti()));
        return found;
    }

    private static Set<String> jtis(List<Node> nodes) {
        Set<String> jtis = new LinkedHashSet<>();
        nodes.forEach(n -> jtis.add(n.jti()));
        return jtis;
    }
}
