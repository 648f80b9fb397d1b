package dev.mandate.console;

import dev.mandate.console.apps.AppsView;
import dev.mandate.console.apps.AppsViewModel;
import dev.mandate.console.client.Model;
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
    void registeringShowsTheSecretOnceWithACopyButtonAndAWarning(FxRobot robot) {
        robot.clickOn("#new-app");
        robot.clickOn("#app-name").write("ui-app");
        robot.clickOn("#app-scopes").write("read:data:*");
        robot.clickOn(((DialogPane) robot.lookup("#app-form").query()).lookupButton(AppsView.REGISTER));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#client-secret-dialog").tryQuery().isPresent(), "the secret is shown");
        String secret = robot.lookup("#client-secret").queryTextInputControl().getText();
        assertTrue(robot.lookup("#client-secret-warning").queryLabeled().getText().contains("never show it again"));
        robot.clickOn("#copy-secret");
        String[] copied = new String[1];
        robot.interact(() -> copied[0] = javafx.scene.input.Clipboard.getSystemClipboard().getString());
        assertEquals(secret, copied[0], "the copy button puts the secret on the clipboard");
        robot.clickOn(((DialogPane) robot.lookup("#client-secret-dialog").query()).lookupButton(ButtonType.CLOSE));
        WaitForAsyncUtils.waitForFxEvents();
        var app = vm.apps().stream().filter(a -> a.name().equals("ui-app")).findFirst().orElseThrow();
        assertEquals(200, broker.post("/v1/app/auth", "{\"client_id\":\"" + app.clientId() + "\",\"client_secret\":\""
                + secret + "\"}", null).status(), "the secret shown is the app's");
        // Out of the way of the other test's single "Deactivate…" button.
        assertEquals(200, broker.delete("/v1/admin/apps/" + app.appId(), admin).status());
        robot.interact(vm::refresh);
    }

    private Model.AppView app(String name) {
        return vm.apps().stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void deactivatingAsksOffersToRevokeTheAgentsAndDoesWhatWasChosen(FxRobot robot) {
        String agent = appWithAnAgent("fleet-app");
        robot.interact(vm::refresh);

        robot.clickOn("Deactivate…");
        DialogPane dialog = robot.lookup("#confirm-deactivate").query();
        robot.clickOn(dialog.lookupButton(ButtonType.CANCEL));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("active", app("fleet-app").status(), "cancel sends nothing");

        robot.clickOn("Deactivate…");
        dialog = robot.lookup("#confirm-deactivate").query();
        CheckBox revokeAgents = robot.lookup("#deactivate-revoke-agents").query();
        robot.clickOn(revokeAgents);
        assertTrue(robot.lookup(".label").queryAllAs(javafx.scene.control.Label.class).stream()
                .anyMatch(l -> l.getText().contains("Every agent it launched is revoked too")), "the confirmation says so");
        robot.clickOn(dialog.lookupButton(AppsView.DEACTIVATE));
        WaitForAsyncUtils.waitForFxEvents();

        assertEquals("Deactivated fleet-app: 1 agents revoked, 1 live tokens killed", vm.message().get());
        assertEquals("inactive", app("fleet-app").status());
        assertFalse(broker.valid(agent), "the agent the app launched is revoked");
    }
}
