package dev.mandate.console.ui;

import dev.mandate.console.fx.Handover;
import dev.mandate.console.fx.Icons;
import dev.mandate.console.fx.Tasks;
import dev.mandate.console.activity.ActivityView;
import dev.mandate.console.activity.ActivityViewModel;
import dev.mandate.console.agents.AgentsView;
import dev.mandate.console.agents.AgentsViewModel;
import dev.mandate.console.agents.Ticks;
import dev.mandate.console.apps.AppsView;
import dev.mandate.console.apps.AppsViewModel;
import dev.mandate.console.audit.AuditView;
import dev.mandate.console.audit.AuditViewModel;
import dev.mandate.console.chains.ChainsView;
import dev.mandate.console.chains.TreesViewModel;
import dev.mandate.console.client.BrokerApi;
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
import org.kordamp.ikonli.feather.Feather;

import java.time.Clock;
import java.util.List;

/** Tabs and status bar of a connected console. */
public final class MainView extends BorderPane implements AutoCloseable {

    /** The tabs, by index: the one a view opens on. */
    public static final int OVERVIEW = 0;
    public static final int AGENTS = 1;
    private static final int CHAINS = 2;

    private final BrokerApi client;
    private final Appearance appearance;
    private final AgentsViewModel agents;
    private final ActivityViewModel activity;
    private final KeysViewModel keysVm;
    private final StatusViewModel statusVm;
    private final OverviewViewModel overview;
    private final TabPane tabs;
    /** Each tab's content, built when first shown (or first asked for by a command). */
    private final java.util.Map<Tab, Lazy<? extends javafx.scene.Node>> contents = new java.util.LinkedHashMap<>();
    private final Lazy<OverviewView> overviewView;
    private final Lazy<AgentsView> agentsView;
    private final TreesViewModel trees;
    private final Lazy<ChainsView> chains;
    private final Lazy<KeysView> keys;
    private final Timeline ticker;
    private final Timeline healthPoll;
    private final Commands commands = new Commands();
    private EventFeed feed;
    private boolean live;
    private boolean closed;

