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
        setCenter(list);
    }

    public void add(Model.LiveEvent e) {
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
        lines.addFirst(s.toString());
        if (lines.size() > KEEP) {
            lines.remove(KEEP, lines.size());
        }
    }

    private static void append(StringBuilder s, String name, String value) {
        if (value != null) {
            s.append("  ").append(name).append('=').append(value);
        }
    }
}
