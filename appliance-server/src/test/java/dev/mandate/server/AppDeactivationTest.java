package dev.mandate.server;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.mandate.server.Problem.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Deactivating an app (SPEC §2.2): its tokens and launch tokens die at once; with revoke_agents, its agents too. */
class AppDeactivationTest extends WithBroker {

    private record AppUnderTest(String id, String token, String launch) {
    }

    /** An app, its token, and a multi-use launch token it issued. */
    private static AppUnderTest app(String name) {
        JsonObject app = broker.post("/v1/admin/apps", "{\"name\":\"" + name + "\",\"scopes\":[\"read:data:*\"]}", admin).json();
        String token = broker.post("/v1/app/auth", "{\"client_id\":\"" + app.getString("client_id") + "\",\"client_secret\":\""
                + app.getString("client_secret") + "\"}", null).json().getString("access_token");
        var launch = broker.post("/v1/app/launch-tokens", "{\"agent_name\":\"w\",\"allowed_scope\":[\"read:data:*\"],"
                + "\"single_use\":false,\"ttl\":600}", token);
        assertEquals(201, launch.status(), launch.toString());
        return new AppUnderTest(app.getString("app_id"), token, launch.json().getString("launch_token"));
    }

    private static TestBroker.Response register(String launch, String task) {
        return broker.post("/v1/register", TestBroker.registration(launch, broker.nonce(), TestBroker.ed25519(),
                "apps", task, "[\"read:data:x\"]"), null);
    }

    @Test
    void aDeactivatedAppsLaunchTokensDieAtOnceWhileItsAgentsKeepRunning() {
        AppUnderTest app = app("launcher-one");
        var before = register(app.launch(), "before");
        assertEquals(200, before.status(), before.toString());
        var deleted = broker.delete("/v1/admin/apps/" + app.id(), admin);
        assertEquals(200, deleted.status());
        assertFalse(deleted.json().containsKey("count"), "no agents were asked to be revoked");

        assertProblem(register(app.launch(), "after"), 401, "unauthorized", "/v1/register");
        assertFalse(broker.valid(app.token()), "the app's own token is dead");
        assertTrue(broker.valid(before.json().getString("access_token")), "an agent launched earlier keeps running");
    }

    @Test
    void revokeAgentsRevokesEveryAgentTheAppLaunchedAtChainLevel() {
        AppUnderTest app = app("launcher-two");
        String a1 = register(app.launch(), "fleet").json().getString("access_token");
        var a2 = register(app.launch(), "fleet").json();
        var outsider = broker.registerAgent(admin, "apps", "outsider", "[\"read:data:*\"]");
        String delegated = broker.delegated(a1, outsider.agentId(), "[\"read:data:x\"]");

        var deleted = broker.delete("/v1/admin/apps/" + app.id() + "?revoke_agents=true", admin);
        assertEquals(200, deleted.status(), deleted.toString());
        assertEquals(2, deleted.json().getInt("revoked_agents"));
        assertEquals(3, deleted.json().getInt("count"), "a1, a2 and the token a1 delegated");
        for (String dead : List.of(a1, a2.getString("access_token"), delegated, app.token())) {
            assertFalse(broker.valid(dead));
            assertFalse(broker.bearerAccepts(dead));
            assertFalse(broker.introspect(admin, dead).getBoolean("active"));
        }
        assertTrue(broker.valid(outsider.token()), "the outsider's own tree is not the app's");
        assertProblem(broker.delete("/v1/admin/apps/" + app.id() + "?revoke_agents=maybe", admin), 400,
                "invalid_request", "/v1/admin/apps/" + app.id());
    }

    /** Registrations raced against the deactivation: once it has answered, no token from the app's launch token lives. */
    @Test
    void noRegistrationOutrunsADeactivation() throws Exception {
        for (int round = 0; round < 20; round++) {
            AppUnderTest app = app("racer-" + round);
            List<String> tokens = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean running = new AtomicBoolean(true);
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> registrars = new ArrayList<>();
                for (int t = 0; t < 3; t++) {
                    registrars.add(pool.submit(() -> {
                        // Until the deactivation has answered; the request in flight then may land either side of it.
                        while (running.get()) {
                            var r = register(app.launch(), "race");
                            if (r.status() == 200) {
                                tokens.add(r.json().getString("access_token"));
                            }
                        }
                        return null;
                    }));
                }
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
                while (tokens.size() < 2 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertEquals(200, broker.delete("/v1/admin/apps/" + app.id() + "?revoke_agents=true", admin).status());
                running.set(false);
                for (Future<?> f : registrars) {
                    f.get();
                }
            }
            for (String t : tokens) {
                assertFalse(broker.valid(t), "round " + round + ": a token of the deactivated app's agents lives");
            }
        }
    }
}
