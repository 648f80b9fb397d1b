package dev.mandate.server.revocation;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The live-token index against a plain model: after any run of issues and removals, every question
 * revocation asks (by task, tree, holder, token with descendants, key) gets the same answer. The runs cross
 * the size at which a key's set turns from a copied small set into a shared large one, both ways.
 */
class LiveTokensTest {

    @Property(tries = 200)
    void answersAsThePlainModelDoes(@ForAll long seed, @ForAll @IntRange(min = 1, max = 400) int steps) {
        Random random = new Random(seed);
        LiveTokens index = new LiveTokens();
        Map<String, LiveTokens.Live> alive = new HashMap<>();
        List<String> everIssued = new ArrayList<>();
        for (int step = 0; step < steps; step++) {
            if (!alive.isEmpty() && random.nextInt(3) == 0) {
                String jti = new ArrayList<>(alive.keySet()).get(random.nextInt(alive.size()));
                index.remove(jti);
                alive.remove(jti);
            } else {
                LiveTokens.Live t = issue(random, "j" + step, everIssued.isEmpty() || random.nextBoolean() ? null
                        : alive.get(everIssued.get(random.nextInt(everIssued.size()))));
                index.add(t, t.expiresAt());
                alive.put(t.jti(), t);
                everIssued.add(t.jti());
            }
            if (step % 25 == 0 || step == steps - 1) {
                check(index, alive, everIssued);
            }
        }
    }

    @Test
    void aTreeGrowsPastTheSmallSetAndShrinksBackToNothing() {
        LiveTokens index = new LiveTokens();
        Map<String, LiveTokens.Live> alive = new HashMap<>();
        List<String> issued = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            LiveTokens.Live t = new LiveTokens.Live("t" + i, "agent" + i, "task", "root", null, new String[0], 100, "k1");
            index.add(t, t.expiresAt());
            alive.put(t.jti(), t);
            issued.add(t.jti());
            check(index, alive, issued);
        }
        for (String jti : issued) {
            index.remove(jti);
            alive.remove(jti);
            check(index, alive, issued);
        }
        assertEquals(0, index.size());
        assertEquals(Set.of(), index.ofTree("root"));
    }

    private static LiveTokens.Live issue(Random random, String jti, LiveTokens.Live parent) {
        String subject = "agent" + random.nextInt(12);
        if (parent == null) {
            return new LiveTokens.Live(jti, subject, "task" + random.nextInt(3), subject, null, new String[0],
                    1000 + random.nextInt(100), "k" + random.nextInt(2));
        }
        String[] ancestors = new String[parent.ancestors().length + 2];
        System.arraycopy(parent.ancestors(), 0, ancestors, 0, parent.ancestors().length);
        ancestors[ancestors.length - 2] = parent.subject();
        ancestors[ancestors.length - 1] = parent.jti();
        return new LiveTokens.Live(jti, subject, parent.taskId(), parent.rootAgent(), parent.jti(), ancestors,
                parent.expiresAt(), parent.kid());
    }

    private static void check(LiveTokens index, Map<String, LiveTokens.Live> alive, List<String> issued) {
        assertEquals(alive.size(), index.size());
        Set<String> tasks = alive.values().stream().map(LiveTokens.Live::taskId).collect(Collectors.toSet());
        tasks.add("task-never-seen");
        for (String task : tasks) {
            assertEquals(jtis(alive, t -> t.taskId().equals(task)), jtis(index.ofTask(task)), "task " + task);
        }
        for (int a = 0; a < 12; a++) {
            String agent = "agent" + a;
            assertEquals(jtis(alive, t -> t.rootAgent().equals(agent)), jtis(index.ofTree(agent)), "tree " + agent);
            assertEquals(alive.values().stream().filter(t -> t.subject().equals(agent)).map(LiveTokens.Live::rootAgent)
                    .collect(Collectors.toSet()), index.treesOf(agent), "trees of " + agent);
        }
        for (String kid : List.of("k0", "k1")) {
            assertEquals(jtis(alive, t -> t.kid().equals(kid)), jtis(index.ofKey(kid)), "key " + kid);
        }
        for (String jti : issued) {
            assertEquals(withDescendants(alive, jti), jtis(index.fromToken(jti)), "from token " + jti);
        }
    }

    /** The token if alive and every live token below it, walking through dead ones (renewed, released). */
    private static Set<String> withDescendants(Map<String, LiveTokens.Live> alive, String start) {
        Map<String, Set<String>> children = new HashMap<>();
        alive.values().stream().filter(t -> t.parentJti() != null)
                .forEach(t -> children.computeIfAbsent(t.parentJti(), p -> new HashSet<>()).add(t.jti()));
        Set<String> found = new HashSet<>();
        ArrayDeque<String> queue = new ArrayDeque<>(List.of(start));
        while (!queue.isEmpty()) {
            String jti = queue.poll();
            if (alive.containsKey(jti)) {
                found.add(jti);
            }
            queue.addAll(children.getOrDefault(jti, Set.of()));
        }
        return found;
    }

    private static Set<String> jtis(Map<String, LiveTokens.Live> alive, java.util.function.Predicate<LiveTokens.Live> p) {
        return alive.values().stream().filter(p).map(LiveTokens.Live::jti).collect(Collectors.toSet());
    }

    private static Set<String> jtis(Set<LiveTokens.Live> tokens) {
        return tokens.stream().map(LiveTokens.Live::jti).collect(Collectors.toSet());
    }
}
