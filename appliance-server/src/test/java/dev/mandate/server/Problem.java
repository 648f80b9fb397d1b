package dev.mandate.server;

import jakarta.json.JsonObject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Asserts the RFC 9457 shape of SPEC §2.1 on an error response. */
final class Problem {

    private Problem() {
    }

    static JsonObject assertProblem(TestBroker.Response r, int status, String code, String path) {
        assertEquals(status, r.status(), r.toString());
        assertTrue(r.header("Content-Type").startsWith("application/problem+json"), r.header("Content-Type"));
        JsonObject p = r.json();
        assertEquals("urn:mandate:error:" + code, p.getString("type"));
        assertEquals(status, p.getInt("status"));
        assertEquals(code, p.getString("error_code"));
        assertEquals(path, p.getString("instance"));
        assertFalse(p.getString("title").isBlank());
        assertFalse(p.getString("detail").isBlank());
        assertEquals(r.header("X-Request-ID"), p.getString("request_id"));
        String body = r.body().toLowerCase(java.util.Locale.ROOT);
        assertFalse(body.contains("exception") || body.contains("sql") || body.contains("\tat "), "leaky problem: " + r.body());
        return p;
    }
}
