package dev.mandate.console.ui;

import java.util.List;

/**
 * Loads the classes the main view needs while the connect window waits for the operator, on a background
 * thread: the first show of the main view then finds their class files read and defined instead of reading
 * them on the FX thread. They are not initialised here, so no static initialiser can deadlock with the FX thread's.
 */
final class Warmup {

    private static final List<String> CLASSES = List.of(
            "javafx.scene.control.TableView", "javafx.scene.control.skin.TableViewSkin",
            "javafx.scene.control.skin.TableRowSkin", "javafx.scene.control.skin.TableCellSkin",
            "javafx.scene.control.skin.TableHeaderRow", "javafx.scene.control.skin.NestedTableColumnHeader",
            "javafx.scene.control.skin.TableColumnHeader", "javafx.scene.control.skin.VirtualFlow",
            "javafx.scene.control.skin.ScrollBarSkin", "javafx.scene.control.skin.TabPaneSkin",
            "javafx.scene.control.skin.SplitPaneSkin", "javafx.scene.control.skin.ListViewSkin",
            "javafx.scene.control.skin.ListCellSkin", "javafx.scene.control.skin.TreeViewSkin",
            "javafx.scene.control.skin.TreeCellSkin", "javafx.scene.control.skin.LabelSkin",
            "javafx.scene.control.skin.ButtonSkin", "javafx.scene.control.skin.TextFieldSkin",
            "javafx.scene.control.skin.ComboBoxListViewSkin", "javafx.scene.control.skin.CheckBoxSkin",
            "javafx.scene.chart.LineChart", "javafx.scene.chart.NumberAxis",
            "dev.mandate.console.ui.MainView", "dev.mandate.console.agents.AgentsView",
            "dev.mandate.console.agents.AgentsViewModel", "dev.mandate.console.agents.AgentDetailView",
            "dev.mandate.console.agents.TtlBar", "dev.mandate.console.agents.Forest",
            "dev.mandate.console.chains.ChainsView", "dev.mandate.console.overview.OverviewView",
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
