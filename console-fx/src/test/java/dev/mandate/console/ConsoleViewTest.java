package dev.mandate.console;

import dev.mandate.console.agents.AgentRow;
import dev.mandate.console.agents.AgentsView;
import dev.mandate.console.agents.AgentsViewModel;
import dev.mandate.console.chains.ChainsView;
import dev.mandate.console.chains.TreesViewModel;
import dev.mandate.console.ui.ConsoleApp;
import dev.mandate.console.fx.Tasks;
import dev.mandate.server.TestBroker;
import javafx.scene.Scene;
import dev.mandate.console.agents.TtlBar;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agents table and the trees under TestFX (headless Monocle), on a real broker. */
@ExtendWith(ApplicationExtension.class)
class ConsoleViewTest {

    @TempDir
    static Path dir;
    static TestBroker broker;
    static String admin;
    static TestBroker.Agent a;
    static TestBroker.Agent b;
    static String ab;
    AgentsViewModel vm;

    @BeforeAll
    static void startBroker() {
        broker = Fixture.broker(dir.resolve("view"));
        admin = broker.adminToken();
        a = broker.registerAgent(admin, "view", "view-a", "[\"read:data:*\"]");
        b = broker.registerAgent(admin, "view", "view-b", "[\"read:data:*\"]");
        ab = broker.delegated(a.token(), b.agentId(), "[\"read:data:x\"]");
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Start
    void start(Stage stage) {
        vm = new AgentsViewModel(Fixture.client(broker), Tasks.inline(), Duration.ZERO);
        vm.refresh();
        VBox root = new VBox(new AgentsView(vm), new ChainsView(new TreesViewModel(vm, Fixture.client(broker), Tasks.inline())));
        Scene scene = new Scene(root, 1200, 800);
        scene.getStylesheets().add(ConsoleApp.CSS);
        stage.setScene(scene);
        stage.show();
    }

    private static int rowIndex(FxRobot robot, String agentId) {
        TableView<AgentRow> table = robot.lookup("#agents-table").queryTableView();
        for (int i = 0; i < table.getItems().size(); i++) {
            if (table.getItems().get(i).agentId().equals(agentId)) {
                return i;
            }
        }
        throw new AssertionError("no row for " + agentId);
    }

    @Test
    void untilItsFirstPageTheEmptyTableSaysItIsLoadingOrThatLoadingFailedNeverThatThereAreNoAgents() throws Exception {
        List<String> said = WaitForAsyncUtils.asyncFx(() -> {
            boolean[] reachable = {false};
            AgentsViewModel agents = new AgentsViewModel(new StubBroker() {
                @Override
                public dev.mandate.console.client.Model.AgentPage agents(dev.mandate.console.client.Model.AgentQuery query,
                                                                         int offset, int limit) {
                    if (!reachable[0]) {
                        throw new dev.mandate.console.client.BrokerException(503, "broker unreachable");
                    }
                    return new dev.mandate.console.client.Model.AgentPage(List.of(), 0, offset, limit);
                }
            }, Tasks.inline(), Duration.ZERO);
            AgentsView view = new AgentsView(agents);
            javafx.scene.control.Label placeholder = (javafx.scene.control.Label)
                    ((TableView<?>) view.lookup("#agents-table")).getPlaceholder();
            List<String> texts = new java.util.ArrayList<>(List.of(placeholder.getText()));
            agents.refresh();
            texts.add(placeholder.getText());
            reachable[0] = true;
            agents.refresh();
            texts.add(placeholder.getText());
            return texts;
        }).get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(List.of("Loading agents…", "Agents could not be loaded", "No agents"), said);
    }

    @Test
    void countdownBarsChangeColourAsTheClockMoves(FxRobot robot) {
        AgentRow row = robot.lookup("#agents-table").<TableView<AgentRow>>query().getItems().get(rowIndex(robot, a.agentId()));
        var start = row.expiresAt().minusSeconds(a.expiresIn());
        for (var step : List.of(new Object[]{0.5, "ok"}, new Object[]{0.8, "amber"}, new Object[]{0.95, "red"},
                new Object[]{1.0, "expired"})) {
            robot.interact(() -> vm.nowProperty().set(start.plusMillis((long) (a.expiresIn() * 1000 * (double) step[0]))));
            List<TtlBar> bars = robot.lookup(".ttl").queryAllAs(TtlBar.class).stream().toList();
            assertTrue(bars.stream().anyMatch(p -> p.getPseudoClassStates()
                    .contains(javafx.css.PseudoClass.getPseudoClass((String) step[1]))), step[1] + " shown");
        }
        robot.interact(() -> vm.nowProperty().set(java.time.Instant.now()));
    }

    @Test
    void aRowWhoseTokenRanOutSaysExpiredInEveryColumnBeforeTheBrokerSaysSo(FxRobot robot) {
        int index = rowIndex(robot, a.agentId());
        AgentRow row = robot.lookup("#agents-table").<TableView<AgentRow>>query().getItems().get(index);
        assertEquals("active", cellText(robot, "State", index));
        robot.interact(() -> vm.nowProperty().set(row.expiresAt().plusSeconds(2)));
        assertEquals("expired", cellText(robot, "State", index));
        assertEquals("expired", cellText(robot, "Effective expiry", index));
        assertEquals("active", row.state(), "the broker has not said so: the row's clock has");
        robot.interact(() -> vm.nowProperty().set(java.time.Instant.now()));
        assertEquals("active", cellText(robot, "State", index));
    }

    @Test
    void aScreenReaderMeetsEachCountdownsLineOnceAsItsText(FxRobot robot) {
        var countdowns = robot.lookup("#agents-table .countdown").queryAllAs(dev.mandate.console.agents.Countdown.class).stream()
                .filter(c -> !c.shown().isEmpty()).toList();
        assertFalse(countdowns.isEmpty(), "rows with countdowns on screen");
        for (var countdown : countdowns) {
            assertEquals(countdown.shown(), countdown.queryAccessibleAttribute(javafx.scene.AccessibleAttribute.TEXT));
            List<javafx.scene.Node> texts = new java.util.ArrayList<>();
            java.util.ArrayDeque<javafx.scene.Node> todo = new java.util.ArrayDeque<>(List.of(countdown));
            while (!todo.isEmpty()) {
                javafx.scene.Node n = todo.pop();
                if (n.getAccessibleRole() == javafx.scene.AccessibleRole.TEXT) {
                    texts.add(n);
                }
                if (n instanceof javafx.scene.Parent parent) {
                    todo.addAll(parent.getChildrenUnmodifiable());
                }
            }
            assertEquals(List.of(countdown), texts, "one text node for the line, not also the text drawn inside it");
        }
    }

    @Test
    void aTickRedrawsTheCountdownsAndLaysOutNoRowAgain(FxRobot robot) throws Exception {
        TableView<AgentRow> table = robot.lookup("#agents-table").queryTableView();
        AgentRow row = table.getItems().get(rowIndex(robot, a.agentId()));
        robot.interact(() -> table.scrollTo(row));
        javafx.scene.control.TableCell<?, ?> expiry = cell(robot, "Effective expiry", rowIndex(robot, a.agentId()));
        javafx.scene.layout.Region fill = (javafx.scene.layout.Region)
                cell(robot, "TTL", rowIndex(robot, a.agentId())).getGraphic().lookup(".ttl-fill");
        var rows = robot.lookup(".table-row-cell").queryAllAs(TableRow.class);
        // On the FX thread, between two pulses: the first tick's answer laid out, then what a second tick changes,
        // and whether it asks for rows to be laid out again (every second, every row on screen: most of a tick's
        // cost when it did).
        List<Object> seen = WaitForAsyncUtils.asyncFx(() -> {
            vm.nowProperty().set(row.expiresAt().minusSeconds(100));
            table.getScene().getRoot().layout();
            List<Object> at = new java.util.ArrayList<>(List.of(rows.stream().filter(TableRow::isNeedsLayout).count(),
                    text(expiry), fill.getWidth()));
            vm.nowProperty().set(row.expiresAt().minusSeconds(40));
            at.addAll(List.of(rows.stream().filter(TableRow::isNeedsLayout).count(), text(expiry), fill.getWidth()));
            return at;
        }).get(10, java.util.concurrent.TimeUnit.SECONDS);
        robot.interact(() -> vm.nowProperty().set(java.time.Instant.now()));
        assertTrue(rows.size() > 2, "rows on screen: " + rows.size());
        assertEquals(List.of(0L, "in 1m 40s"), seen.subList(0, 2), "laid out, counting down");
        assertEquals("in 0m 40s", seen.get(4), "the tick redrew the time left");
        assertTrue((double) seen.get(5) < (double) seen.get(2), "and shortened the bar at once: " + seen);
        assertEquals(0L, seen.get(3), "without asking for any row to be laid out again");
    }

    @Test
    void overASecondOfTicksEachCountdownMovesOnceAtItsOwnMoment(FxRobot robot) throws Exception {
        java.time.Instant base = java.time.Instant.now();
        // On the FX thread, with no pulse between the ticks (so no cell changes rows): the clock set, then ten
        // ticks; after each, what every live row's countdown on screen shows.
        record Seen(List<AgentRow> rows, List<List<String>> texts) {
        }
        Seen seen = WaitForAsyncUtils.asyncFx(() -> {
            vm.nowProperty().set(base.minusSeconds(1));
            vm.nowProperty().set(base);       // a second later: every countdown drawn as of base
            List<javafx.scene.control.TableCell<?, ?>> cells = robot.lookup(".table-cell")
                    .queryAllAs(javafx.scene.control.TableCell.class).stream()
                    .filter(c -> c.getTableColumn() != null && c.getTableColumn().getText().equals("Effective expiry")
                            && c.getItem() instanceof AgentRow row && row.state().equals("active"))
                    .<javafx.scene.control.TableCell<?, ?>>map(c -> c).toList();
            List<List<String>> texts = new java.util.ArrayList<>();
            for (int k = 0; k <= 10; k++) {
                vm.nowProperty().set(base.plus(dev.mandate.console.agents.Ticks.PERIOD.multipliedBy(k)));
                texts.add(cells.stream().map(ConsoleViewTest::text).toList());
            }
            return new Seen(cells.stream().map(c -> (AgentRow) c.getItem()).toList(), texts);
        }).get(10, java.util.concurrent.TimeUnit.SECONDS);
        robot.interact(() -> vm.nowProperty().set(java.time.Instant.now()));
        assertTrue(seen.rows().size() >= 2, "live rows on screen: " + seen.rows().size());
        for (int i = 0; i < seen.rows().size(); i++) {
            AgentRow row = seen.rows().get(i);
            int moment = 0;     // the tick at which this row's countdown moves
            for (int k = 1; k <= 10; k++) {
                var period = dev.mandate.console.agents.Ticks.PERIOD;
                if (dev.mandate.console.agents.Ticks.due(row.agentId(), base.plus(period.multipliedBy(k - 1)), base.plus(period.multipliedBy(k)))) {
                    moment = k;
                }
            }
            assertTrue(moment > 0, "a second of ticks moves every countdown once");
            for (int k = 0; k <= 10; k++) {
                java.time.Instant drawnAt = base.plus(dev.mandate.console.agents.Ticks.PERIOD.multipliedBy(k < moment ? 0 : moment));
                assertEquals(row.timeLeft(drawnAt), seen.texts().get(k).get(i), row.agentId() + " after tick " + k);
            }
        }
    }

    @Test
    void theFilterNarrowsTheTable(FxRobot robot) {
        robot.clickOn("#agents-filter").write("view-b");
        WaitForAsyncUtils.waitForFxEvents();
        TableView<AgentRow> table = robot.lookup("#agents-table").queryTableView();
        assertEquals(List.of(b.agentId()), table.getItems().stream().map(AgentRow::agentId).toList());
        robot.interact(() -> robot.lookup("#agents-filter").queryTextInputControl().clear());
    }

    @Test
    void theTreeShowsParentAndChild(FxRobot robot) {
        TreeView<?> tree = robot.lookup("#chains-tree").query();
        TreeItem<?> rootA = tree.getRoot().getChildren().stream()
                .filter(i -> i.getValue().toString().contains(a.agentId())).findFirst().orElseThrow();
        assertEquals(1, rootA.getChildren().size());
        assertTrue(rootA.getChildren().getFirst().getValue().toString().contains(b.agentId()));
        var cells = robot.lookup("#chains-tree .tree-cell").queryAllAs(javafx.scene.control.TreeCell.class).stream()
                .filter(c -> c.getItem() != null).toList();
        assertTrue(cells.stream().allMatch(c -> c.getGraphic().lookup(".ttl") instanceof TtlBar), "each node has its TTL bar");
        assertTrue(cells.stream().anyMatch(c -> line(c).shown().contains("· dropped read:data:*")),
                "the hop from A to B dropped read:data:* for read:data:x");
        assertTrue(cells.stream().allMatch(c -> line(c).shown().equals(c.queryAccessibleAttribute(javafx.scene.AccessibleAttribute.TEXT))),
                "a screen reader reads each node's line");
    }

    @Test
    void aTreeCellShowingAnotherNodeIsAsWideAsItsNewLine(FxRobot robot) throws Exception {
        // Two cells whose lines differ in length (the hop to B names what it dropped); the first made to show the
        // second's node, as scrolling or a refresh would: its preferred width (the tree's scroll width) follows.
        List<Double> widths = WaitForAsyncUtils.asyncFx(() -> {
            var cells = robot.lookup("#chains-tree .tree-cell").queryAllAs(javafx.scene.control.TreeCell.class).stream()
                    .filter(c -> c.getItem() != null).sorted(java.util.Comparator.comparingInt(c -> line(c).shown().length())).toList();
            var shorter = cells.getFirst();
            var longer = cells.getLast();
            int was = shorter.getIndex();
            shorter.getTreeView().getScene().getRoot().layout();
            double before = line(shorter).prefWidth(-1);
            double longest = line(longer).prefWidth(-1);
            shorter.updateIndex(longer.getIndex());
            line(shorter).getParent().layout();     // the cell's own graphic, as its next layout does
            List<Double> measured = List.of(before, line(shorter).prefWidth(-1), longest);
            shorter.updateIndex(was);
            return measured;
        }).get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(widths.get(0) < widths.get(2), "the lines differ: " + widths);
        assertEquals(widths.get(2), widths.get(1), 0.5, "the cell measures its new line: " + widths);
    }

    /** A tree cell's line. */
    private static dev.mandate.console.agents.Countdown line(javafx.scene.control.TreeCell<?> cell) {
        return (dev.mandate.console.agents.Countdown) cell.getGraphic().lookup(".countdown");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRefreshKeepsTheOperatorsSelectionInTheTree(FxRobot robot) {
        TreeView<TreesViewModel.Branch> tree = robot.lookup("#chains-tree").query();
        TreeItem<TreesViewModel.Branch> child = tree.getRoot().getChildren().stream()
                .filter(i -> i.getValue().holder().equals(a.agentId())).findFirst().orElseThrow().getChildren().getFirst();
        robot.interact(() -> tree.getSelectionModel().select(child));
        String jti = child.getValue().jti();
        TestBroker.Agent x = broker.registerAgent(admin, "view", "view-x", "[\"read:data:*\"]");
        broker.delegated(ab, x.agentId(), "[\"read:data:x\"]");   // a's tree grows below the selected node
        robot.interact(vm::refresh);                  // a new page: the trees are asked again, every item rebuilt
        assertTrue(tree.getRoot().getChildren().stream().noneMatch(i -> i.getChildren().contains(child)), "items were rebuilt");
        assertEquals(jti, tree.getSelectionModel().getSelectedItem().getValue().jti());
    }

    @Test
    void cancellingTheConfirmationSendsNothingAndConfirmingRevokes(FxRobot robot) {
        TestBroker.Agent c = broker.registerAgent(admin, "view", "view-c", "[\"read:data:*\"]");
        robot.interact(vm::refresh);
        int index = rowIndex(robot, c.agentId());
        TableView<AgentRow> rows = robot.lookup("#agents-table").queryTableView();
        robot.interact(() -> rows.getSelectionModel().clearAndSelect(index));   // a selected row shows its buttons
        var buttons = robot.lookup(".revoke-agent").queryAllAs(javafx.scene.control.Button.class).stream()
                .filter(btn -> btn.getParent().getParent() instanceof javafx.scene.control.TableCell<?, ?> cell
                        && cell.getIndex() == index).toList();
        assertEquals(1, buttons.size());

        robot.clickOn(buttons.getFirst());
        assertTrue(robot.lookup("#confirm-revoke").tryQuery().isPresent(), "a confirmation is shown");
        assertTrue(robot.lookup(".content").queryLabeled().getText().contains("1 live token will die"));
        robot.clickOn(((javafx.scene.control.DialogPane) robot.lookup("#confirm-revoke").query())
                .lookupButton(javafx.scene.control.ButtonType.CANCEL));
        assertTrue(broker.valid(c.token()), "cancel sends nothing");

        robot.clickOn(buttons.getFirst());
        robot.clickOn(((javafx.scene.control.DialogPane) robot.lookup("#confirm-revoke").query())
                .lookupButton(dev.mandate.console.agents.Confirm.REVOKE));
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(broker.valid(c.token()), "the agent's token died");
        TableView<AgentRow> table = robot.lookup("#agents-table").queryTableView();
        assertEquals("revoked", table.getItems().get(rowIndex(robot, c.agentId())).state());
        assertEquals("revoked", cellText(robot, "Effective expiry", rowIndex(robot, c.agentId())),
                "a revoked row says so instead of counting down");
        assertEquals(0.0, table.getItems().get(rowIndex(robot, c.agentId())).remaining(java.time.Instant.now()),
                "and its TTL bar is empty");
        assertTrue(cellText(robot, "Effective expiry", rowIndex(robot, a.agentId())).startsWith("in "), "a live row counts down");
        robot.interact(() -> rows.getSelectionModel().clearSelection());
    }

    @Test
    void revokeButtonsShowOnTheRowUnderTheMouseAndOnSelectedRowsOnly(FxRobot robot) {
        broker.registerAgent(admin, "view", "view-m", "[\"read:data:*\"]");
        broker.registerAgent(admin, "view", "view-n", "[\"read:data:*\"]");
        robot.interact(vm::refresh);
        TableView<AgentRow> table = robot.lookup("#agents-table").queryTableView();
        robot.interact(() -> table.getSelectionModel().clearSelection());
        robot.moveTo("#agents-filter");
        assertEquals(java.util.Map.of(), revokeButtonsByRow(robot), "no row hovered or selected: no buttons");

        robot.moveTo(robot.lookup(".table-row-cell").match((TableRow<?> r) -> r.isVisible() && !r.isEmpty() && r.getIndex() == 1)
                .queryAs(TableRow.class));
        assertEquals(java.util.Map.of(1, 4L), revokeButtonsByRow(robot), "the four buttons of the row under the mouse");

        // Clicked there, a button selects its row, so that its buttons stay while the mouse is on the confirmation.
        robot.clickOn(robot.lookup(".revoke-agent").match(javafx.scene.Node::isVisible).queryButton());
        assertTrue(robot.lookup("#confirm-revoke").tryQuery().isPresent(), "a confirmation is shown");
        assertEquals(List.of(1), List.copyOf(table.getSelectionModel().getSelectedIndices()));
        robot.clickOn(((javafx.scene.control.DialogPane) robot.lookup("#confirm-revoke").query())
                .lookupButton(javafx.scene.control.ButtonType.CANCEL));
        robot.moveTo("#agents-filter");
        assertEquals(java.util.Map.of(1, 4L), revokeButtonsByRow(robot), "the acted-on row keeps its buttons, selected");
        robot.interact(() -> table.getSelectionModel().clearSelection());

        robot.interact(() -> table.getSelectionModel().select(0));
        robot.moveTo("#agents-filter");
        assertEquals(java.util.Map.of(0, 4L), revokeButtonsByRow(robot), "the selected row's, once the mouse has left the other");
        robot.interact(() -> table.getSelectionModel().clearSelection());
    }

    /** The revoke buttons on screen, counted by the index of their row. */
    private static java.util.Map<Integer, Long> revokeButtonsByRow(FxRobot robot) {
        return robot.lookup(".revoke").queryAll().stream().filter(ConsoleViewTest::shown)
                .collect(java.util.stream.Collectors.groupingBy(b -> ((TableCell<?, ?>) b.getParent().getParent()).getIndex(),
                        java.util.stream.Collectors.counting()));
    }

    @Test
    void severalRowsSelectedAreRevokedBehindOneConfirmation(FxRobot robot) {
        List<TestBroker.Agent> two = registerAndSelect(robot, "view-d", "view-e");
        TestBroker.Agent d = two.get(0);
        TestBroker.Agent e = two.get(1);
        robot.clickOn("#revoke-selected");
        WaitForAsyncUtils.waitForFxEvents();
        String text = robot.lookup(".content").queryLabeled().getText();
        assertTrue(text.startsWith("Revoke 2 agents (") && text.endsWith("2 live tokens will die."), text);
        robot.clickOn(((javafx.scene.control.DialogPane) robot.lookup("#confirm-revoke").query())
                .lookupButton(dev.mandate.console.agents.Confirm.REVOKE));
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(broker.valid(d.token()));
        assertFalse(broker.valid(e.token()));
        assertTrue(broker.valid(a.token()), "an agent not selected lives");
    }

    @Test
    void severalSelectedAgentsStaySelectedWhenANewPageReordersTheRows(FxRobot robot) {
        List<TestBroker.Agent> two = registerAndSelect(robot, "view-f", "view-g");
        TestBroker.Agent f = two.get(0);
        TestBroker.Agent g = two.get(1);
        TableView<AgentRow> table = robot.lookup("#agents-table").queryTableView();
        List<AgentRow> before = List.copyOf(vm.rows());
        broker.clock.advance(java.time.Duration.ofSeconds(1));
        broker.registerAgent(admin, "view", "view-h", "[\"read:data:*\"]");   // newest first: every row moves down
        robot.interact(vm::refresh);
        assertTrue(!before.equals(vm.rows()), "the page was replaced");
        assertEquals(java.util.Set.of(f.agentId(), g.agentId()), table.getSelectionModel().getSelectedItems().stream()
                .map(AgentRow::agentId).collect(java.util.stream.Collectors.toSet()), "the operator's selection, whole");
        robot.interact(() -> table.getSelectionModel().clearSelection());
    }

    @Test
    void aFullPageReplacedReusesTheRowsControlsInsteadOfStylingThemAgain(FxRobot robot) {
        // A page of 3 that stays full, as the 100-agent page does while registrations stream in, in a window of its own.
        broker.registerAgent(admin, "view", "view-i", "[\"read:data:*\"]");
        AgentsViewModel paged = new AgentsViewModel(Fixture.client(broker), Tasks.inline(), Duration.ZERO, 3);
        AgentsView[] shown = new AgentsView[1];
        robot.interact(() -> {
            shown[0] = new AgentsView(paged);
            paged.refresh();
            Stage window = new Stage();
            Scene scene = new Scene(shown[0], 1200, 300);
            scene.getStylesheets().add(ConsoleApp.CSS);
            window.setScene(scene);
            window.show();
        });
        AgentsView view = shown[0];
        // The TTL bars on screen: each time one leaves the scene and comes back, JavaFX builds its styles again,
        // which is what made each streamed page cost the FX thread tens of milliseconds.
        List<javafx.scene.Node> controls = new java.util.ArrayList<>(robot.from(view).lookup("." + TtlBar.STYLE).queryAll());
        assertEquals(3, controls.stream().filter(ConsoleViewTest::shown).count(), "a bar a row");
        java.util.concurrent.atomic.AtomicInteger moves = new java.util.concurrent.atomic.AtomicInteger();
        controls.forEach(n -> n.sceneProperty().addListener((o, was, now) -> moves.incrementAndGet()));
        List<String> before = paged.rows().stream().map(AgentRow::agentId).toList();
        broker.clock.advance(java.time.Duration.ofSeconds(1));
        broker.registerAgent(admin, "view", "view-j", "[\"read:data:*\"]");   // newest first: every row moves down
        robot.interact(paged::refresh);
        assertEquals(before.subList(0, 2), paged.rows().stream().map(AgentRow::agentId).toList().subList(1, 3), "the page moved down one");
        assertEquals(0, moves.get(), "bars taken out of the scene and put back");
        robot.interact(() -> view.getScene().getWindow().hide());
    }

    @Test
    void sortingByTimeLeftPutsTheSoonestToExpireFirstAndTheDeadLast(FxRobot robot) {
        String shortLaunch = broker.launchToken(admin, "[\"read:data:*\"]", "\"max_ttl\":30");
        var r = broker.post("/v1/register", TestBroker.registration(shortLaunch, broker.nonce(), TestBroker.ed25519(), "view",
                "view-short", "[\"read:data:x\"]"), null);
        String soonest = r.json().getString("agent_id");
        TestBroker.Agent dead = broker.registerAgent(admin, "view", "view-dead", "[\"read:data:*\"]");
        broker.revoke(admin, "agent", dead.agentId());
        robot.interact(vm::refresh);
        TableView<AgentRow> table = robot.lookup("#agents-table").queryTableView();
        var column = table.getColumns().stream().filter(c -> c.getText().equals("Effective expiry")).findFirst().orElseThrow();
        robot.interact(() -> {
            column.setSortType(javafx.scene.control.TableColumn.SortType.ASCENDING);
            table.getSortOrder().setAll(java.util.List.of(column));
        });
        assertEquals(soonest, table.getItems().getFirst().agentId(), "30 s left comes before 5 minutes");
        assertTrue(table.getItems().stream().dropWhile(row -> "active".equals(row.state()))
                .allMatch(row -> !"active".equals(row.state())), "every dead row after every live one");
        robot.interact(() -> table.getSortOrder().clear());
    }

    /** Whether {@code node} and every parent it has are visible. */
    private static boolean shown(javafx.scene.Node node) {
        return node == null || node.isVisible() && shown(node.getParent());
    }

    /** Registers an agent for each task, shows the new page and selects exactly those agents' rows. */
    private List<TestBroker.Agent> registerAndSelect(FxRobot robot, String... tasks) {
        List<TestBroker.Agent> agents = java.util.Arrays.stream(tasks)
                .map(task -> broker.registerAgent(admin, "view", task, "[\"read:data:*\"]")).toList();
        robot.interact(vm::refresh);
        selectOnly(robot, robot.lookup("#agents-table").queryTableView(),
                agents.stream().map(TestBroker.Agent::agentId).toArray(String[]::new));
        return agents;
    }

    /** Selects exactly the rows of {@code agentIds}, as an operator's Ctrl+clicks would. */
    private static void selectOnly(FxRobot robot, TableView<AgentRow> table, String... agentIds) {
        robot.interact(() -> {
            table.getSelectionModel().clearSelection();
            for (String id : agentIds) {
                table.getSelectionModel().select(rowIndex(robot, id));
            }
        });
    }

    /** The text a column's cell shows for row {@code index}. */
    private static String cellText(FxRobot robot, String column, int index) {
        return text(cell(robot, column, index));
    }

    /** A column's cell for row {@code index}. */
    private static javafx.scene.control.TableCell<?, ?> cell(FxRobot robot, String column, int index) {
        return robot.lookup(".table-cell").queryAllAs(javafx.scene.control.TableCell.class).stream()
                .filter(cell -> cell.getIndex() == index && cell.getTableColumn() != null
                        && column.equals(cell.getTableColumn().getText()))
                .findFirst().orElseThrow(() -> new AssertionError("no cell"));
    }

    /** The text {@code cell} shows: its own, or its countdown's. */
    private static String text(javafx.scene.control.TableCell<?, ?> cell) {
        return cell.getGraphic() instanceof dev.mandate.console.agents.Countdown countdown ? countdown.shown() : cell.getText();
    }
}
