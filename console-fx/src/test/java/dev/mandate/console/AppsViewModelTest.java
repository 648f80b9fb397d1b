package dev.mandate.console;

import dev.mandate.console.apps.AppsViewModel;
import dev.mandate.console.client.Model;
import dev.mandate.console.fx.Tasks;
import dev.mandate.server.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The apps tab's view-model on a real broker: register (the secret handed over once), edit, refuse bad input. */
class AppsViewModelTest {

    @TempDir
    Path dir;

    @Test
    void anAppIsRegisteredWithItsSecretShownOnceThenEdited() {
        try (TestBroker broker = Fixture.broker(dir)) {
            AppsViewModel vm = new AppsViewModel(Fixture.client(broker), Tasks.inline());
            List<Model.CreatedApp> shown = new ArrayList<>();
            vm.create(" fleet ", "read:data:*, write:reports:*", "600", shown::add);
            assertEquals(1, shown.size(), "the secret is handed to the view once");
            Model.CreatedApp created = shown.getFirst();
            assertFalse(created.toString().contains(created.clientSecret()), "the secret is not in the record's text");
            assertEquals("Registered fleet (" + created.app().clientId() + ")", vm.message().get());
            var auth = broker.post("/v1/app/auth", "{\"client_id\":\"" + created.app().clientId() + "\",\"client_secret\":\""
                    + created.clientSecret() + "\"}", null);
            assertEquals(200, auth.status(), "the secret shown is the app's");
            Model.AppView listed = vm.apps().stream().filter(a -> a.appId().equals(created.app().appId())).findFirst().orElseThrow();
            assertEquals(List.of("read:data:*", "write:reports:*"), listed.scopes());
            assertEquals(600, listed.tokenTtl());

            vm.update(listed, "read:data:*", "120");
            assertEquals("Updated fleet: read:data:*, tokens live 120 s", vm.message().get());
            String admin = broker.adminToken();
            var onBroker = broker.get("/v1/admin/apps/" + listed.appId(), admin).json();
            assertEquals(120, onBroker.getInt("token_ttl"));
            assertEquals(1, onBroker.getJsonArray("scopes").size());
        }
    }

    @Test
    void badInputIsSaidAndNothingIsSent() {
        AppsViewModel vm = new AppsViewModel(new StubBroker(), Tasks.inline());   // any call would throw
        List<Model.CreatedApp> shown = new ArrayList<>();
        vm.create("", "read:data:*", "", shown::add);
        assertEquals("an app needs a name", vm.message().get());
        vm.create("a", " , ", "", shown::add);
        assertTrue(vm.message().get().startsWith("an app needs at least one scope"));
        vm.create("a", "read:data:*", "ten", shown::add);
        assertEquals("the token lifetime is a number of seconds above 0", vm.message().get());
        vm.create("a", "read:data:*", "-5", shown::add);
        assertEquals("the token lifetime is a number of seconds above 0", vm.message().get());
        assertTrue(shown.isEmpty());
    }
}
