package dev.mandate.console.ui;

import dev.mandate.console.fx.Tasks;
import dev.mandate.console.activity.ActivityView;
import dev.mandate.console.activity.ActivityViewModel;
import dev.mandate.console.agents.AgentsView;
import dev.mandate.console.agents.AgentsViewModel;
import dev.mandate.console.apps.AppsView;
import dev.mandate.console.apps.AppsViewModel;
import dev.mandate.console.audit.AuditView;
import dev.mandate.console.audit.AuditViewModel;
import dev.mandate.console.chains.ChainsView;
import dev.mandate.console.chains.TreesViewModel;
import dev.mandate.console.client.BrokerClient;
import dev.mandate.console.client.EventFeed;
import dev.mandate.console.keys.KeysView;
import dev.mandate.console.keys.KeysViewModel;
import dev.mandate.console.overview.OverviewView;
import dev.mandate.console.overview.OverviewViewModel;
import dev.mandate.console.status.StatusViewModel;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.util.Duration;

import java.time.Clock;
import java.util.List;

/** Tabs and status bar of a connected console. */
public final class MainView extends BorderPane implements AutoCloseable {

    private final AgentsViewModel agents;
    private final EventFeed feed;
    private final Timeline ticker;
    private final Timeline healthPoll;
    private final OverviewViewModel overview;
    private final Commands commands = new Commands();

    public MainView(BrokerClient client, Tasks tasks, Clock clock, Appearance appearance) {
        agents = new AgentsViewModel(client, tasks, java.time.Duration.ofSeconds(1));
        ActivityViewModel activity = new ActivityViewModel(tasks);
        TreesViewModel trees = new TreesViewModel(agents, client, tasks);
        KeysViewModel keysVm = new KeysViewModel(client, tasks);
        AuditViewModel auditVm = new AuditViewModel(client, tasks);
        AppsViewModel apps = new AppsViewModel(client, tasks);
        StatusViewModel statusVm = new StatusViewModel(client, tasks);
        overview = new OverviewViewModel(client, tasks);
        // Each tab's controls are built when it is first shown: the first show styles and lays out one tab, not seven.
        Lazy<OverviewView> overviewView = new Lazy<>(() -> new OverviewView(overview,
                List.of(statusVm.health(), statusVm.hsm(), statusVm.connection(), statusVm.nodes())));
        Lazy<AgentsView> agentsView = new Lazy<>(() -> new AgentsView(agents,
                new dev.mandate.console.agents.AgentDetailViewModel(client, tasks, agents.forestProperty()::get)));
        Lazy<ChainsView> chains = new Lazy<>(() -> new ChainsView(trees));
        // The keys, the audit trail and the apps are first asked for when their tab is: at first show the broker
        // answers the agents page and the status bar's counts, nothing else (the key list walks every token).
        Lazy<KeysView> keys = new Lazy<>(() -> {
            keysVm.refresh();
            return new KeysView(keysVm);
        });
        Lazy<AuditView> audit = new Lazy<>(() -> {
            auditVm.refresh();
            return new AuditView(auditVm);
        });
        Lazy<AppsView> appsView = new Lazy<>(() -> {
            apps.refresh();
            return new AppsView(apps);
        });
        Tab overviewTab = tab("Overview", overviewView);
        Tab agentsTab = tab("Agents", agentsView);
        Tab chainsTab = tab("Delegation trees", chains);
        Tab auditTab = tab("Audit", audit);
        Tab keysTab = tab("Keys", keys);
        Tab appsTab = tab("Apps", appsView);
        TabPane tabs = new TabPane(overviewTab, agentsTab, chainsTab,
                tab("Activity", new Lazy<>(() -> new ActivityView(activity))), auditTab, keysTab, appsTab);
        tabs.setId("tabs");
        tabs.getSelectionModel().selectedItemProperty().addListener((o, was, tab) -> {
            if (tab == chainsTab) {
                javafx.application.Platform.runLater(() -> chains.get().shown());   // after the tab's region is visible
            }
            if (tab == overviewTab) {
                javafx.application.Platform.runLater(() -> overviewView.get().shown());
                overview.refresh();
            }
        });
        Label broker = new Label();
        broker.textProperty().bind(statusVm.health());
        Label hsm = new Label();
        hsm.textProperty().bind(statusVm.hsm());
        Label connection = new Label();
        connection.setId("status-connection");
        connection.textProperty().bind(statusVm.connection());
        Label nodes = new Label();
        nodes.setId("status-nodes");
        nodes.textProperty().bind(statusVm.nodes());
        Label counts = new Label();
        counts.setId("status-counts");
        counts.textProperty().bind(overview.summary());
        javafx.scene.control.Button theme = new javafx.scene.control.Button();
        theme.setId("theme-toggle");
        theme.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(
                () -> appearance.theme().get().other() == Appearance.Theme.DARK ? "Dark theme" : "Light theme", appearance.theme()));
        theme.setOnAction(e -> appearance.toggle());
        javafx.scene.layout.Region gap = new javafx.scene.layout.Region();
        HBox.setHgrow(gap, javafx.scene.layout.Priority.ALWAYS);
        HBox status = new HBox(24, broker, hsm, connection, nodes, counts, gap, theme);
        status.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        status.getStyleClass().add("status-bar");
        appearance.follow(this);
        setCenter(tabs);
        setBottom(status);

