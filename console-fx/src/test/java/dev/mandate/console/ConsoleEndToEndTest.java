package dev.mandate.console;

import dev.mandate.console.agents.AgentRow;
import dev.mandate.console.chains.TreesViewModel;
import dev.mandate.console.ui.MainView;
import dev.mandate.server.TestBroker;
import javafx.scene.control.TableView;
import javafx.scene.control.TreeCell;
import javafx.stage.Stage;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.framework.junit5.Stop;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real console on a real broker: agents and a delegation chain made through the API appear, the
 * robot revokes the chain on the middle node, and the broker then rejects every token of that tree
 * while an unrelated agent stays valid. Also writes the README's screenshot.
 */
@ExtendWith(ApplicationExtension.class)
class ConsoleEndToEndTest {

    @TempDir
    static Path dir;
    static TestBroker broker;
    MainView main;
    Stage stage;

    @BeforeAll
    static void startBroker() {
        broker = Fixture.broker(dir.resolve("e2e"));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
        Fixture.showEmpty(stage);
    }

    /** As the application does once connected: the view built off the FX thread, then shown and started. */
    @org.junit.jupiter.api.BeforeEach
    void open() throws Exception {
        main = Fixture.open(stage, broker, dir.resolve("console.properties"), MainView.OVERVIEW, view -> view);
    }

    @Stop
    void stop() {
        main.close();
    }

