package dev.mandate.console.client;

import jakarta.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Follows {@code /v1/admin/events}: reconnects after any failure (a broker restart included) and
 * resumes with {@code Last-Event-ID}, so every event reaches the listener once, in order. The broker ends
 * the stream when the admin token that opened it expires or is revoked; a refused token is forgotten, so
 * the next attempt logs in again with the admin secret.
 */
public final class EventFeed implements AutoCloseable {

    /**
     * Connection state, for the status bar: {@code CONNECTED} while the broker replays what the feed missed,
     * {@code LIVE} once it has caught up (the broker's {@code : live} comment, or a heartbeat).
     */
    public enum State { CONNECTING, CONNECTED, LIVE, RECONNECTING, CLOSED }

    private final BrokerClient client;
    private final Consumer<Model.LiveEvent> listener;
    private final Consumer<State> states;
    private final Duration retry;
    private final Duration silence;
    private volatile long lastSeq;
    private volatile boolean closed;
    /** The stream being read; null between connections. */
    private final java.util.concurrent.atomic.AtomicReference<InputStream> current = new java.util.concurrent.atomic.AtomicReference<>();
    /** When the current stream last said something (an event or a comment), by {@link System#nanoTime}. */
    private volatile long heardAt;
    private final Thread thread;
    /** Looks every so often whether the current stream has fallen silent; see {@link #dropIfSilent}. */
    private final java.util.concurrent.ScheduledExecutorService watchdog =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("mandate-events-watchdog").factory());

    /** How long a stream may be silent before it is taken for lost: three of the heartbeats the broker sends at least every 15 s. */
    public static final Duration SILENCE = Duration.ofSeconds(45);

    public EventFeed(BrokerClient client, long lastSeq, Consumer<Model.LiveEvent> listener, Consumer<State> states,
                     Duration retry) {
        this(client, lastSeq, listener, states, retry, SILENCE);
    }

    /** {@code silence}: how long a stream may say nothing (no event, no heartbeat) before it is dropped and resumed. */
    public EventFeed(BrokerClient client, long lastSeq, Consumer<Model.LiveEvent> listener, Consumer<State> states,
                     Duration retry, Duration silence) {
        this.client = client;
        this.lastSeq = lastSeq;
        this.listener = listener;
        this.states = states;
        this.retry = retry;
        this.silence = silence;
        this.thread = Thread.ofVirtual().name("mandate-events").start(this::run);
        long look = Math.clamp(silence.toMillis() / 4, 10, 1000);
        watchdog.scheduleWithFixedDelay(this::dropIfSilent, look, look, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    public long lastSeq() {
        return lastSeq;
    }

    private void run() {
        states.accept(State.CONNECTING);
        while (!closed) {
            try {
                String token = client.token();
                var request = HttpRequest.newBuilder(client.base().resolve("/v1/admin/events"))
                        .header("Authorization", "Bearer " + token)
                        .header("Last-Event-ID", Long.toString(lastSeq))
                        // Until the answer's headers only: a connection dead without a word fails here, not never.
                        .timeout(Duration.ofSeconds(30)).build();
                HttpResponse<InputStream> r = client.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
                if (r.statusCode() != 200) {
                    r.body().close();
                    if (r.statusCode() == 401) {
                        client.forget(token);   // revoked or expired: log in again and resume from lastSeq
                    }
                    throw new IOException("HTTP " + r.statusCode());
                }
                heardAt = System.nanoTime();
                current.set(r.body());
                states.accept(State.CONNECTED);
                try {
                    read(r.body());
                } finally {
                    current.set(null);
                }
            } catch (IOException | RuntimeException e) {
                // Lost: retry below and resume from lastSeq.
            } catch (InterruptedException e) {
                return;
            }
            if (!closed) {
                states.accept(State.RECONNECTING);
                try {
                    Thread.sleep(retry);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
        states.accept(State.CLOSED);
    }

    private void read(InputStream body) throws IOException {
        boolean[] live = {false};
        try (var reader = new InputStreamReader(body, StandardCharsets.UTF_8)) {
            new ServerSentEvents().read(reader, message -> {
                heardAt = System.nanoTime();
                JsonObject d = BrokerClient.parse(message.data());
                Model.LiveEvent e = new Model.LiveEvent(d.getJsonNumber("seq").longValue(), message.event(),
                        Instant.parse(d.getString("at")), d.getString("agent_id", null), d.getString("jti", null),
                        d.getString("task_id", null), d.getString("orch_id", null), d.getString("level", null),
                        d.getString("target", null), d.containsKey("count") ? d.getInt("count") : null,
                        d.getString("kid", null));
                if (e.seq() > lastSeq) {
                    lastSeq = e.seq();
                    listener.accept(e);
                }
            }, comment -> {
                heardAt = System.nanoTime();
                // The replay is over (a heartbeat, too, comes only when nothing waits to be sent).
                if (!live[0] && (comment.equals("live") || comment.equals("heartbeat"))) {
                    live[0] = true;
                    states.accept(State.LIVE);
                }
            }, () -> closed);
        }
    }

    /**
     * Drops a stream that has said nothing for longer than {@code silence}: a connection that died without a
     * word (a network lost, a half-open TCP connection) would otherwise show "live" for ever. Its reader then
     * fails, connects again and resumes from the last event.
     */
    private void dropIfSilent() {
        InputStream in = current.get();
        // The stream it looked at, not one a reconnection has put in its place meanwhile.
        if (in != null && System.nanoTime() - heardAt > silence.toNanos() && current.compareAndSet(in, null)) {
            try {
                in.close();
            } catch (IOException e) {
                // dropped anyway
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        InputStream in = current.get();
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        thread.interrupt();
        watchdog.shutdownNow();
    }
}
