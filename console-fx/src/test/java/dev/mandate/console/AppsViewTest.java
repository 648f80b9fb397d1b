package dev.mandate.console;

import dev.mandate.console.apps.AppsView;
import dev.mandate.console.apps.AppsViewModel;
import dev.mandate.console.fx.Tasks;
import dev.mandate.server.TestBroker;
import jakarta.json.JsonObject;
import javafx.scene.Scene;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.DialogPane;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The apps tab against a real broker: deactivating an app asks first, offers to revoke every agent it
 * launched, and does exactly what was chosen (cancel sends nothing).
 */
@ExtendWith(ApplicationExtension.class)
class AppsViewTest {

    @TempDir
    static Path dir;
    static TestBroker broker;
    static String admin;
    AppsViewModel vm;

    @BeforeAll
    static void startBroker() {
        broker = Fixture.broker(dir.resolve("apps"));
        admin = broker.adminToken();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Start
    void start(Stage stage) {
        vm = new AppsViewModel(Fixture.client(broker), Tasks.inline());
        stage.setScene(new Scene(new AppsView(vm), 1100, 400));
        stage.show();
    }

    /** An app that launched one agent; returns the agent's token. */
    private static String appWithAnAgent(String name) {
        JsonObject app = broker.post("/v1/admin/apps", "{\"name\":\"" + name + "\",\"scopes\":[\"read:data:*\"]}", admin).json();
        String appToken = broker.post("/v1/app/auth", "{\"client_id\":\"" + app.getString("client_id")
                + "\",\"client_secret\":\"" + app.getString("client_secret") + "\"}", null).json().getString("access_token");
        String launch = broker.post("/v1/app/launch-tokens", "{\"agent_name\":\"w\",\"allowed_scope\":[\"read:data:*\"]}",
                appToken).json().getString("launch_token");
        return broker.post("/v1/register", TestBroker.registration(launch, broker.nonce(), TestBroker.ed25519(), "apps",
                name, "[\"read:data:x\"]"), null).json().getString("access_token");
    }

    @Test
    void deactivatingAsksOffersToRevokeTheAgentsAndDoesWhatWasChosen(FxRobot robot) {
        String agent = appWithAnAgent("fleet-app");
        robot.interact(vm::refresh);

        robot.clickOn("Deactivate…");
        DialogPane dialog = robot.lookup("#confirm-deactivate").query();
        robot.clickOn(dialog.lookupButton(ButtonType.CANCEL));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("active", vm.apps().getFirst().status(), "cancel sends nothing");

        robot.clickOn("Deactivate…");
        dialog = robot.lookup("#confirm-deactivate").query();
        CheckBox revokeAgents = robot.lookup("#deactivate-revoke-agents").query();
        robot.clickOn(revokeAgents);
        assertTrue(robot.lookup(".label").queryAllAs(javafx.scene.control.Label.class).stream()
                .anyMatch(l -> l.getText().contains("Every agent it launched is revoked too")), "the confirmation says so");
        robot.clickOn(dialog.lookupButton(AppsView.DEACTIVATE));
        WaitForAsyncUtils.waitForFxEvents();

        assertEquals("Deactivated fleet-app: 1 agents revoked, 1 live tokens killed", vm.message().get());
        assertEquals("inactive", vm.apps().getFirst().status());
        assertFalse(broker.valid(agent), "the agent the app launched is revoked");
    }
}
