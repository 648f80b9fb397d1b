package dev.mandate.console.ui;

import dev.mandate.console.client.BrokerApi;
import dev.mandate.console.client.BrokerException;
import dev.mandate.console.client.Model;
import dev.mandate.console.fx.Handover;
import dev.mandate.console.fx.Tasks;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A main view built, styled and laid out once, off the FX thread and never shown, while the operator types
 * the secret. It is thrown away; what it leaves is what makes the real one quick to build and quick to follow
 * a stream of registrations: the classes loaded and initialised, the stylesheets parsed, and JavaFX's and the
 * console's code for building, styling and laying out a page of agents, a new page in its place, and their
 * trees compiled (JavaFX keeps its style caches per scene root, so those are the real view's own). Its broker
 * is pages of made-up agents in memory: nothing is sent anywhere.
 */
final class Rehearsal {

    private static CompletableFuture<Void> done = CompletableFuture.completedFuture(null);

    /**
     * How many new pages it shows, as registrations streaming in would bring them: showing a new page took
     * 40–60 ms of the FX thread at first and under 12 ms after 20–30 pages, once compiled.
     */
    private static final int PAGES = 30;

    /** Set when the real view is about to be built: the pages not yet shown are left out, the real view comes first. */
    private static volatile boolean hurry;

    private Rehearsal() {
    }

    /**
     * Starts one in the background, in a scene like {@code scene} (its size and stylesheets). FX thread.
     * Completes when it is done, or with what went wrong.
     */
    static synchronized CompletableFuture<Void> start(javafx.scene.Scene scene, Appearance appearance) {
        double width = scene.getWidth();
        double height = scene.getHeight();
        List<String> stylesheets = List.copyOf(scene.getStylesheets());
        CompletableFuture<Void> outcome = new CompletableFuture<>();
        done = outcome;
        hurry = false;
        Thread.ofPlatform().name("console-rehearsal").daemon(true).start(() -> {
            try {
                Handover tasks = new Handover(Tasks.javafx());
                MainView view = new MainView(broker(), tasks, Clock.systemUTC(), appearance, MainView.AGENTS);
                view.prepare(tasks, width, height, stylesheets);
                if (!view.answered() || !view.rehearsePages(tasks, PAGES, () -> hurry) || !view.rehearseTrees(tasks)) {
                    throw new IllegalStateException("the rehearsal's own made-up pages and trees did not reach its view");
                }
                outcome.complete(null);
            } catch (RuntimeException | Error e) {
                // Nothing lost but time: the real view is built all the same, only more slowly.
                System.getLogger(Rehearsal.class.getName()).log(System.Logger.Level.WARNING, "the console's rehearsal failed", e);
                outcome.completeExceptionally(e);
            } catch (InterruptedException e) {
                outcome.completeExceptionally(e);
                Thread.currentThread().interrupt();
            }
        });
        return outcome;
    }

    /**
     * Waits (a few seconds at most) for a rehearsal under way, cut short: the real view is built after it, not
     * beside it.
     */
    static void awaitDone() throws InterruptedException {
        CompletableFuture<Void> rehearsed;
        synchronized (Rehearsal.class) {
            rehearsed = done;
        }
        hurry = true;
        try {
            rehearsed.get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            // It failed, so there is nothing to wait for (it said why).
        } catch (TimeoutException e) {
            // Still going: the real view is built beside it, then.
        }
    }

    /** A made-up delegation tree three deep under {@code holder}. */
    private static Model.ChainNode tree(String holder, Instant now, int depth) {
        List<Model.ChainNode> children = depth == 2 ? List.of()
                : List.of(tree(holder + "/d" + depth + "a", now, depth + 1), tree(holder + "/d" + depth + "b", now, depth + 1));
        return new Model.ChainNode(holder, "%032x".formatted(holder.hashCode() + depth), List.of("read:data:*"), now,
                now.plusSeconds(600), "active", children);
    }

    /** The newest 100 of {@code registered} made-up agents, newest first. */
    private static Model.AgentPage page(int registered, Instant now) {
        List<Model.AgentView> agents = new ArrayList<>();
        for (int i = registered - 1; i >= Math.max(0, registered - 100); i--) {
            String task = "rehearsal-" + i;
            Model.TokenView token = new Model.TokenView("%032x".formatted(i), List.of("read:data:*"), now,
                    now.plusSeconds(60L * (i % 30 + 1)), now.plusSeconds(60L * (i % 30 + 1)), "active", null, 0);
            agents.add(new Model.AgentView("spiffe://mandate.local/agent/rehearsal/" + task + "/%016x".formatted(i),
                    "app", "orch-" + i % 7, task, "active", List.of(token)));
        }
        return new Model.AgentPage(List.copyOf(agents), registered, 0, 100);
    }

    /**
     * A broker that answers pages of made-up agents (each page asked for has one agent more, as if registered
     * meanwhile) and their trees, its health and a quiet overview, and nothing else.
     */
    private static BrokerApi broker() {
        Instant now = Instant.now();
        java.util.concurrent.atomic.AtomicInteger registered = new java.util.concurrent.atomic.AtomicInteger(100);
        Model.Overview overview = new Model.Overview(100, Map.of("live", 100L), Map.of(), Map.of(), 0, List.of(), List.of());
        return (BrokerApi) Proxy.newProxyInstance(BrokerApi.class.getClassLoader(), new Class<?>[] {BrokerApi.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "agents" -> page(registered.getAndIncrement(), now);
                    case "overview" -> overview;
                    case "health" -> new Model.Health("ok", "ok", true, List.of());
                    case "chains" -> ((List<?>) args[0]).stream().map(root -> tree((String) root, now, 0)).toList();
                    case "base" -> URI.create("http://rehearsal.invalid");
                    case "toString" -> "a rehearsal's broker";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new BrokerException(503, "a rehearsal asks a broker nothing");
                });
    }
}