        // Every action by name (Ctrl+K), and the shortcuts the palette lists beside them.
        for (int i = 0; i < tabs.getTabs().size(); i++) {
            Tab t = tabs.getTabs().get(i);
            commands.add("Go to " + t.getText(), "Ctrl+" + (i + 1), () -> tabs.getSelectionModel().select(t));
        }
        Runnable filterAgents = () -> {
            tabs.getSelectionModel().select(agentsTab);
            agentsView.get().focusFilter();
        };
        Runnable refreshAll = () -> {
            agents.refresh();
            keysVm.refresh();
            auditVm.refresh();
            apps.refresh();
            overview.refresh();
            statusVm.refresh();
        };
        Runnable nextPage = on(tabs, agentsTab, agents::nextPage);
        Runnable previousPage = on(tabs, agentsTab, agents::previousPage);
        commands.add("Filter agents", "Ctrl+F", filterAgents)
                .add("Next page of agents", "Alt+Right", nextPage)
                .add("Previous page of agents", "Alt+Left", previousPage)
                .add("Revoke the selected agent…", "Delete", () -> agentsView.get().revokeSelected("agent"))
                .add("Revoke the selected agent's token…", "", () -> agentsView.get().revokeSelected("token"))
                .add("Revoke the selected agent's task…", "", () -> agentsView.get().revokeSelected("task"))
                .add("Revoke the selected agent's whole chain…", "", () -> agentsView.get().revokeSelected("chain"))
                .add("Switch between the light and dark theme", "", appearance::toggle)
                .add("Refresh every tab", "F5", refreshAll)
                .add("Verify the audit chain", "", on(tabs, auditTab, () -> audit.get().verify()))
                .add("Export the audit events shown…", "", on(tabs, auditTab, () -> audit.get().export()))
                .add("Register a new app…", "", on(tabs, appsTab, () -> appsView.get().create()))
                .add("Revoke the selected signing key…", "", on(tabs, keysTab, () -> keys.get().revokeSelected()))
                .add("Rotate the signing key now", "", on(tabs, keysTab, () -> keys.get().rotateNow()));
        addEventFilter(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
            if (e.isShortcutDown() && e.getCode() == javafx.scene.input.KeyCode.K) {
                e.consume();
                CommandPalette.choose(getScene().getWindow(), commands).ifPresent(c -> c.action().run());
            } else if (e.isShortcutDown() && e.getCode() == javafx.scene.input.KeyCode.F) {
                e.consume();
                filterAgents.run();
            } else if (e.isAltDown() && e.getCode() == javafx.scene.input.KeyCode.RIGHT && !inText(e)) {
                e.consume();
                nextPage.run();
            } else if (e.isAltDown() && e.getCode() == javafx.scene.input.KeyCode.LEFT && !inText(e)) {
                e.consume();
                previousPage.run();
            } else if (e.getCode() == javafx.scene.input.KeyCode.F5) {
                e.consume();
                refreshAll.run();
            } else if (e.isShortcutDown() && e.getCode().isDigitKey()) {
                int index = e.getCode().getCode() - javafx.scene.input.KeyCode.DIGIT1.getCode();
                if (index >= 0 && index < tabs.getTabs().size()) {
                    e.consume();
                    tabs.getSelectionModel().select(index);
                }
            }
        });

        // One timeline drives every countdown: each visible TTL cell is bound to this one clock.
        agents.nowProperty().set(clock.instant());
        ticker = new Timeline(new KeyFrame(Duration.seconds(1), e -> agents.nowProperty().set(clock.instant())));
        ticker.setCycleCount(Timeline.INDEFINITE);
        ticker.play();
        int[] polls = {0};
        healthPoll = new Timeline(new KeyFrame(Duration.seconds(5), e -> {
            statusVm.refresh();
            if (polls[0]++ % 2 == 1) {
                overview.refresh();      // every 10 s, as often as the broker samples its rates; its counts are in the status bar too
            }
        }));
        healthPoll.setCycleCount(Timeline.INDEFINITE);
        healthPoll.play();

        agents.refresh();
        statusVm.refresh();
        overview.refresh();
        feed = new EventFeed(client, 0, e -> {
            agents.onEvent(e);
            activity.offer(e);
            if (e.type().startsWith("key_") && keys.built()) {
                keysVm.refresh();   // else the tab asks when first shown (the feed replays the last day's events)
            }
        }, statusVm::connection, java.time.Duration.ofSeconds(1));
    }

    /** {@code action} on {@code tab}: the tab is selected first, so the operator sees what the action does. */
    private static Runnable on(TabPane tabs, Tab tab, Runnable action) {
        return () -> {
            tabs.getSelectionModel().select(tab);
            action.run();
        };
    }

    /** Typed into a text field, where Alt+arrows move by words (macOS): paging is for everywhere else. */
    private static boolean inText(javafx.scene.input.KeyEvent e) {
        return e.getTarget() instanceof javafx.scene.control.TextInputControl;
    }

    public AgentsViewModel agents() {
        return agents;
    }

    /** Every action the palette offers. */
    public Commands commands() {
        return commands;
    }

    /** A tab whose content is built when it is first selected (or first asked for by a command). */
    private static Tab tab(String title, Lazy<? extends javafx.scene.Node> content) {
        Tab t = new Tab(title);
        t.setClosable(false);
        content.whenBuilt(t::setContent);
        // Built once the selection has settled: a tab selected and left within one event is never built.
        t.selectedProperty().addListener((o, was, selected) -> {
            if (selected) {
                javafx.application.Platform.runLater(() -> {
                    if (t.isSelected()) {
                        content.get();
                    }
                });
            }
        });
        return t;
    }

    /** A view built on first use, once. */
    private static final class Lazy<T> {
        private final java.util.function.Supplier<T> build;
        private java.util.function.Consumer<? super T> built = v -> { };
        private T value;

        Lazy(java.util.function.Supplier<T> build) {
            this.build = build;
        }

        void whenBuilt(java.util.function.Consumer<? super T> action) {
            built = action;
        }

        boolean built() {
            return value != null;
        }

        T get() {
            if (value == null) {
                value = build.get();
                built.accept(value);
            }
            return value;
        }
    }

    @Override
    public void close() {
        ticker.stop();
        healthPoll.stop();
        feed.close();
    }
}
