package dev.mandate.console.client;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The operator's calls to a broker, authenticated with the admin secret. */
public final class BrokerClient implements BrokerApi {

    private final URI base;
    private final HttpClient http;
    private final String secret;
    private volatile String token;
    private volatile Instant tokenExpires = Instant.EPOCH;

    /**
     * {@code pinned}: the broker's certificate, trusted alone, when it serves TLS with its own certificate;
     * without it, the JDK's trusted CAs. Plain http is refused except to this machine.
     */
    public BrokerClient(URI base, String adminSecret, Optional<X509Certificate> pinned) {
        this(base, adminSecret, pinned.map(BrokerClient::trusting).orElse(null));
    }

    private BrokerClient(URI base, String adminSecret, SSLContext ssl) {
        BrokerTrust.checkScheme(base);
        this.base = URI.create(base.toString().replaceAll("/+$", ""));
        this.secret = adminSecret;
        var builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5));
        if (ssl != null) {
            builder.sslContext(ssl);
        }
        this.http = builder.build();
    }

    /**
     * Connects as the operator, deciding first whether the broker may receive the admin secret: a pinned
     * certificate file, else the fingerprint the operator accepted before ({@code known}), else a public
     * CA. A certificate none of them vouches for is an {@link UntrustedCertificateException} carrying its
     * fingerprint, raised before the secret is sent; {@link #trust} then remembers the operator's yes.
     */
    public static BrokerClient connect(URI base, String adminSecret, Optional<X509Certificate> pinned, KnownBrokers known) {
        BrokerTrust.checkScheme(base);
        boolean tls = "https".equalsIgnoreCase(base.getScheme());
        String hostPort = BrokerTrust.hostPort(base);
        Optional<String> remembered = tls && pinned.isEmpty() ? known.fingerprint(hostPort) : Optional.empty();
        BrokerClient client = remembered.isPresent()
                ? new BrokerClient(base, adminSecret, BrokerTrust.pinnedTo(remembered.get()))
                : new BrokerClient(base, adminSecret, pinned);
        if (tls) {
            try {
                client.health();   // no secret yet: only whether TLS is trusted
            } catch (BrokerException e) {
                if (!tlsRefused(e)) {
                    throw e;
                }
                X509Certificate presented = BrokerTrust.presented(base);
                if (remembered.isPresent()) {
                    throw new BrokerException(0, "the broker at " + hostPort + " now presents another certificate (SHA-256 "
                            + BrokerTrust.fingerprint(presented) + ") than the one accepted before; if that is expected, "
                            + "remove its line from " + known.file());
                }
                if (pinned.isPresent()) {
                    throw new BrokerException(0, "the broker at " + hostPort + " does not present the pinned certificate");
                }
                throw new UntrustedCertificateException(hostPort, presented);
            }
        }
        client.token();
        return client;
    }

    /** The operator accepted {@code untrusted}: remember it, then connect pinned to it. */
    public static BrokerClient trust(UntrustedCertificateException untrusted, URI base, String adminSecret, KnownBrokers known) {
        known.remember(untrusted.hostPort(), untrusted.fingerprint());
        return connect(base, adminSecret, Optional.empty(), known);
    }

    /** True when the call failed in the TLS handshake (the certificate was not trusted), not elsewhere. */
    private static boolean tlsRefused(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException || t instanceof java.security.cert.CertificateException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public URI base() {
        return base;
    }

    HttpClient http() {
        return http;
    }

    /** Logs in (again) when there is no admin token or it expires within 30 s. */
    public synchronized String token() {
        if (token == null || Instant.now().plusSeconds(30).isAfter(tokenExpires)) {
            JsonObject r = send("POST", "/v1/admin/auth", Json.createObjectBuilder().add("secret", secret).build().toString(), false);
            token = r.getString("access_token");
            tokenExpires = Instant.now().plusSeconds(r.getInt("expires_in"));
        }
        return token;
    }

    /**
     * Drops {@code used} if it is still the current admin token: the broker refused it (revoked, or expired
     * by the broker's clock), so the next call logs in again.
     */
    synchronized void forget(String used) {
        if (used != null && used.equals(token)) {
            token = null;
        }
    }

    @Override
    public Model.Health health() {
        // A 503 carries the same body: which part is down (the HSM, the database, or this node's currency).
        JsonObject h = sendOnce("GET", "/v1/health", null, false, 503);
        JsonValue db = h.get("db_connected");
        boolean healthBody = h.get("status") instanceof JsonString && db != null
                && (db.getValueType() == JsonValue.ValueType.TRUE || db.getValueType() == JsonValue.ValueType.FALSE);
        if (!healthBody) {
            // A problem+json 503 (a proxy's, say): nothing is known of the broker's parts.
            throw new BrokerException(503, h.getString("detail", "the broker's health is not known"));
        }
        List<Model.Node> nodes = new ArrayList<>();
        if (h.containsKey("cluster")) {
            for (JsonValue v : h.getJsonObject("cluster").getJsonArray("nodes")) {
                JsonObject n = v.asJsonObject();
                nodes.add(new Model.Node(n.getString("name"), n.getJsonNumber("lag_ms").longValue(), n.getBoolean("current"),
                        n.getBoolean("self")));
            }
        }
        return new Model.Health(h.getString("status"), h.getString("hsm", "up"), h.getBoolean("db_connected"), List.copyOf(nodes));
    }

    @Override
    public Model.Overview overview() {
        JsonObject o = send("GET", "/v1/admin/overview", null, true);
        JsonObject counts = o.getJsonObject("counts");
        JsonObject rates = o.getJsonObject("rates");
        List<Model.RatePoint> points = new ArrayList<>();
        for (JsonValue v : rates.getJsonArray("points")) {
            JsonObject p = v.asJsonObject();
            points.add(new Model.RatePoint(time(p, "at"), p.getJsonArray("per_second").getValuesAs(jakarta.json.JsonNumber.class)
                    .stream().map(jakarta.json.JsonNumber::doubleValue).toList()));
        }
        return new Model.Overview(counts.getJsonNumber("agents").longValue(), numbers(counts.getJsonObject("tokens")),
                numbers(counts.getJsonObject("apps")), numbers(counts.getJsonObject("keys")),
                counts.getJsonNumber("revocation_entries").longValue(), strings(rates, "series"), List.copyOf(points));
    }

    private static java.util.Map<String, Long> numbers(JsonObject o) {
        java.util.Map<String, Long> map = new java.util.TreeMap<>();
        o.forEach((name, value) -> map.put(name, ((jakarta.json.JsonNumber) value).longValue()));
        return map;
    }

    @Override
    public Model.AgentPage agents(Model.AgentQuery q, int offset, int limit) {
        StringBuilder query = new StringBuilder("/v1/admin/agents?limit=").append(limit).append("&offset=").append(offset)
                .append("&sort=").append(URLEncoder.encode(q.sort(), StandardCharsets.UTF_8))
                .append("&order=").append(q.ascending() ? "asc" : "desc");
        param(query, "q", q.text());
        JsonObject page = send("GET", query.toString(), null, true);
        List<Model.AgentView> agents = new ArrayList<>();
        for (JsonValue v : page.getJsonArray("agents")) {
            JsonObject a = v.asJsonObject();
            List<Model.TokenView> tokens = new ArrayList<>();
            for (JsonValue t : a.getJsonArray("tokens")) {
                JsonObject o = t.asJsonObject();
                tokens.add(new Model.TokenView(o.getString("jti"), strings(o, "scope"), time(o, "issued_at"),
                        time(o, "expires_at"), time(o, "effective_expires_at"), o.getString("state"),
                        o.isNull("parent_jti") ? null : o.getString("parent_jti"), o.getInt("depth")));
            }
            agents.add(new Model.AgentView(a.getString("agent_id"), a.isNull("app_id") ? null : a.getString("app_id"),
                    a.getString("orch_id"), a.getString("task_id"), a.getString("state"), List.copyOf(tokens)));
        }
        return new Model.AgentPage(List.copyOf(agents), page.getJsonNumber("total").longValue(), offset, limit);
    }

    /** {@code POST /v1/revoke}; returns the count of live tokens killed. */
    @Override
    public int revoke(String level, String target) {
        JsonObject r = send("POST", "/v1/revoke", Json.createObjectBuilder().add("level", level).add("target", target)
                .build().toString(), true);
        return r.getInt("count");
    }

    @Override
    public List<Model.AppView> apps() {
        List<Model.AppView> apps = new ArrayList<>();
        for (JsonValue v : send("GET", "/v1/admin/apps", null, true).getJsonArray("apps")) {
            apps.add(app(v.asJsonObject()));
        }
        return apps;
    }

    @Override
    public Model.CreatedApp createApp(String name, List<String> scopes, Long tokenTtl) {
        var body = Json.createObjectBuilder().add("name", name).add("scopes", Json.createArrayBuilder(scopes));
        if (tokenTtl != null) {
            body.add("token_ttl", tokenTtl);
        }
        JsonObject r = send("POST", "/v1/admin/apps", body.build().toString(), true);
        return new Model.CreatedApp(app(r), r.getString("client_secret"));
    }

    @Override
    public Model.AppView updateApp(String appId, List<String> scopes, Long tokenTtl) {
        var body = Json.createObjectBuilder().add("scopes", Json.createArrayBuilder(scopes));
        if (tokenTtl != null) {
            body.add("token_ttl", tokenTtl);
        }
        return app(send("PUT", "/v1/admin/apps/" + URLEncoder.encode(appId, StandardCharsets.UTF_8), body.build().toString(), true));
    }

    private static Model.AppView app(JsonObject a) {
        return new Model.AppView(a.getString("app_id"), a.getString("name"), a.getString("client_id"),
                strings(a, "scopes"), a.getInt("token_ttl"), a.getString("status"), time(a, "created_at"));
    }

    @Override
    public Model.Deactivation deactivate(String appId, boolean revokeAgents) {
        JsonObject r = send("DELETE", "/v1/admin/apps/" + URLEncoder.encode(appId, StandardCharsets.UTF_8)
                + (revokeAgents ? "?revoke_agents=true" : ""), null, true);
        return new Model.Deactivation(r.getString("app_id"), r.getString("status"),
                r.getInt("revoked_agents", 0), r.getInt("count", 0));
    }

    @Override
    public List<Model.KeyView> keys() {
        List<Model.KeyView> keys = new ArrayList<>();
        for (JsonValue v : send("GET", "/v1/admin/keys", null, true).getJsonArray("keys")) {
            JsonObject k = v.asJsonObject();
            keys.add(new Model.KeyView(k.getString("kid"), k.getString("state"), k.getString("label"),
                    time(k, "created_at"), optionalTime(k, "activated_at"), optionalTime(k, "retired_at"),
                    k.getJsonNumber("live_tokens").longValue()));
        }
        return keys;
    }

    @Override
    public int previewRevocation(String level, List<String> targets) {
        return send("POST", "/v1/admin/revocations/preview", Json.createObjectBuilder().add("level", level)
                .add("targets", Json.createArrayBuilder(targets)).build().toString(), true).getInt("count");
    }

    @Override
    public int revokeKey(String kid) {
        return send("POST", "/v1/admin/keys/" + URLEncoder.encode(kid, StandardCharsets.UTF_8) + "/revoke", null, true)
                .getInt("count");
    }

    @Override
    public String rotateNow() {
        return send("POST", "/v1/admin/keys/rotate", "{\"immediate\":true}", true).getString("kid");
    }

    @Override
    public Model.AuditPage auditPage(Model.AuditQuery q, int page, int pageSize, long anchorTotal) {
        StringBuilder query = new StringBuilder();
        param(query, "event_type", q.eventType());
        param(query, "agent_id", q.agentId());
        param(query, "task_id", q.taskId());
        param(query, "outcome", q.outcome());
        long total = anchorTotal > 0 ? anchorTotal
                : send("GET", "/v1/audit/events?limit=1" + query, null, true).getJsonNumber("total").longValue();
        // Page 0 holds the newest events: count back from the end.
        long end = Math.max(0, total - (long) page * pageSize);
        long offset = Math.max(0, end - pageSize);
        List<Model.AuditRow> rows = new ArrayList<>();
        if (end > 0) {
            for (JsonValue v : send("GET", "/v1/audit/events?limit=" + (end - offset) + "&offset=" + offset + query, null, true)
                    .getJsonArray("events")) {
                rows.add(auditRow(v.asJsonObject()));
            }
        }
        return new Model.AuditPage(List.copyOf(rows.reversed()), total, page, pageSize);
    }

    private static void param(StringBuilder query, String name, String value) {
        if (value != null && !value.isBlank()) {
            query.append('&').append(name).append('=').append(URLEncoder.encode(value.strip(), StandardCharsets.UTF_8));
        }
    }

    private static Model.AuditRow auditRow(JsonObject e) {
        return new Model.AuditRow(e.getJsonNumber("id").longValue(), e.getString("timestamp"), e.getString("event_type"),
                e.getString("agent_id"), e.getString("task_id"), e.getString("detail"), e.getString("outcome"));
    }

    @Override
    public List<Model.AuditRow> auditOf(String agentId) {
        return auditPage(new Model.AuditQuery(null, agentId, null, null), 0, 200, 0).rows();
    }

    @Override
    public Model.ChainNode chain(String root) {
        return chainNode(send("GET", "/v1/admin/chains/" + URLEncoder.encode(root, StandardCharsets.UTF_8), null, true)
                .getJsonObject("root"));
    }

    @Override
    public List<Model.ChainNode> chains(List<String> roots) {
        List<Model.ChainNode> trees = new ArrayList<>(roots.size());
        for (JsonValue t : send("POST", "/v1/admin/chains", Json.createObjectBuilder()
                .add("roots", Json.createArrayBuilder(roots)).build().toString(), true).getJsonArray("trees")) {
            trees.add(t.getValueType() == JsonValue.ValueType.NULL ? null : chainNode(t.asJsonObject()));
        }
        return java.util.Collections.unmodifiableList(trees);
    }

    private static Model.ChainNode chainNode(JsonObject n) {
        List<Model.ChainNode> children = new ArrayList<>();
        for (JsonValue c : n.getJsonArray("children")) {
            children.add(chainNode(c.asJsonObject()));
        }
        return new Model.ChainNode(n.getString("agent_id"), n.getString("jti"), strings(n, "scope"), time(n, "issued_at"),
                time(n, "expires_at"), n.getString("state"), List.copyOf(children));
    }

    @Override
    public Model.Verification verify() {
        JsonObject v = send("GET", "/v1/audit/verify", null, true);
        return new Model.Verification(v.getBoolean("valid"), v.getJsonNumber("events").longValue(),
                v.isNull("first_broken_id") ? null : v.getJsonNumber("first_broken_id").longValue());
    }

    JsonObject send(String method, String path, String body, boolean authenticated) {
        try {
            return sendOnce(method, path, body, authenticated, 0);
        } catch (BrokerException e) {
            if (!authenticated || e.status() != 401) {
                throw e;
            }
            return sendOnce(method, path, body, true, 0);   // the token was forgotten: log in again, once
        }
    }

    /** One request; a status of 400 or more other than {@code answered} (with a JSON body) is a {@link BrokerException}. */
    private JsonObject sendOnce(String method, String path, String body, boolean authenticated, int answered) {
        var request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        String used = authenticated ? token() : null;
        if (authenticated) {
            request.header("Authorization", "Bearer " + used);
        }
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonObject json = r.body().startsWith("{") ? parse(r.body()) : Json.createObjectBuilder().build();
            if (r.statusCode() == 401 && authenticated) {
                forget(used);
            }
            if (r.statusCode() >= 400 && !(r.statusCode() == answered && r.body().startsWith("{"))) {
                throw new BrokerException(r.statusCode(), json.getString("detail", "HTTP " + r.statusCode()));
            }
            return json;
        } catch (IOException e) {
            throw new BrokerException("cannot reach the broker at " + base + ": " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerException("interrupted", e);
        }
    }

    static JsonObject parse(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    static Instant time(JsonObject o, String name) {
        return Instant.parse(o.getString(name));
    }

    static Instant optionalTime(JsonObject o, String name) {
        return !o.containsKey(name) || o.isNull(name) ? null : Instant.parse(o.getString(name));
    }

    static List<String> strings(JsonObject o, String name) {
        return o.getJsonArray(name).getValuesAs(JsonString::getString);
    }

    private static SSLContext trusting(X509Certificate cert) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("broker", cert);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot trust the given certificate", e);
        }
    }
}
