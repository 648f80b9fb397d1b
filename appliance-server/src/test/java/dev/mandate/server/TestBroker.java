package dev.mandate.server;

import dev.mandate.hsm.TestToken;
import dev.mandate.server.audit.AuditEvent;
import dev.mandate.server.audit.AuditLog;
import dev.mandate.server.http.Json;
import jakarta.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real broker for tests: real Helidon server on a random loopback port, H2 on disk in a temp
 * directory, the JVM's SoftHSM2 token, a clock the test can move. Every secret and token it sees is
 * remembered, so the leak scan can look for them in logs and audit events afterwards.
 */
public final class TestBroker implements AutoCloseable {

    public static final String ADMIN_SECRET = "test-admin-secret-7f3a9c1e5b";
    /** Everything the leak scan must never find in a log line or an audit event. */
    public static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
    /** Audit events of every broker the tests ran, collected as it closes. */
    public static final List<AuditEvent> AUDIT = java.util.Collections.synchronizedList(new ArrayList<>());

    static {
        SECRETS.add(ADMIN_SECRET);
    }

    public record Response(int status, Map<String, List<String>> headers, String body) {
        public JsonObject json() {
            return Json.parse(body);
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .findFirst().map(e -> e.getValue().getFirst()).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /** A registered agent: its id, token, key pair. */
    public record Agent(String agentId, String token, long expiresIn, KeyPair keys) {
    }

    public final Path dataDir;
    public final MutableClock clock = new MutableClock();
    private final Map<String, String> env;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private Main.Broker broker;
    private String remoteUrl;

    private TestBroker(Path dataDir, Map<String, String> extraEnv) {
        this.dataDir = dataDir;
        Map<String, String> e = new HashMap<>();
        if (dataDir.toString().equals("remote")) {
            this.env = Map.of();
            return;
        }
        e.put("MANDATE_DATA_DIR", dataDir.toString());
        e.put("MANDATE_BIND", "127.0.0.1");
        e.put("MANDATE_PORT", "0");
        e.put("MANDATE_ISSUER", "http://mandate.test");
        e.put("MANDATE_ADMIN_SECRET", ADMIN_SECRET);
        e.put("MANDATE_HSM_PIN_FILE", TestToken.config().pinFile().toString());
        SECRETS.add(readPin());
        e.put("SOFTHSM2_CONF", System.getenv("SOFTHSM2_CONF"));
        e.put("MANDATE_CONFIG", Path.of("src/test/resources/test-broker.yaml").toAbsolutePath().toString());
        e.putAll(extraEnv);
        this.env = Map.copyOf(e);
    }

    public static TestBroker start(Path dataDir) {
        return start(dataDir, Map.of());
    }

    public static TestBroker start(Path dataDir, Map<String, String> extraEnv) {
        TestBroker b = new TestBroker(dataDir, extraEnv);
        b.boot();
        return b;
    }

    private void boot() {
        TestToken.shared();
        broker = Main.start(Settings.load(env), clock);
    }

    /** Stops the server and starts a new one on the same data directory. */
    public void restart() {
        collectAudit();
        broker.close();
        boot();
    }

    public Main.Broker broker() {
        return broker;
    }

    public String url() {
        return remoteUrl != null ? remoteUrl : "http://127.0.0.1:" + broker.port();
    }

    /** A client of a broker running in another process (nothing is started here). */
    public static TestBroker remote(String url) {
        TestBroker b = new TestBroker(Path.of("remote"), Map.of());
        b.remoteUrl = url;
        return b;
    }

    public Response get(String path, String bearer) {
        return send(HttpRequest.newBuilder(URI.create(url() + path)).GET(), bearer, Map.of());
    }

    public Response post(String path, String json, String bearer) {
        return send(HttpRequest.newBuilder(URI.create(url() + path))
                .header("Content-Type", "application/json")
                .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)),
                bearer, Map.of());
    }

    public Response put(String path, String json, String bearer) {
        return send(HttpRequest.newBuilder(URI.create(url() + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)), bearer, Map.of());
    }

    public Response delete(String path, String bearer) {
        return send(HttpRequest.newBuilder(URI.create(url() + path)).DELETE(), bearer, Map.of());
    }