    @Test
    void theOverviewIsTheFirstTabWithCountsHealthAndOneRateSeriesPerOperation(FxRobot robot) throws Exception {
        javafx.scene.control.TabPane tabs = robot.lookup("#tabs").query();
        assertEquals("Overview", tabs.getSelectionModel().getSelectedItem().getText());
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#overview-counts .label")
                .queryAllAs(javafx.scene.control.Label.class).stream().anyMatch(l -> l.getText().matches("Agents: \\d+ registered")));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#overview-health .label")
                .queryAllAs(javafx.scene.control.Label.class).stream().anyMatch(l -> l.getText().equals("HSM: up")));
        javafx.scene.chart.LineChart<?, ?> chart = robot.lookup("#overview-rates").query();
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> chart.getData().size() == 5);
    }

    @Test
    void theKeyboardReachesEveryActionThroughThePaletteAndTheShortcuts(FxRobot robot) throws Exception {
        javafx.scene.control.TabPane tabs = robot.lookup("#tabs").query();
        String before = javafx.application.Application.getUserAgentStylesheet();
        palette(robot, "theme");
        assertFalse(before.equals(javafx.application.Application.getUserAgentStylesheet()), "the palette switched the theme");
        palette(robot, "theme");
        assertEquals(before, javafx.application.Application.getUserAgentStylesheet());

        palette(robot, "go to keys");
        assertEquals("Keys", tabs.getSelectionModel().getSelectedItem().getText());
        robot.press(KeyCode.CONTROL, KeyCode.DIGIT5).release(KeyCode.DIGIT5, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("Audit", tabs.getSelectionModel().getSelectedItem().getText());

        robot.press(KeyCode.CONTROL, KeyCode.F).release(KeyCode.F, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("Agents", tabs.getSelectionModel().getSelectedItem().getText());
        assertTrue(robot.lookup("#agents-filter").query().isFocused(), "Ctrl+F puts the caret in the filter");

        // Delete on a row asks first; Esc sends nothing.
        String admin = broker.adminToken();
        var kept = broker.registerAgent(admin, "keyboard", "kept", "[\"read:data:*\"]");
        TableView<AgentRow> table = robot.lookup("#agents-table").queryTableView();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> table.getItems().stream().anyMatch(r -> r.agentId().equals(kept.agentId())));
        robot.interact(() -> {
            table.getSelectionModel().select(table.getItems().stream().filter(r -> r.agentId().equals(kept.agentId())).findFirst().orElseThrow());
            table.requestFocus();
        });
        robot.press(KeyCode.DELETE).release(KeyCode.DELETE);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#confirm-revoke").tryQuery().isPresent(), "the revoke shortcut always confirms");
        robot.press(KeyCode.ESCAPE).release(KeyCode.ESCAPE);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(broker.valid(kept.token()), "nothing was sent");
    }

    @Test
    void thePaletteReachesTheSortTheTreesTheAppsAndTheAuditPages(FxRobot robot) throws Exception {
        String admin = broker.adminToken();
        var agent = broker.registerAgent(admin, "palette", "reached", "[\"read:data:*\"]");
        assertEquals(201, broker.post("/v1/admin/apps", "{\"name\":\"palette-app\",\"scopes\":[\"read:data:*\"]}", admin).status());
        for (int i = 0; i <= dev.mandate.console.audit.AuditViewModel.PAGE_SIZE; i++) {
            broker.launchToken(admin, "[\"read:data:*\"]", "");   // more than one page of audit events
        }

        // Sorting by time left, and back, as the TTL header's clicks do.
        palette(robot, "sort time left");
        TableView<AgentRow> table = robot.lookup("#agents-table").queryTableView();
        assertEquals(List.of("TTL"), table.getSortOrder().stream().map(c -> c.getText()).toList());
        assertEquals(javafx.scene.control.TableColumn.SortType.ASCENDING, table.getSortOrder().getFirst().getSortType());
        palette(robot, "sort newest first");
        assertTrue(table.getSortOrder().isEmpty());

        // A tree's node and its whole chain: each asks first; cancelled, nothing is sent.
        palette(robot, "go to delegation trees");
        javafx.scene.control.TreeView<Object> tree = robot.lookup("#chains-tree").query();
        java.util.function.Supplier<java.util.Optional<javafx.scene.control.TreeItem<Object>>> agentsTree = () -> tree.getRoot()
                .getChildren().stream().filter(i -> i.getValue() instanceof TreesViewModel.Branch n && n.holder().equals(agent.agentId()))
                .findFirst();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> agentsTree.get().isPresent());
        robot.interact(() -> tree.getSelectionModel().select(agentsTree.get().orElseThrow()));
        for (String[] command : List.of(new String[]{"revoke tree node", "Revoke token?"}, new String[]{"tree whole chain", "Revoke chain?"})) {
            palette(robot, command[0]);
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#confirm-revoke").tryQuery().isPresent());
            assertEquals(command[1], ((javafx.scene.control.DialogPane) robot.lookup("#confirm-revoke").query()).getHeaderText());
            cancel(robot, "#confirm-revoke");
        }
        assertTrue(broker.valid(agent.token()), "nothing was sent");

        // The selected app: edit and deactivate, each behind a dialog (what a cancel sends is AppsViewTest's).
        palette(robot, "go to apps");
        TableView<dev.mandate.console.client.Model.AppView> apps = robot.lookup("#apps-table").queryTableView();
        java.util.function.Supplier<java.util.Optional<dev.mandate.console.client.Model.AppView>> app = () -> apps.getItems().stream()
                .filter(a -> a.name().equals("palette-app")).findFirst();
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> app.get().isPresent());
        robot.interact(() -> apps.getSelectionModel().select(app.get().orElseThrow()));
        palette(robot, "edit selected app");
        cancel(robot, "#app-edit");
        palette(robot, "deactivate selected app");
        cancel(robot, "#confirm-deactivate");

        // The audit trail's pages, older and newer.
        palette(robot, "go to audit");
        javafx.scene.control.Labeled page = robot.lookup("#audit-page").queryLabeled();
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> page.getText().startsWith("events 1–200 of "));
        palette(robot, "older audit");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> page.getText().startsWith("events 201–"));
        palette(robot, "newer audit");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> page.getText().startsWith("events 1–200 of "));
    }

    /** Waits for the dialog {@code id} and clicks its Cancel. */
    private static void cancel(FxRobot robot, String id) throws Exception {
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup(id).tryQuery().isPresent());
        robot.clickOn(((javafx.scene.control.DialogPane) robot.lookup(id).query()).lookupButton(javafx.scene.control.ButtonType.CANCEL));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup(id).tryQuery().isEmpty(), id + " closed");
    }

    @Test
    void selectingAnAgentShowsItsTokensChainAndAuditTrail(FxRobot robot) throws Exception {
        String admin = broker.adminToken();
        var detailed = broker.registerAgent(admin, "detail", "shown", "[\"read:data:*\"]");
        robot.clickOn("Agents");
        TableView<AgentRow> table = robot.lookup("#agents-table").queryTableView();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> table.getItems().stream().anyMatch(r -> r.agentId().equals(detailed.agentId())));
        robot.interact(() -> table.getSelectionModel().select(table.getItems().stream()
                .filter(r -> r.agentId().equals(detailed.agentId())).findFirst().orElseThrow()));
        assertEquals(detailed.agentId(), robot.lookup("#agent-detail-title").queryLabeled().getText());
        javafx.scene.control.ListView<?> tokens = robot.lookup("#agent-detail-tokens").query();
        assertEquals(1, tokens.getItems().size(), "its registration token");
        TableView<?> audit = robot.lookup("#agent-detail-audit").query();
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !audit.getItems().isEmpty());
        javafx.scene.control.ListView<?> chain = robot.lookup("#agent-detail-chain").query();
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> chain.getItems().size() == 1
                && chain.getItems().getFirst().toString().startsWith("▶ " + detailed.agentId()));
    }

    @Test
    void theActivityTabShowsTheBrokersEventsNewestFirst(FxRobot robot) throws Exception {
        String admin = broker.adminToken();
        var first = broker.registerAgent(admin, "activity", "first", "[\"read:data:*\"]");
        var second = broker.registerAgent(admin, "activity", "second", "[\"read:data:*\"]");
        broker.revoke(admin, "agent", first.agentId());
        robot.clickOn("Activity");
        javafx.scene.control.ListView<String> list = robot.lookup("#activity-list").query();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> list.getItems().stream()
                .anyMatch(l -> l.contains("token_revoked") && l.contains(first.agentId())));
        List<String> lines = List.copyOf(list.getItems());
        int revoked = indexOf(lines, l -> l.contains("token_revoked") && l.contains(first.agentId()));
        int issuedSecond = indexOf(lines, l -> l.contains("token_issued") && l.contains(second.agentId()));
        int issuedFirst = indexOf(lines, l -> l.contains("token_issued") && l.contains(first.agentId()));
        assertTrue(revoked >= 0 && issuedSecond > revoked && issuedFirst > issuedSecond, "newest first: " + lines);
    }

    @Test
    void theKeysTabNamesWhatARevocationKillsAndCancelSendsNothing(FxRobot robot) throws Exception {
        robot.clickOn("Keys");
        TableView<dev.mandate.console.client.Model.KeyView> table = robot.lookup("#keys-table").queryTableView();
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !table.getItems().isEmpty());
        var active = table.getItems().stream().filter(k -> k.state().equals("active")).findFirst().orElseThrow();
        robot.interact(() -> table.getSelectionModel().select(active));
        robot.clickOn("#revoke-key");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#confirm-revoke-key").tryQuery().isPresent());
        String text = robot.lookup("#confirm-revoke-key .content").queryLabeled().getText();
        assertTrue(text.matches("Revoke key " + active.kid() + " .*: \\d+ live tokens? signed by it or derived from its tokens will die.*"), text);
        robot.clickOn(((javafx.scene.control.DialogPane) robot.lookup("#confirm-revoke-key").query())
                .lookupButton(javafx.scene.control.ButtonType.CANCEL));
        WaitForAsyncUtils.waitForFxEvents();
        String admin = broker.adminToken();
        assertTrue(broker.get("/v1/admin/keys", admin).json().getJsonArray("keys").stream()
                .anyMatch(k -> k.asJsonObject().getString("kid").equals(active.kid())
                        && k.asJsonObject().getString("state").equals("active")), "cancel sends nothing");
    }

    @Test
    void theAuditTabFiltersAtTheBrokerAndVerifiesTheChain(FxRobot robot) throws Exception {
        String admin = broker.adminToken();
        var agent = broker.registerAgent(admin, "audit-tab", "filtered", "[\"read:data:*\"]");
        robot.clickOn("Audit");
        robot.clickOn("#audit-agent").write(agent.agentId());
        robot.clickOn("#audit-query");
        TableView<dev.mandate.console.client.Model.AuditRow> table = robot.lookup("#audit-table").queryTableView();
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !table.getItems().isEmpty()
                && table.getItems().stream().allMatch(r -> r.agentId().equals(agent.agentId())));
        assertTrue(robot.lookup("#audit-page").queryLabeled().getText().matches("events 1–\\d+ of \\d+, newest first"));
        robot.clickOn("#verify-chain");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#verify-result").queryLabeled().getText()
                .startsWith("Chain valid: "));
        robot.interact(() -> robot.lookup("#audit-agent").queryTextInputControl().clear());
    }

    private static int indexOf(List<String> lines, java.util.function.Predicate<String> line) {
        for (int i = 0; i < lines.size(); i++) {
            if (line.test(lines.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /** Ctrl+K, the query, Enter: the command chosen must be the one the query names. */
    private void palette(FxRobot robot, String query) {
        robot.press(KeyCode.CONTROL, KeyCode.K).release(KeyCode.K, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#command-palette").tryQuery().isPresent(), "Ctrl+K opens the palette");
        // Headless Monocle gives a new window the keyboard only when clicked (a desktop focuses the dialog itself).
        robot.clickOn("#command-query").write(query);
        WaitForAsyncUtils.waitForFxEvents();
        javafx.scene.control.ListView<?> list = robot.lookup("#command-list").query();
        assertTrue(list.getItems().size() < main.commands().all().size() && !list.getItems().isEmpty(),
                "'" + query + "' narrows the list: " + list.getItems());
        robot.press(KeyCode.ENTER).release(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#command-palette").tryQuery().isEmpty(), "Enter closes the palette; selected "
                + list.getSelectionModel().getSelectedItem() + " of " + list.getItems());
    }

    @Test
    void theThemeToggleSwitchesBetweenLightAndDarkAndIsRemembered(FxRobot robot) {
        var file = dir.resolve("console.properties");
        var start = new dev.mandate.console.ui.Appearance(file).theme().get();
        robot.clickOn("#theme-toggle");
        WaitForAsyncUtils.waitForFxEvents();
        var now = start.other();
        assertEquals(now.stylesheet(), javafx.application.Application.getUserAgentStylesheet(), "AtlantaFX's theme is applied");
        assertTrue(main.getStyleClass().contains(now.name().toLowerCase(java.util.Locale.ROOT)));
        assertFalse(main.getStyleClass().contains(start.name().toLowerCase(java.util.Locale.ROOT)));
        assertEquals(now, new dev.mandate.console.ui.Appearance(file).theme().get(), "the choice is remembered");
        assertEquals(toggleIcon(now), ((org.kordamp.ikonli.javafx.FontIcon) robot.lookup("#theme-toggle").queryButton().getGraphic())
                .getIconCode(), "the toggle's icon names the theme it switches to");
        javafx.scene.control.TabPane tabs = robot.lookup("#tabs").query();
        var tabIcon = (org.kordamp.ikonli.javafx.FontIcon) tabs.getTabs().getFirst().getGraphic();
        javafx.scene.paint.Paint inNow = tabIcon.getIconColor();
        robot.clickOn("#theme-toggle");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(start.stylesheet(), javafx.application.Application.getUserAgentStylesheet());
        assertEquals(start, new dev.mandate.console.ui.Appearance(file).theme().get());
        assertEquals(toggleIcon(start), ((org.kordamp.ikonli.javafx.FontIcon) robot.lookup("#theme-toggle").queryButton().getGraphic())
                .getIconCode());
        assertFalse(inNow.equals(((org.kordamp.ikonli.javafx.FontIcon) tabs.getTabs().getFirst().getGraphic()).getIconColor()),
                "the tabs' icons take each theme's text colour: " + inNow);
    }

    /** The icon of the theme toggle while {@code shown} is on: the theme it switches to. */
    private static org.kordamp.ikonli.feather.Feather toggleIcon(dev.mandate.console.ui.Appearance.Theme shown) {
        return shown.other() == dev.mandate.console.ui.Appearance.Theme.DARK ? org.kordamp.ikonli.feather.Feather.MOON
                : org.kordamp.ikonli.feather.Feather.SUN;
    }

    @Test
    void revokingTheChainOnAMiddleNodeKillsTheWholeTreeAndNothingElse(FxRobot robot) throws Exception {
        String admin = broker.adminToken();
        var a = broker.registerAgent(admin, "research", "summarise-q3", "[\"read:data:*\",\"write:reports:*\"]");
        var b = broker.registerAgent(admin, "research", "fetch-sources", "[\"read:data:*\"]");
        var c = broker.registerAgent(admin, "research", "extract-tables", "[\"read:data:*\"]");
        var u = broker.registerAgent(admin, "billing", "reconcile-invoices", "[\"read:invoices:*\"]");
        var w = broker.registerAgent(admin, "billing", "send-reminders", "[\"send:email:customers\"]");
        String ab = broker.delegated(a.token(), b.agentId(), "[\"read:data:*\"]");
        String bc = broker.delegated(ab, c.agentId(), "[\"read:data:tables\"]");

        // The console learns of all of it from the event stream.
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> main.agents().rows().stream().anyMatch(r -> r.agentId().equals(c.agentId())));

        // The trees of the page are asked of the broker when the tab shows.
        robot.clickOn("Delegation trees");
        java.util.function.Supplier<java.util.Optional<TreeCell<?>>> middleCell = () -> robot.lookup(".tree-cell")
                .queryAllAs(TreeCell.class).stream()
                .filter(cell -> cell.isVisible() && cell.getItem() instanceof TreesViewModel.Branch n
                        && n.holder().equals(b.agentId()) && !n.children().isEmpty())
                .<TreeCell<?>>map(cell -> cell).findFirst();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> middleCell.get().isPresent());
        javafx.scene.control.TreeView<?> tree = robot.lookup("#chains-tree").query();
        java.util.function.BooleanSupplier middleSelected = () -> tree.getSelectionModel().getSelectedItem() != null
                && tree.getSelectionModel().getSelectedItem().getValue() instanceof TreesViewModel.Branch n && n.holder().equals(b.agentId());
        // Clicked until it is selected: the trees are rebuilt as the events of this test's registrations arrive, so a
        // cell found a moment ago may hold another node by the time the robot clicks it, or none may hold it for a moment.
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> {
            if (!middleSelected.getAsBoolean()) {
                middleCell.get().ifPresent(cell -> robot.clickOn(cell));
            }
            return middleSelected.getAsBoolean();
        });
        robot.clickOn("#revoke-chain");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#confirm-revoke").tryQuery().isPresent());
        assertTrue(robot.lookup(".content").queryLabeled().getText().contains("3 live tokens will die"),
                robot.lookup(".content").queryLabeled().getText());
        robot.clickOn(((javafx.scene.control.DialogPane) robot.lookup("#confirm-revoke").query())
                .lookupButton(dev.mandate.console.agents.Confirm.REVOKE));

        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !broker.valid(bc));
        assertFalse(broker.valid(a.token()), "the root's own token");
        assertFalse(broker.valid(ab));
        assertFalse(broker.valid(bc));
        assertTrue(broker.valid(u.token()), "an unrelated agent stays valid");
        assertTrue(broker.valid(w.token()));
        assertTrue(broker.valid(b.token()), "b's own registration token is not part of A's tree");

        robot.clickOn("Agents");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> {
            TableView<AgentRow> table = robot.lookup("#agents-table").queryTableView();
            return table.getItems().stream().anyMatch(r -> r.agentId().equals(a.agentId()) && r.state().equals("revoked"));
        });
        robot.interact(() -> main.agents().nowProperty().set(java.time.Instant.now()));
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> {
            try {
                Screenshots.write(stage.getScene().getRoot(), Path.of("target/screenshots/console.png"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}
