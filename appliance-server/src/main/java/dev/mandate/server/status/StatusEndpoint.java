package dev.mandate.server.status;

import dev.mandate.server.audit.AuditLog;
import dev.mandate.server.cluster.Cluster;
import dev.mandate.server.http.ApiRoutes;
import dev.mandate.server.http.Json;
import dev.mandate.server.keys.TokenSigner;
import dev.mandate.server.storage.Database;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;

/** {@code GET /v1/health} and {@code GET /v1/metrics}. */
public final class StatusEndpoint {

    public static final String VERSION = "2.0.0";

    private final Database db;
    private final AuditLog audit;
    private final TokenSigner signer;
    private final long startedNanos = System.nanoTime();
    private final boolean metricsEnabled;
    private final PrometheusMetrics metrics;
    private final java.util.Optional<Cluster> cluster;

    public StatusEndpoint(Database db, AuditLog audit, TokenSigner signer, PrometheusMetrics metrics,
                          boolean metricsEnabled, java.util.Optional<Cluster> cluster) {
        this.db = db;
        this.cluster = cluster;
        this.audit = audit;
        this.signer = signer;
        this.metrics = metrics;
        this.metricsEnabled = metricsEnabled;
    }

    public void routing(ApiRoutes routes) {
        routes.get("/v1/health", this::health);
        if (metricsEnabled) {
            routes.get("/v1/metrics", this::metrics);
        }
    }

    /**
     * Up when the HSM signs, the database answers and, on a cluster, this node can show it is current
     * (a load balancer sends nothing to a node that would refuse validation); a cluster lists every node
     * with its heartbeat's age ({@code lag_ms}) and the change it has applied.
     */
    private void health(ServerRequest req, ServerResponse res) {
        boolean hsmUp = signer.healthy();
        boolean dbUp = db.isConnected();
        boolean current = cluster.map(Cluster::isCurrent).orElse(true);
        boolean up = hsmUp && dbUp && current;
        var body = Json.object()
                .add("status", up ? "ok" : "degraded")
                .add("version", VERSION)
                .add("uptime", (System.nanoTime() - startedNanos) / 1_000_000_000L)
                .add("db_connected", dbUp)
                .add("audit_events_count", audit.count())
                .add("hsm", hsmUp ? "up" : "down");
        if (cluster.isPresent()) {
            var nodes = Json.array();
            if (dbUp) {
                for (Cluster.Node n : cluster.get().nodes()) {
                    nodes.add(Json.object().add("name", n.name()).add("self", n.self()).add("current", n.current())
                            .add("applied_seq", n.appliedSeq()).add("lag_ms", n.heartbeatAgeMillis()));
                }
            }
            body.add("cluster", Json.object().add("current", current).add("nodes", nodes));
        }
        Json.send(res, up ? 200 : 503, body.build());
    }

    private void metrics(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, PrometheusMetrics.CONTENT_TYPE);
        res.send(metrics.scrape().getBytes(StandardCharsets.UTF_8));
    }
}
