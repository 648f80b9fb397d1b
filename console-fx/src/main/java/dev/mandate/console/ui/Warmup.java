package dev.mandate.console.ui;

import java.util.List;

/**
 * Loads the classes of the tabs the {@link Rehearsal} does not build (it builds the agents table and the trees)
 * while the connect window waits for the operator, on a background thread: a tab's first show then finds its
 * class files read and defined instead of reading them on the FX thread. They are not initialised here.
 */
final class Warmup {

    private static final List<String> CLASSES = List.of(
            "javafx.scene.control.skin.ListViewSkin", "javafx.scene.control.skin.ListCellSkin",
            "javafx.scene.control.skin.ComboBoxListViewSkin", "javafx.scene.control.skin.CheckBoxSkin",
            "javafx.scene.chart.LineChart", "javafx.scene.chart.NumberAxis",
            "dev.mandate.console.agents.AgentDetailView", "dev.mandate.console.overview.OverviewView",
            "dev.mandate.console.audit.AuditView", "dev.mandate.console.keys.KeysView",
            "dev.mandate.console.apps.AppsView", "dev.mandate.console.activity.ActivityView",
            "dev.mandate.console.client.EventFeed");

    private Warmup() {
    }

    /** Starts loading them; a class that cannot be loaded is simply loaded later, where it is used. */
    static void start() {
        Thread.ofVirtual().name("console-warmup").start(() -> {
            ClassLoader loader = Warmup.class.getClassLoader();
            for (String name : CLASSES) {
                try {
                    Class.forName(name, false, loader);   // loaded, not initialised: no initialiser runs beside the FX thread's
                } catch (ClassNotFoundException | LinkageError e) {
                    // Nothing lost: the class loads when the view first needs it.
                }
            }
        });
    }
}
