package dev.mandate.console.activity;

import dev.mandate.console.client.Model;
import dev.mandate.console.fx.Tasks;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The activity feed's state: the last {@value #KEEP} events as lines, newest first. Events may arrive on
 * any thread; they are applied in batches, one list change per FX turn rather than one per event, so a
 * burst of thousands does not flood the FX thread.
 */
public final class ActivityViewModel {

    static final int KEEP = 1000;

    private final Tasks tasks;
    private final ObservableList<String> lines = FXCollections.observableArrayList();
    private final ObservableList<String> readOnlyLines = FXCollections.unmodifiableObservableList(lines);
    private final ConcurrentLinkedQueue<String> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean flushing = new AtomicBoolean();

    public ActivityViewModel(Tasks tasks) {
        this.tasks = tasks;
    }

    public ObservableList<String> lines() {
        return readOnlyLines;
    }

    /** From any thread. */
    public void offer(Model.LiveEvent e) {
        pending.add(line(e));
        if (flushing.compareAndSet(false, true)) {
            tasks.fx(this::flush);
        }
    }

    private void flush() {
        flushing.set(false);
        List<String> batch = new ArrayList<>();
        for (String line = pending.poll(); line != null; line = pending.poll()) {
            batch.addFirst(line);
        }
        lines.addAll(0, batch);
        if (lines.size() > KEEP) {
            lines.remove(KEEP, lines.size());
        }
    }

    static String line(Model.LiveEvent e) {
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
