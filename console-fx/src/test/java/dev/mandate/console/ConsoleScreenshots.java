package dev.mandate.console;

import dev.mandate.console.agents.AgentRow;
import dev.mandate.console.fx.Tasks;
import dev.mandate.console.ui.Appearance;
import dev.mandate.console.ui.ConsoleApp;
import dev.mandate.console.ui.MainView;
import dev.mandate.server.TestBroker;
import jakarta.json.JsonObject;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.stage.Stage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The README's screenshots: a real broker seeded with a realistic demo (three apps, a dozen
 * orchestrations, delegation trees three deep, some revoked, some about to expire, a rotated key), the
 * console in a window, one PNG per tab in the light and the dark theme under {@code docs/console/}.
 * {@code ./mandate screenshots} runs it in a real window under Xvfb; any display (or Monocle) will do.
 */
public final class ConsoleScreenshots {

    private static final List<String> ORCHESTRATIONS = List.of("research-q3", "billing-recon", "support-triage",
            "sales-forecast", "security-review", "hr-onboarding", "ops-incident-4127", "legal-contracts",
            "marketing-brief", "data-quality", "finance-close", "eng-release-2.4");

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/console").toAbsolutePath();
        Files.createDirectories(out);
        Path dir = Files.createTempDirectory("mandate-screenshots");
        try (TestBroker broker = Fixture.broker(dir)) {
            seed(broker);
            CompletableFuture<Void> started = new CompletableFuture<>();
            Platform.startup(() -> started.complete(null));
            started.get(30, TimeUnit.SECONDS);
            Appearance appearance = new Appearance(dir.resolve("console.properties"));
            MainView main = fx(() -> {
                MainView m = new MainView(Fixture.client(broker), Tasks.javafx(), Clock.systemUTC(), appearance, MainView.OVERVIEW);
                Stage stage = new Stage();
                Scene scene = new Scene(m, 1360, 820);
                scene.getStylesheets().add(ConsoleApp.CSS);
                stage.setScene(scene);
                stage.setTitle("Mandate — " + broker.url());
                stage.show();
                m.start();
                return m;
            });
            pause(4_000);   // the first loads, the event stream, an overview sample
            fx(() -> {
                // The pointer off the window: a row under it would show its revoke buttons, as an operator's would.
                var screen = javafx.stage.Screen.getPrimary().getBounds();
                new javafx.scene.robot.Robot().mouseMove(screen.getMaxX() - 1, screen.getMaxY() - 1);
                return null;
            });
            TabPane tabs = fx(() -> (TabPane) main.lookup("#tabs"));
            for (Appearance.Theme theme : Appearance.Theme.values()) {
                fx(() -> {
                    appearance.theme().set(theme);
                    return null;
                });
                for (int i = 0; i < fx(() -> tabs.getTabs().size()); i++) {
                    int index = i;
                    String name = fx(() -> {
                        tabs.getSelectionModel().select(index);
                        return tabs.getTabs().get(index).getText();
                    });
                    if (name.equals("Agents")) {
                        selectAnAgent(main);
                    }
                    if (name.equals("Audit")) {
                        javafx.scene.control.Button verify = shown(main, "#verify-chain");
                        fx(() -> {
                            verify.fire();
                            return null;
                        });
                    }
                    pause(1_500);
                    Path file = out.resolve(String.format(Locale.ROOT, "%d-%s-%s.png", index + 1,
                            name.toLowerCase(Locale.ROOT).replace(' ', '-'), theme.name().toLowerCase(Locale.ROOT)));
                    fx(() -> {
                        Screenshots.write(main.getScene().getRoot(), file);
                        return null;
                    });
                    System.out.println("wrote " + file);
                }
            }
            fx(() -> {
                main.close();
                return null;
            });
        } finally {
            Platform.exit();
        }
    }

    /** The demo: what an operator of a busy appliance would see on an ordinary afternoon. */
    static void seed(TestBroker broker) {
        String admin = broker.adminToken();
        String[] apps = {"research-assistant", "billing-bot", "support-copilot"};
        String[] scopes = {"[\"read:data:*\",\"write:reports:*\"]", "[\"read:invoices:*\",\"send:email:customers\"]",
                "[\"read:tickets:*\",\"write:tickets:*\"]"};
        String[] appTokens = new String[apps.length];
        for (int i = 0; i < apps.length; i++) {
            JsonObject app = broker.post("/v1/admin/apps", "{\"name\":\"" + apps[i] + "\",\"scopes\":" + scopes[i]
                    + ",\"token_ttl\":900}", admin).json();
            appTokens[i] = broker.post("/v1/app/auth", "{\"client_id\":\"" + app.getString("client_id")
                    + "\",\"client_secret\":\"" + app.getString("client_secret") + "\"}", null).json().getString("access_token");
        }
        var overview = broker.broker().overview();
        List<String> refused = new java.util.ArrayList<>();
        overview.sample();
        for (int o = 0; o < ORCHESTRATIONS.size(); o++) {
            if (o % 4 == 0) {
                tick(broker, 2_000);
                overview.sample();   // what the housekeeping does every 10 s: a few points for the chart
            }
            String orch = ORCHESTRATIONS.get(o);
            int app = o % apps.length;
            String scope = scopes[app];
            String first = scope.substring(2, scope.indexOf('"', 2));
            // A planner, a worker it delegates to, and a helper the worker delegates to: three deep.
            int maxTtl = o % 4 == 3 ? 45 : 900;   // some orchestrations about to expire
            var planner = agent(broker, appTokens[app], orch, "plan", scope, maxTtl);
            var worker = agent(broker, appTokens[app], orch, "work", scope, maxTtl);
            var helper = agent(broker, appTokens[app], orch, "assist", scope, maxTtl);
            String toWorker = broker.delegated(planner.token(), worker.agentId(), "[\"" + first + "\"]");
            broker.delegated(toWorker, helper.agentId(), "[\"" + first.replace("*", "summary") + "\"]");
            if (o % 5 == 1) {
                broker.revoke(admin, "chain", worker.agentId());          // a tree revoked whole
                refused.add(worker.token());
            } else if (o % 5 == 3) {
                broker.revoke(admin, "agent", helper.agentId());          // one agent revoked
                refused.add(helper.token());
            }
        }
        for (int i = 0; i < 10; i++) {
            refused.forEach(broker::valid);   // agents still presenting revoked tokens: refused validations
        }
        broker.post("/v1/admin/keys/rotate", "{\"immediate\":true}", admin);
        tick(broker, 2_000);
        overview.sample();
    }

    private static TestBroker.Agent agent(TestBroker broker, String appToken, String orch, String role, String scope, int maxTtl) {
        String launch = broker.post("/v1/app/launch-tokens", "{\"agent_name\":\"" + role + "\",\"allowed_scope\":" + scope
                + ",\"max_ttl\":" + maxTtl + "}", appToken).json().getString("launch_token");
        var keys = TestBroker.ed25519();
        var r = broker.post("/v1/register", TestBroker.registration(launch, broker.nonce(), keys, orch, orch + "-" + role, scope), null);
        if (r.status() != 200) {
            throw new IllegalStateException("register: " + r);
        }
        return new TestBroker.Agent(r.json().getString("agent_id"), r.json().getString("access_token"),
                r.json().getJsonNumber("expires_in").longValue(), keys);
    }

    /** The node {@code id} once its tab has built it (a tab's controls are built when it is first shown). */
    @SuppressWarnings("unchecked")
    private static <N extends javafx.scene.Node> N shown(MainView main, String id) throws Exception {
        for (int i = 0; i < 100; i++) {
            javafx.scene.Node node = fx(() -> main.lookup(id));
            if (node != null) {
                return (N) node;
            }
            pause(100);
        }
        throw new IllegalStateException(id + " is not shown");
    }

    private static void selectAnAgent(MainView main) throws Exception {
        TableView<AgentRow> table = shown(main, "#agents-table");
        fx(() -> {
            table.getItems().stream().filter(r -> r.taskIdProperty().get().endsWith("-work")).findFirst()
                    .ifPresent(r -> table.getSelectionModel().select(r));
            return null;
        });
    }

    private static <T> T fx(java.util.concurrent.Callable<T> work) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                result.complete(work.call());
            } catch (Exception | Error e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(30, TimeUnit.SECONDS);
    }

    /** Lets {@code millis} pass, on the test broker's clock too (it moves only when told). */
    private static void tick(TestBroker broker, long millis) {
        pause(millis);
        broker.clock.advance(java.time.Duration.ofMillis(millis));
    }

    private static void pause(long millis) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
    }
}
