package dev.mandate.console;

import dev.mandate.console.client.BrokerException;
import dev.mandate.console.client.EventFeed;
import dev.mandate.console.client.Model;
import dev.mandate.console.fx.Tasks;
import dev.mandate.console.status.StatusViewModel;
import dev.mandate.server.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.testfx.util.WaitForAsyncUtils;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The status bar's view-model: a real broker's health, and the two ways a broker can be unwell. */
class StatusViewModelTest {

    @TempDir
    Path dir;

    @Test
    void aHealthyBrokerShowsOkAndItsHsmUp() {
        try (TestBroker broker = Fixture.broker(dir)) {
            StatusViewModel vm = new StatusViewModel(Fixture.client(broker), Tasks.inline());
            vm.refresh();
            assertEquals("broker: ok", vm.health().get());
            assertEquals("HSM: up", vm.hsm().get());
            assertEquals("database: connected", vm.database().get());
            assertEquals("", vm.nodes().get(), "a broker alone on its database lists no nodes");
        }
    }

    @Test
    void aBrokerOnASharedPostgresqlDatabaseListsItselfAsANode(@TempDir Path server) throws Exception {
        try (var postgres = dev.mandate.server.storage.TestPostgres.start(server);
             TestBroker broker = TestBroker.start(dir.resolve("node"), java.util.Map.of("MANDATE_DATABASE_URL", postgres.url(),
                     "MANDATE_DATABASE_USER", postgres.user(), "MANDATE_NODE_NAME", "console-node"))) {
            StatusViewModel vm = new StatusViewModel(Fixture.client(broker), Tasks.inline());
            vm.refresh();
            assertEquals("broker: ok", vm.health().get());
            assertTrue(vm.nodes().get().matches("nodes: console-node \\(this\\) \\d+ ms"), vm.nodes().get());
        }
    }

    @Test
    void aBrokerThatLostItsDatabaseIsDegradedForThatReasonWithItsHsmStillUp(@TempDir Path server) throws Exception {
        try (var postgres = dev.mandate.server.storage.TestPostgres.start(server);
             TestBroker broker = TestBroker.start(dir.resolve("node"), java.util.Map.of("MANDATE_DATABASE_URL", postgres.url(),
                     "MANDATE_DATABASE_USER", postgres.user(), "MANDATE_NODE_NAME", "console-node"))) {
            StatusViewModel vm = new StatusViewModel(Fixture.client(broker), Tasks.inline());
            postgres.crash();
            try {
                vm.refresh();
                assertEquals("broker: degraded (database unreachable)", vm.health().get());
                assertEquals("database: unreachable", vm.database().get());
                assertEquals("HSM: up", vm.hsm().get(), "the HSM is not blamed for the database");
            } finally {
                postgres.resume();
            }
            // The database is back: so is the broker, once its node has caught up with what it missed (until then
            // it says "behind the cluster", which is true). Asked again until then, for 20 s at most.
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            do {
                vm.refresh();
            } while (!vm.health().get().equals("broker: ok") && System.nanoTime() < deadline);
            assertEquals("broker: ok", vm.health().get(), "the database is back: so is the broker");
            assertEquals(200, broker.get("/v1/admin/agents", broker.adminToken()).status(), "and its reads");
        }
    }

