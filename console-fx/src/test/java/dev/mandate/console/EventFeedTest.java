package dev.mandate.console;

import dev.mandate.console.client.EventFeed;
import dev.mandate.console.client.Model;
import dev.mandate.server.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's event feed against a real broker: a stream that falls silent is taken for lost. */
class EventFeedTest {

    @TempDir
    Path dir;

    @Test
    void aStreamSilentLongerThanItsHeartbeatsAllowIsDroppedAndResumedWithoutLoss() throws Exception {
        // A broker whose heartbeat comes once an hour: to the feed, an idle stream is as silent as one whose
        // connection died without a word (a half-open TCP connection after a network loss).
        Path config = dir.resolve("quiet.yaml");
        Files.writeString(config, "secrets:\n  bcrypt-cost: 4\nevents:\n  heartbeat: PT1H\n");
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"), Map.of("MANDATE_CONFIG", config.toString()))) {
            String admin = broker.adminToken();
            var client = Fixture.client(broker);
            List<EventFeed.State> states = new CopyOnWriteArrayList<>();
            List<Model.LiveEvent> events = new CopyOnWriteArrayList<>();
            try (EventFeed feed = new EventFeed(client, 0, events::add, states::add, Duration.ofMillis(200), Duration.ofSeconds(1))) {
                WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> states.contains(EventFeed.State.LIVE));
                // A second of silence: dropped, connected again, live again.
                WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> states.lastIndexOf(EventFeed.State.LIVE)
                        > states.indexOf(EventFeed.State.RECONNECTING) && states.contains(EventFeed.State.RECONNECTING));
                var agent = broker.registerAgent(admin, "quiet", "after-silence", "[\"read:data:*\"]");
                WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> events.stream()
                        .anyMatch(e -> e.type().equals("agent_registered") && agent.agentId().equals(e.agentId())));
                List<Long> seqs = events.stream().map(Model.LiveEvent::seq).toList();
                assertEquals(seqs.stream().distinct().sorted().toList(), seqs, "each event once, in order, across the reconnections");
                assertTrue(feed.lastSeq() >= seqs.getLast());
            }
        }
    }
}
