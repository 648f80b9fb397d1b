package dev.mandate.console.activity;

import dev.mandate.console.client.Model;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.control.ListView;
import javafx.scene.layout.BorderPane;

/** The event feed: the last 1,000 events, newest first. Feed it on the FX thread. */
public final class ActivityView extends BorderPane {

    private static final int KEEP = 1000;
    private final ObservableList<String> lines = FXCollections.observableArrayList();

    public ActivityView() {
        ListView<String> list = new ListView<>(lines);
        list.setId("activity-list");
        list.setFixedCellSize(22);
        setCenter(list);
    }

    private final java.util.concurrent.ConcurrentLinkedQueue<String> pending = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean flushing = new java.util.concurrent.atomic.AtomicBoolean();

    /** From any thread: events are shown in batches, one list change per FX pulse rather than one per event. */
    public void offer(Model.LiveEvent e) {
        pending.add(line(e));
        if (flushing.compareAndSet(false, true)) {
            javafx.application.Platform.runLater(this::flush);
        }
    }

    private void flush() {
        flushing.set(false);
        java.util.List<String> batch = new java.util.ArrayList<>();
        for (String line = pending.poll(); line != null; line = pending.poll()) {
            batch.addFirst(line);
        }
        lines.addAll(0, batch);
        if (lines.size() > KEEP) {
            lines.remove(KEEP, lines.size());
        }
    }

    /** On the FX thread. */
    public void add(Model.LiveEvent e) {
        lines.addFirst(line(e));
        if (lines.size() > KEEP) {
            lines.remove(KEEP, lines.size());
        }
    }

    private static String line(Model.LiveEvent e) {
        StringBuilder s = new StringBuilder().append('#').append(e.seq()).append("  ").append(e.at()).append("  ")
                .append(e.type());
        append(s, "agent", e.agentId());
        append(s, "jti", e.jti());
        append(s, "task", e.taskId());
        append(s, "level", e.level());
        append(s, "target", e.target());
        if (e.count() != null) {
            s.append("  count=").append(e.count());
        }
        append(s, "kid", e.kid());
        return s.toString();
    }

    private static void append(StringBuilder s, String name, String value) {
        if (value != null) {
            s.append("  ").append(name).append('=').append(value);
        }
    }
}