    @Test
    void theEventStreamIsLiveOnceTheReplayIsOverAndItsLagIsThatOfWhatArrivesThen() throws Exception {
        try (TestBroker broker = Fixture.broker(dir)) {
            String admin = broker.adminToken();
            broker.registerAgent(admin, "lag", "history", "[\"read:data:*\"]");   // replayed, hours old or not: not lag
            var client = Fixture.client(broker);
            StatusViewModel vm = new StatusViewModel(client, Tasks.inline());
            List<EventFeed.State> states = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<Model.LiveEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (EventFeed feed = new EventFeed(client, 0, e -> {
                events.add(e);
                vm.received(e);
            }, s -> {
                states.add(s);
                vm.connection(s);
            }, java.time.Duration.ofSeconds(1))) {
                // Live within seconds, not at the first heartbeat (15 s): the broker says when its replay is over.
                WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> states.contains(EventFeed.State.LIVE));
                assertEquals(List.of(EventFeed.State.CONNECTING, EventFeed.State.CONNECTED, EventFeed.State.LIVE), states);
                assertTrue(events.stream().anyMatch(e -> e.type().equals("agent_registered")), "the history came first");
                vm.refresh();
                assertEquals("events: live", vm.connection().get(), "no lag measured yet: the history is not lag");

                int before = events.size();
                broker.registerAgent(admin, "lag", "live", "[\"read:data:*\"]");
                WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> events.size() > before);
                vm.refresh();
                // The test broker's clock stands still unless a test moves it, so the figure is not this machine's lag
                // (that is the next test's): only that one is shown now.
                assertTrue(vm.connection().get().matches("events: live · lag [0-9.]+ m?s"), vm.connection().get());
            }
        }
    }

    @Test
    void theLagIsHowLongAfterTheBrokerLoggedAnEventItArrivedAndNotOfReplayedOnes() {
        java.time.Instant now = java.time.Instant.parse("2026-12-02T12:00:00Z");
        StatusViewModel vm = new StatusViewModel(new StubBroker() {
            @Override
            public Model.Health health() {
                return new Model.Health("ok", "up", true, List.of());
            }
        }, Tasks.inline(), java.time.Clock.fixed(now, java.time.ZoneOffset.UTC));
        java.util.function.Function<Long, Model.LiveEvent> loggedAgo = millis -> new Model.LiveEvent(1, "token_issued",
                now.minusMillis(millis), "a", "j", "t", "o", null, null, null, null);
        vm.connection(EventFeed.State.CONNECTED);
        vm.received(loggedAgo.apply(3 * 3_600_000L));          // replayed: logged three hours ago
        vm.refresh();
        assertEquals("events: catching up", vm.connection().get());
        vm.connection(EventFeed.State.LIVE);
        vm.refresh();
        assertEquals("events: live", vm.connection().get());
        vm.received(loggedAgo.apply(40L));
        vm.refresh();
        assertEquals("events: live · lag 40 ms", vm.connection().get());
        vm.received(loggedAgo.apply(2_500L));
        vm.refresh();
        assertEquals("events: live · lag 2.5 s", vm.connection().get());
        vm.received(loggedAgo.apply(-300L));                 // the broker's clock ahead of this one's
        vm.refresh();
        assertEquals("events: live · lag 0 ms", vm.connection().get());
        vm.connection(EventFeed.State.RECONNECTING);
        assertEquals("events: reconnecting", vm.connection().get());
        vm.connection(EventFeed.State.LIVE);
        assertEquals("events: live", vm.connection().get(), "measured afresh on the new connection");
    }

    @Test
    void aClusteredBrokerListsEveryNodeWithItsLagAndMarksOneThatLapsed() {
        StatusViewModel vm = new StatusViewModel(new StubBroker() {
            @Override
            public Model.Health health() {
                return new Model.Health("ok", "up", true, java.util.List.of(new Model.Node("a", 12, true, true),
                        new Model.Node("b", 140, true, false), new Model.Node("c", 3_240, false, false)));
            }
        }, Tasks.inline());
        vm.refresh();
        assertEquals("nodes: a (this) 12 ms · b 140 ms · c lapsed 3.2 s", vm.nodes().get());
    }

    @Test
    void aDegradedBrokerSaysWhichPartIsDown() {
        StatusViewModel vm = new StatusViewModel(new StubBroker() {
            @Override
            public Model.Health health() {
                return new Model.Health("degraded", "down", true, java.util.List.of(new Model.Node("a", 1_500, false, true),
                        new Model.Node("b", 20, true, false)));
            }
        }, Tasks.inline());
        vm.refresh();
        assertEquals("broker: degraded (HSM down, behind the cluster)", vm.health().get());
        assertEquals("HSM: down", vm.hsm().get());
        assertEquals("nodes: a (this) lapsed 1.5 s · b 20 ms", vm.nodes().get(), "the nodes are listed while degraded too");
    }

    @Test
    void a503WithoutAHealthBodyIsDegradedForNoKnownReasonAndNoAnswerIsUnreachable() {
        int[] status = {503};
        StatusViewModel vm = new StatusViewModel(new StubBroker() {
            @Override
            public Model.Health health() {
                throw new BrokerException(status[0], "no");
            }
        }, Tasks.inline());
        vm.refresh();
        assertEquals("broker: degraded", vm.health().get());
        assertEquals("HSM: ?", vm.hsm().get(), "a bare 503 says nothing of the HSM");
        assertEquals("database: ?", vm.database().get(), "nor of the database");
        status[0] = 0;
        vm.refresh();
        assertEquals("broker: unreachable", vm.health().get());
        assertEquals("HSM: ?", vm.hsm().get());
        vm.connection(EventFeed.State.RECONNECTING);
        assertEquals("events: reconnecting", vm.connection().get());
    }
}