    /**
     * Builds the view open on tab {@code firstTab} and asks the broker for its first answers. It may be built on
     * any thread while it is in no shown window; {@link #start} it on the FX thread once it is. With a
     * {@link Handover}, answers that arrive meanwhile wait for the building thread or the FX thread to run them.
     */
    public MainView(BrokerApi client, Tasks tasks, Clock clock, Appearance appearance, int firstTab) {
        this.client = client;
        this.appearance = appearance;
        agents = new AgentsViewModel(client, tasks, java.time.Duration.ofSeconds(1));
        activity = new ActivityViewModel(tasks);
        trees = new TreesViewModel(agents, client, tasks);
        keysVm = new KeysViewModel(client, tasks);
        AuditViewModel auditVm = new AuditViewModel(client, tasks);
        AppsViewModel apps = new AppsViewModel(client, tasks);
        statusVm = new StatusViewModel(client, tasks, clock);
        overview = new OverviewViewModel(client, tasks);
        // Each tab's controls are built when it is first shown (the trees' also when the view is prepared): the first
        // show styles and lays out one tab and an empty tree, not seven tabs.
        overviewView = new Lazy<>(() -> new OverviewView(overview,
                List.of(statusVm.health(), statusVm.hsm(), statusVm.database(), statusVm.connection(), statusVm.nodes())));
        agentsView = new Lazy<>(() -> new AgentsView(agents,
                new dev.mandate.console.agents.AgentDetailViewModel(client, tasks, agents.forestProperty()::get)));
        chains = new Lazy<>(() -> new ChainsView(trees));
        // The keys, the audit trail and the apps are first asked for when their tab is: at first show the broker
        // answers the agents page and the status bar's counts, nothing else (the key list walks every token).
        keys = new Lazy<>(() -> {
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
        Tab overviewTab = tab("Overview", Feather.BAR_CHART_2, overviewView);
        Tab agentsTab = tab("Agents", Feather.USERS, agentsView);
        Tab chainsTab = tab("Delegation trees", Feather.GIT_MERGE, chains);
        Tab activityTab = tab("Activity", Feather.ACTIVITY, new Lazy<>(() -> new ActivityView(activity)));
        Tab auditTab = tab("Audit", Feather.FILE_TEXT, audit);
        Tab keysTab = tab("Keys", Feather.KEY, keys);
        Tab appsTab = tab("Apps", Feather.GRID, appsView);
        tabs = new TabPane(overviewTab, agentsTab, chainsTab, activityTab, auditTab, keysTab, appsTab);
        tabs.setId("tabs");
        tabs.getSelectionModel().select(firstTab);
        contents.get(tabs.getSelectionModel().getSelectedItem()).get();
        Label broker = new Label();
        broker.textProperty().bind(statusVm.health());
        Label hsm = new Label();
        hsm.textProperty().bind(statusVm.hsm());
        Label database = new Label();
        database.textProperty().bind(statusVm.database());
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
        // What the button switches to: a moon for the dark theme, a sun for the light one.
        theme.graphicProperty().bind(javafx.beans.binding.Bindings.createObjectBinding(
                () -> Icons.of(appearance.theme().get().other() == Appearance.Theme.DARK
                        ? Feather.MOON : Feather.SUN), appearance.theme()));
        theme.setOnAction(e -> appearance.toggle());
        javafx.scene.layout.Region gap = new javafx.scene.layout.Region();
        HBox.setHgrow(gap, javafx.scene.layout.Priority.ALWAYS);
        HBox status = new HBox(24, broker, hsm, database, connection, nodes, counts, gap, theme);
        status.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        status.getStyleClass().add("status-bar");
        appearance.dress(this);
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
                .add("Sort agents by time left", "", on(tabs, agentsTab, () -> agentsView.get().sortByTimeLeft(true)))
                .add("Sort agents newest first", "", on(tabs, agentsTab, () -> agentsView.get().sortByTimeLeft(false)))
                .add("Revoke the selected tree node…", "", on(tabs, chainsTab, () -> chains.get().revokeSelectedNode()))
                .add("Revoke the selected tree node's whole chain…", "", on(tabs, chainsTab, () -> chains.get().revokeSelectedChain()))
                .add("Switch between the light and dark theme", "", appearance::toggle)
                .add("Refresh every tab", "F5", refreshAll)
                .add("Verify the audit chain", "", on(tabs, auditTab, () -> audit.get().verify()))
                .add("Export the filtered audit events…", "", on(tabs, auditTab, () -> audit.get().export()))
                .add("Older audit events", "", on(tabs, auditTab, auditVm::older))
                .add("Newer audit events", "", on(tabs, auditTab, auditVm::newer))
                .add("Register a new app…", "", on(tabs, appsTab, () -> appsView.get().create()))
                .add("Edit the selected app…", "", on(tabs, appsTab, () -> appsView.get().editSelected()))
                .add("Deactivate the selected app…", "", on(tabs, appsTab, () -> appsView.get().deactivateSelected()))
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

        // One timeline drives every countdown: each visible TTL cell follows this one clock, and moves once a
        // second at a moment of its own (Ticks), so that each tick redraws a few rows, not all at once.
        agents.nowProperty().set(clock.instant());
        ticker = new Timeline(new KeyFrame(Duration.millis(Ticks.PERIOD.toMillis()), e -> agents.nowProperty().set(clock.instant())));
        ticker.setCycleCount(Timeline.INDEFINITE);
        int[] polls = {0};
        healthPoll = new Timeline(new KeyFrame(Duration.seconds(5), e -> {
            statusVm.refresh();
            if (polls[0]++ % 2 == 1) {
                overview.refresh();      // every 10 s, as often as the broker samples its rates; its counts are in the status bar too
            }
        }));
        healthPoll.setCycleCount(Timeline.INDEFINITE);

        agents.refresh();
        statusVm.refresh();
        overview.refresh();
    }

    /**
     * Starts what runs while the view is shown: {@link #listen} and {@link #goLive}, at once. On the FX thread,
     * once the view is in a shown window.
     */
    public void start() {
        listen();
        goLive();
    }

    /** Follows the theme and the operator's choice of tab (each tab built when first selected). FX thread. */
    private void listen() {
        appearance.follow(this);
        contents.forEach((t, content) -> t.selectedProperty().addListener((o, was, selected) -> {
            // Built once the selection has settled: a tab selected and left within one event is never built.
            if (selected) {
                javafx.application.Platform.runLater(() -> {
                    if (t.isSelected()) {
                        content.get();
                    }
                });
            }
        }));
        // The hooks run once the selection has settled (runLater); each builds its tab's content itself if the tab's
        // own listener above has not yet.
        tabs.getSelectionModel().selectedItemProperty().addListener((o, was, tab) -> {
            int index = tabs.getTabs().indexOf(tab);
            shown(index);
            if (index == OVERVIEW) {
                overview.refresh();
            }
        });
        shown(tabs.getSelectionModel().getSelectedIndex());   // the overview asked the broker as it was built
    }

    /**
     * Starts what changes the view by itself: the countdowns, the health poll and the event stream. FX thread;
     * nothing once the view is {@link #close closed}.
     */
    private void goLive() {
        if (closed) {
            return;
        }
        live = true;
        ticker.play();
        healthPoll.play();
        if (client instanceof BrokerClient broker) {     // a broker over HTTP: its events stream in
            feed = new EventFeed(broker, 0, e -> {
                statusVm.received(e);
                agents.onEvent(e);
                activity.offer(e);
                if (e.type().startsWith("key_") && keys.built()) {
                    keysVm.refresh();   // else the tab asks when first shown (the feed replays the last day's events)
                }
            }, statusVm::connection, java.time.Duration.ofSeconds(1));
        }
    }

    /** Tab {@code index} is on screen: the overview redraws what changed meanwhile, the trees ask for the page's. */
    private void shown(int index) {
        if (index == OVERVIEW) {
            javafx.application.Platform.runLater(() -> overviewView.get().shown());
        } else if (index == CHAINS) {
            javafx.application.Platform.runLater(() -> chains.get().shown());   // after the tab's region is visible
        }
    }

    /**
     * Opens a view on tab {@code firstTab} in {@code stage}, in place of what it shows.
     *
     * <p>The view is built on a thread of its own, in a scene of its own at the stage's size, and styled and laid
     * out there with the broker's first answers in it (see {@link #prepare}). The FX thread then puts that scene
     * on the stage; the view follows the operator at once, and what changes it by itself (answers that waited,
     * countdowns, health poll, event stream) starts {@link #FIRST_FRAME} later. JavaFX restyles the whole tree of
     * a scene put on a showing window, but from the style caches this build filled for the view's root, with
     * code that the build and the {@link #rehearse rehearsal} before it compiled: tens of milliseconds on the FX
     * thread, where building there took several hundred. {@code tasks}: where the view's work runs once it is
     * shown. Call on the FX thread; completes there, or with what went wrong.
     */
    public static java.util.concurrent.CompletableFuture<MainView> open(javafx.stage.Stage stage, BrokerClient client,
                                                                       Tasks tasks, Clock clock, Appearance appearance,
                                                                       int firstTab) {
        double width = stage.getScene().getWidth();
        double height = stage.getScene().getHeight();
        List<String> stylesheets = List.copyOf(stage.getScene().getStylesheets());
        java.util.concurrent.CompletableFuture<MainView> opened = new java.util.concurrent.CompletableFuture<>();
        Thread.ofPlatform().name("console-build").daemon(true).start(() -> {
            try {
                Rehearsal.awaitDone();
                Handover handover = new Handover(tasks);
                MainView view = new MainView(client, handover, clock, appearance, firstTab);
                javafx.scene.Scene scene = view.prepare(handover, width, height, stylesheets);
                javafx.application.Platform.runLater(() -> {
                    try {
                        // The countdowns as of now, drawn in the first frame: the build took a second or more, and
                        // the first tick after it would otherwise redraw every row at once (a whole-table repaint).
                        view.agents.nowProperty().set(clock.instant());
                        stage.setScene(scene);
                        view.listen();
                        opened.complete(view);
                        // The first frame is painted undisturbed: on the render thread, which the FX thread waits
                        // for at the next change on screen. What changes the view by itself starts after it.
                        javafx.animation.PauseTransition painted = new javafx.animation.PauseTransition(FIRST_FRAME);
                        painted.setOnFinished(e -> {
                            try {
                                handover.handOver();
                                view.goLive();
                            } catch (RuntimeException | Error failure) {
                                // Shown, but not following the broker; the log says why.
                                System.getLogger(MainView.class.getName()).log(System.Logger.Level.ERROR,
                                        "the console's live updates did not start", failure);
                            }
                        });
                        painted.play();
                    } catch (RuntimeException | Error e) {
                        opened.completeExceptionally(e);
                    }
                });
            } catch (RuntimeException | Error e) {
                opened.completeExceptionally(e);
            } catch (InterruptedException e) {
                opened.completeExceptionally(e);
                Thread.currentThread().interrupt();
            }
        });
        return opened;
    }

    /**
     * Builds a main view like the one {@link #open} builds, off the FX thread and never shown, while the
     * operator types the secret in {@code scene}: see {@link Rehearsal}. FX thread. Completes when it is done,
     * or with what went wrong (which costs only time: {@link #open} works without it).
     */
    public static java.util.concurrent.CompletableFuture<Void> rehearse(javafx.scene.Scene scene, Appearance appearance) {
        return Rehearsal.start(scene, appearance);
    }

    /**
     * Puts this view in a scene of its own and styles and lays it out there, on the thread that built it. The
     * broker's first answers, which wait for up to {@link #FIRST_ANSWERS}, go into it there too, so that the
     * first page's rows are made and styled off the FX thread; slower ones arrive on the FX thread, as any later
     * answer does.
     */
    javafx.scene.Scene prepare(Handover tasks, double width, double height, List<String> stylesheets)
            throws InterruptedException {
        javafx.scene.Scene scene = new javafx.scene.Scene(this, width, height);
        scene.getStylesheets().setAll(stylesheets);
        // The trees' tab too (an empty tree until it is shown and asks): built on the FX thread at its first
        // showing, with its styling and layout, it blocked that thread 50 ms.
        chains.get();
        layOut();           // the window, while the broker's first answers are on their way
        if (tasks.runWaitingUntil(this::answered, FIRST_ANSWERS)) {
            layOut();       // the rows and text they brought
        }
        return scene;
    }

    /** How long a new view waits for the broker's first answers before it shows without them. */
    private static final java.time.Duration FIRST_ANSWERS = java.time.Duration.ofSeconds(2);

    /**
     * How long the first frame is given before the answers waiting for the FX thread and the view's live parts
     * (countdowns, health, events) may change it: painting a whole window in software took 40–100 ms here.
     */
    private static final Duration FIRST_FRAME = Duration.millis(200);

    /** The broker has answered (or failed to answer) what the tab the view opens on shows first. */
    boolean answered() {
        return switch (tabs.getSelectionModel().getSelectedIndex()) {
            case OVERVIEW -> !overview.summary().get().isEmpty() || !overview.message().get().isEmpty();
            case AGENTS -> !agents.pageProperty().get().isEmpty() || !agents.messageProperty().get().isEmpty();
            default -> true;
        };
    }

    /**
     * For a {@link Rehearsal}, off the FX thread and never shown: the agents' page replaced {@code pages} times
     * over (fewer once {@code enough} holds), each new page styled and laid out, as registrations streaming in
     * replace it. True if every new page asked for arrived.
     */
    boolean rehearsePages(Handover tasks, int pages, java.util.function.BooleanSupplier enough) throws InterruptedException {
        tabs.getSelectionModel().select(AGENTS);
        for (int i = 0; i < pages && !enough.getAsBoolean(); i++) {
            String before = agents.pageProperty().get();
            agents.refresh();
            if (!tasks.runWaitingUntil(() -> !agents.pageProperty().get().equals(before), FIRST_ANSWERS)) {
                return false;
            }
            layOut();
        }
        return true;
    }

    /**
     * For a {@link Rehearsal}, off the FX thread and never shown: shows the delegation trees of the page, as an
     * operator's first look at that tab would, and lays them out. True if there were trees to show.
     */
    boolean rehearseTrees(Handover tasks) throws InterruptedException {
        tabs.getSelectionModel().select(CHAINS);
        chains.get().shown();
        boolean answered = tasks.runWaitingUntil(() -> !trees.treesProperty().get().isEmpty(), FIRST_ANSWERS);
        layOut();
        return answered;
    }

    /** Styles and lays out the view where it stands. */
    private void layOut() {
        applyCss();
        layout();
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
    private Tab tab(String title, Feather icon, Lazy<? extends javafx.scene.Node> content) {
        Tab t = new Tab(title);
        t.setGraphic(Icons.of(icon));
        t.setClosable(false);
        content.whenBuilt(t::setContent);
        contents.put(t, content);
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

    /** True while the countdowns, the health poll and the event stream run. FX thread. */
    public boolean live() {
        return live;
    }

    @Override
    public void close() {
        closed = true;
        live = false;
        ticker.stop();
        healthPoll.stop();
        if (feed != null) {
            feed.close();
        }
    }
}
