package dev.mandate.server.bench;

import io.helidon.webserver.WebServer;

/**
 * The benchmark's HTTP baseline: a Helidon server with an empty GET route and an empty JSON POST route,
 * run as a child process like the broker so that both are measured the same way against the same client.
 */
public final class EmptyRoute {

    private EmptyRoute() {
    }

    public static void main(String[] args) throws InterruptedException {
        WebServer server = WebServer.builder().port(0).host("127.0.0.1")
                .routing(r -> r.get("/empty", (req, res) -> res.send("ok"))
                        .post("/empty", (req, res) -> {
                            req.content().as(String.class);
                            res.header("Content-Type", "application/json").send("{\"valid\":true}");
                        })).build().start();
        System.out.println("Empty route listening on http://127.0.0.1:" + server.port());
        Thread.currentThread().join();
    }
}
