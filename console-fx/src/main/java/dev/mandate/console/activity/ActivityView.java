package dev.mandate.console.activity;

import javafx.scene.control.ListView;
import javafx.scene.layout.BorderPane;

/** The event feed tab: a list bound to {@link ActivityViewModel}. */
public final class ActivityView extends BorderPane {

    public ActivityView(ActivityViewModel vm) {
        ListView<String> list = new ListView<>(vm.lines());
        list.setId("activity-list");
        list.setFixedCellSize(22);
        setCenter(list);
    }
}
