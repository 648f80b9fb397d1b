package dev.mandate.console;

import dev.mandate.console.client.EventFeed;
import dev.mandate.console.client.Model;
import dev.mandate.server.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's event feed against a real broker: a stream that falls silent is taken for lost. */
class EventFeedTest {

    @TempDir
    Path dir;

    @Test
    void aStreamSilentLongerThanItsHeartbeatsAllowIsDroppedAndResumedWithoutLoss() throws Exception {
        // The broker's heartbeat comes every 15 s; a feed that allows one second of silence takes an idle stream
        // for one whose connection died without a word (a half-open TCP connection after a network loss).
        try (TestBroker broker = Fixture.broker(dir)) {
            String admin = broker.adminToken();
            var client = Fixture.client(broker);
            List<EventFeed.State> states = new CopyOnWriteArrayList<>();
            List<Model.LiveEvent> events = new CopyOnWriteArrayList<>();
            try (EventFeed feed = new EventFeed(client, 0, events::add, states::add, Duration.ofSeconds(2), Duration.ofSeconds(1))) {
                WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> states.contains(EventFeed.State.LIVE));
                int live = states.indexOf(EventFeed.State.LIVE);
                // A second of silence: dropped. Registered while it waits to connect again (2 s), replayed when it does.
                WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> states.subList(live, states.size()).contains(EventFeed.State.RECONNECTING));
                var agent = broker.registerAgent(admin, "quiet", "while-away", "[\"read:data:*\"]");
                assertTrue(events.stream().noneMatch(e -> agent.agentId().equals(e.agentId())), "registered while the feed was away");
                WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> events.stream()
                        .anyMatch(e -> e.type().equals("agent_registered") && agent.agentId().equals(e.agentId())));
                int dropped = live + states.subList(live, states.size()).indexOf(EventFeed.State.RECONNECTING);
                WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> states.subList(dropped, states.size()).contains(EventFeed.State.LIVE));
                assertTrue(feed.lastSeq() >= events.getLast().seq());
            }
        }
    }
}