    public Response send(HttpRequest.Builder request, String bearer, Map<String, String> headers) {
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Response response = new Response(r.statusCode(), r.headers().map(), r.body());
            remember(response);
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- flows -------------------------------------------------------------------------------

    public String adminToken() {
        Response r = post("/v1/admin/auth", "{\"secret\":\"" + ADMIN_SECRET + "\"}", null);
        if (r.status() != 200) {
            throw new IllegalStateException("admin auth: " + r);
        }
        return r.json().getString("access_token");
    }

    public String launchToken(String admin, String allowedScopeJson, String extra) {
        Response r = post("/v1/admin/launch-tokens", "{\"agent_name\":\"worker\",\"allowed_scope\":" + allowedScopeJson
                + (extra.isEmpty() ? "" : "," + extra) + "}", admin);
        if (r.status() != 201) {
            throw new IllegalStateException("launch token: " + r);
        }
        return r.json().getString("launch_token");
    }

    public String nonce() {
        return get("/v1/challenge", null).json().getString("nonce");
    }

    public static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The body of POST /v1/register, signed correctly unless the caller changes it. */
    public static String registration(String launchToken, String nonce, KeyPair keys, String orch, String task,
                                      String scopeJson) {
        return "{\"launch_token\":\"" + launchToken + "\",\"nonce\":\"" + nonce + "\",\"public_key\":\""
                + publicKey(keys) + "\",\"signature\":\"" + sign(keys, nonce) + "\",\"orch_id\":\"" + orch
                + "\",\"task_id\":\"" + task + "\",\"requested_scope\":" + scopeJson + "}";
    }

    public static String publicKey(KeyPair keys) {
        byte[] x509 = keys.getPublic().getEncoded();
        return Base64.getEncoder().encodeToString(Arrays.copyOfRange(x509, x509.length - 32, x509.length));
    }

    public static String sign(KeyPair keys, String nonceHex) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(keys.getPrivate());
            s.update(HexFormat.of().parseHex(nonceHex));
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Launch token → challenge → register, as the AgentWrit SDK does. */
    public Agent registerAgent(String admin, String orch, String task, String scopeJson) {
        String launch = launchToken(admin, scopeJson, "");
        KeyPair keys = ed25519();
        Response r = post("/v1/register", registration(launch, nonce(), keys, orch, task, scopeJson), null);
        if (r.status() != 200) {
            throw new IllegalStateException("register: " + r);
        }
        JsonObject body = r.json();
        return new Agent(body.getString("agent_id"), body.getString("access_token"),
                body.getJsonNumber("expires_in").longValue(), keys);
    }

    /** {@code POST /v1/delegate} with the holder's token; returns the whole response. */
    public Response delegate(String token, String delegateTo, String scopeJson, Long ttl) {
        return post("/v1/delegate", "{\"delegate_to\":\"" + delegateTo + "\",\"scope\":" + scopeJson
                + (ttl == null ? "" : ",\"ttl\":" + ttl) + "}", token);
    }

    /** The delegated token, failing the test if delegation was refused. */
    public String delegated(String token, String delegateTo, String scopeJson) {
        Response r = delegate(token, delegateTo, scopeJson, 600L);
        if (r.status() != 200) {
            throw new IllegalStateException("delegate: " + r);
        }
        return r.json().getString("access_token");
    }

    public Response revoke(String admin, String level, String target) {
        return post("/v1/revoke", "{\"level\":\"" + level + "\",\"target\":\"" + target + "\"}", admin);
    }

    /** RFC 7662 introspection as the operator. */
    public JsonObject introspect(String admin, String token) {
        Response r = send(HttpRequest.newBuilder(URI.create(url() + "/v1/introspect"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + java.net.URLEncoder.encode(token,
                        java.nio.charset.StandardCharsets.UTF_8))), admin, Map.of());
        if (r.status() != 200) {
            throw new IllegalStateException("introspect: " + r);
        }
        return r.json();
    }

    /** True when a Bearer route accepts the token (a delegate call with no body: 400 if accepted, 401 if not). */
    public boolean bearerAccepts(String token) {
        int status = post("/v1/delegate", "{}", token).status();
        if (status != 400 && status != 401) {
            throw new IllegalStateException("unexpected status " + status);
        }
        return status == 400;
    }

    /** {@link #bearerAccepts}, where 503 (a node that cannot answer now) counts as not accepted. */
    public boolean bearerAcceptsOr503(String token) {
        int status = post("/v1/delegate", "{}", token).status();
        if (status != 400 && status != 401 && status != 503) {
            throw new IllegalStateException("unexpected status " + status);
        }
        return status == 400;
    }

    public JsonObject validate(String token) {
        Response r = post("/v1/token/validate", "{\"token\":\"" + token + "\"}", null);
        if (r.status() != 200) {
            throw new IllegalStateException("validate: " + r);
        }
        return r.json();
    }

    public boolean valid(String token) {
        return validate(token).getBoolean("valid");
    }

    // ---- bookkeeping -------------------------------------------------------------------------

    private static void remember(Response r) {
        if (r.body() == null || !r.body().startsWith("{")) {
            return;
        }
        try {
            JsonObject o = Json.parse(r.body());
            for (String key : List.of("access_token", "client_secret", "launch_token")) {
                if (o.containsKey(key) && o.get(key) instanceof jakarta.json.JsonString s) {
                    SECRETS.add(s.getString());
                }
            }
        } catch (RuntimeException e) {
            // Not a JSON object: nothing to remember.
        }
    }

    private String readPin() {
        try {
            return Files.readString(TestToken.config().pinFile()).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void collectAudit() {
        AUDIT.addAll(broker.audit().query(new AuditLog.Query(null, null, null, null, null, null,
                Integer.MAX_VALUE, 0)).events());
    }

    @Override
    public void close() {
        if (broker != null) {
            collectAudit();
            broker.close();
        }
    }
}
