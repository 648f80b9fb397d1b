package dev.mandate.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile JSON, generated, sent to every JSON route with every kind of credential: deep nesting, extreme
 * numbers, huge strings and keys, duplicate keys, invalid UTF-8, NUL and BOM, truncated and mutated
 * documents, wrong top-level types. Every answer is a 2xx or a problem+json 4xx; never a 5xx.
 */
class HostileJsonTest {

    /** Fixed: a failure is reproducible from the case's name. */
    private static final long SEED = 0x5EED_2026L;

    @TempDir
    static Path data;
    static TestBroker broker;
    static final Map<String, String> credentials = new LinkedHashMap<>();
    static String appId;
    static String appCredentials;
    /** Never sent with a hostile body: the operator's view after the storm. */
    static String reserveAdmin;

    @BeforeAll
    static void start() {
        broker = TestBroker.start(data);
        reserveAdmin = broker.adminToken();
        var app = broker.post("/v1/admin/apps", "{\"name\":\"hostile\",\"scopes\":[\"read:data:*\"]}", reserveAdmin).json();
        appId = app.getString("app_id");
        appCredentials = "{\"client_id\":\"" + app.getString("client_id") + "\",\"client_secret\":\""
                + app.getString("client_secret") + "\"}";
        credentials.put("anonymous", null);
        credentials.put("garbage", "eyJhbGciOiJub25lIn0.e30.");
        credentials.put("admin", null);
        credentials.put("app", null);
        credentials.put("agent", null);
    }

    /** The release route kills the token that calls it: live tokens again for the next route. */
    private static void renewCredentials() {
        if (credentials.get("admin") == null || !broker.valid(credentials.get("admin"))) {
            credentials.put("admin", broker.adminToken());
        }
        if (credentials.get("app") == null || !broker.valid(credentials.get("app"))) {
            credentials.put("app", broker.post("/v1/app/auth", appCredentials, null).json().getString("access_token"));
        }
        if (credentials.get("agent") == null || !broker.valid(credentials.get("agent"))) {
            credentials.put("agent", broker.registerAgent(reserveAdmin, "hostile", "hostile", "[\"read:data:*\"]").token());
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    /** A route and a body it accepts, the seed of the mutations. */
    private record Route(String method, String path, String validBody) {
    }

    private static List<Route> routes() {
        return List.of(
                new Route("POST", "/v1/register", "{\"launch_token\":\"" + "a".repeat(64) + "\",\"nonce\":\"" + "b".repeat(64)
                        + "\",\"public_key\":\"AAAA\",\"signature\":\"AAAA\",\"orch_id\":\"o\",\"task_id\":\"t\",\"requested_scope\":[\"read:data:x\"]}"),
                new Route("POST", "/v1/token/validate", "{\"token\":\"eyJ.eyJ.sig\"}"),
                new Route("POST", "/v1/token/renew", "{}"),
                new Route("POST", "/v1/token/release", "{}"),
                new Route("POST", "/v1/delegate", "{\"delegate_to\":\"spiffe://mandate.local/agent/o/t/0000000000000000\",\"scope\":[\"read:data:x\"],\"ttl\":60}"),
                new Route("POST", "/v1/revoke", "{\"level\":\"task\",\"target\":\"hostile-unused\"}"),
                new Route("POST", "/v1/admin/revocations/preview", "{\"level\":\"task\",\"targets\":[\"hostile-unused\"]}"),
                new Route("POST", "/v1/admin/auth", "{\"secret\":\"wrong-secret\"}"),
                new Route("POST", "/v1/admin/launch-tokens", "{\"agent_name\":\"h\",\"allowed_scope\":[\"read:data:*\"],\"max_ttl\":60,\"ttl\":30}"),
                new Route("POST", "/v1/app/launch-tokens", "{\"agent_name\":\"h\",\"allowed_scope\":[\"read:data:*\"]}"),
                new Route("POST", "/v1/admin/apps", "{\"name\":\"n\",\"scopes\":[\"read:data:*\"],\"token_ttl\":600}"),
                new Route("PUT", "/v1/admin/apps/" + appId, "{\"scopes\":[\"read:data:*\"],\"token_ttl\":600}"),
                new Route("POST", "/v1/app/auth", "{\"client_id\":\"nobody\",\"client_secret\":\"x\"}"));
    }

    @Test
    void hostileJsonNeverGetsA5xx() {
        Random random = new Random(SEED);
        int sent = 0;
        List<String> failures = new ArrayList<>();
        for (Route route : routes()) {
            renewCredentials();
            Map<String, byte[]> cases = cases(route.validBody(), random);
            for (var credential : credentials.entrySet()) {
                for (var c : cases.entrySet()) {
                    var r = send(route, c.getValue(), credential.getValue());
                    sent++;
                    boolean problem = r.header("Content-Type") != null && r.header("Content-Type").startsWith("application/problem+json");
                    if (r.status() >= 500 || (r.status() >= 400 && !problem)) {
                        failures.add(route.method() + " " + route.path() + " as " + credential.getKey() + " with " + c.getKey()
                                + " -> " + r.status() + " " + abbreviate(r.body()));
                    }
                }
            }
        }
        System.out.println("hostile JSON: " + sent + " requests, " + failures.size() + " failures");
        assertTrue(sent >= 3000, "thousands of cases: " + sent);
        assertEquals(List.of(), failures.subList(0, Math.min(20, failures.size())), failures.size() + " failures");
        assertEquals("ok", broker.get("/v1/health", null).json().getString("status"), "still healthy");
        assertTrue(broker.get("/v1/audit/verify", reserveAdmin).json().getBoolean("valid"));
    }

    private static TestBroker.Response send(Route route, byte[] body, String bearer) {
        var request = HttpRequest.newBuilder(URI.create(broker.url() + route.path()))
                .header("Content-Type", "application/json")
                .method(route.method(), HttpRequest.BodyPublishers.ofByteArray(body));
        return broker.send(request, bearer, Map.of());
    }

    /** Every hostile shape for one route, named; {@code valid} seeds the truncations and mutations. */
    static Map<String, byte[]> cases(String valid, Random random) {
        Map<String, byte[]> c = new LinkedHashMap<>();
        for (int depth : new int[]{64, 65, 1_000, 1_001, 20_000, 150_000}) {
            c.put("objects nested " + depth, utf8("{\"a\":".repeat(depth) + "1" + "}".repeat(depth)));
            c.put("arrays nested " + depth, utf8("[".repeat(depth) + "]".repeat(depth)));
            c.put("arrays nested " + depth + " in a field", utf8(valid.substring(0, valid.length() - 1)
                    + ",\"scope\":" + "[".repeat(depth) + "]".repeat(depth) + "}"));
            c.put("unclosed nesting " + depth, utf8("{\"a\":[".repeat(depth)));
        }
        for (String n : List.of("1e999999999", "-1e-999999999", "1" + "0".repeat(100_000), "0." + "0".repeat(100_000) + "1",
                "1E+2147483648", "9223372036854775808", "-9223372036854775809", "NaN", "Infinity", "-0", "0x10", "1.5",
                "1e400", "4.9e-324", "01", "+1", ".5", "1e", "-")) {
            for (String field : List.of("ttl", "max_ttl", "token_ttl", "limit")) {
                c.put("number " + abbreviate(n) + " in " + field, utf8(valid.substring(0, valid.length() - 1) + ",\"" + field + "\":" + n + "}"));
            }
            c.put("number " + abbreviate(n) + " alone", utf8(n));
        }
        c.put("long string", utf8("{\"token\":\"" + "x".repeat(900_000) + "\"}"));
        c.put("long key", utf8("{\"" + "k".repeat(500_000) + "\":1}"));
        c.put("many keys", utf8("{" + "\"k\":1,".repeat(100_000) + "\"z\":1}"));
        c.put("many distinct keys", utf8("{" + java.util.stream.IntStream.range(0, 50_000).mapToObj(i -> "\"k" + i + "\":" + i)
                .collect(java.util.stream.Collectors.joining(",")) + "}"));
        c.put("long array", utf8("{\"scope\":[" + "\"read:data:x\",".repeat(60_000) + "\"read:data:y\"]}"));
        c.put("long escaped string", utf8("{\"secret\":\"" + "\\u0041".repeat(150_000) + "\"}"));
        c.put("duplicate keys", utf8(valid.substring(0, valid.length() - 1) + "," + valid.substring(1)));
        c.put("duplicate key, other type", utf8("{\"token\":\"a\",\"token\":{\"x\":1},\"level\":\"token\",\"level\":[]}"));
        byte[][] badUtf8 = {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82}};
        for (int i = 0; i < badUtf8.length; i++) {
            c.put("invalid UTF-8 #" + i + " in a string", concat(utf8("{\"token\":\""), badUtf8[i], utf8("\"}")));
            c.put("invalid UTF-8 #" + i + " in a key", concat(utf8("{\""), badUtf8[i], utf8("\":1}")));
            c.put("invalid UTF-8 #" + i + " in the valid body", insert(utf8(valid), 2, badUtf8[i]));
        }
        c.put("lone surrogate escape", utf8("{\"token\":\"\\uD800\",\"secret\":\"\\uDFFF\",\"level\":\"\\uD800\\uD800\"}"));
        c.put("NUL escaped", utf8("{\"token\":\"\\u0000\",\"secret\":\"a\\u0000b\",\"name\":\"\\u0000\"}"));
        c.put("NUL raw in a string", utf8("{\"token\":\"a\u0000b\"}"));
        c.put("NUL raw outside", utf8("{\u0000}"));
        c.put("NUL bytes only", new byte[64]);
        c.put("BOM then valid", concat(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8(valid)));
        c.put("UTF-16 BOM then valid", concat(new byte[]{(byte) 0xFE, (byte) 0xFF}, valid.getBytes(StandardCharsets.UTF_16BE)));
        c.put("UTF-32 valid", valid.getBytes(java.nio.charset.Charset.forName("UTF-32")));
        for (String top : List.of("[]", "\"x\"", "1", "true", "null", "[" + valid + "]", " ", "\t\n")) {
            c.put("top-level " + abbreviate(top), utf8(top));
        }
        byte[] bytes = utf8(valid);
        for (int i = 0; i < 25; i++) {
            int cut = random.nextInt(bytes.length);
            c.put("truncated at " + cut + " #" + i, java.util.Arrays.copyOf(bytes, cut));
        }
        String structural = "{}[]\":,\\ \u0000tfn-0e.";
        for (int i = 0; i < 40; i++) {
            byte[] m = bytes.clone();
            for (int k = 1 + random.nextInt(4); k > 0; k--) {
                int at = random.nextInt(m.length);
                m[at] = random.nextBoolean() ? (byte) structural.charAt(random.nextInt(structural.length()))
                        : (byte) random.nextInt(256);
            }
            c.put("mutated #" + i, m);
        }
        for (int i = 0; i < 10; i++) {
            c.put("random bytes #" + i, randomBytes(random, 1 + random.nextInt(300)));
        }
        return c;
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        var out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] insert(byte[] into, int at, byte[] what) {
        return concat(java.util.Arrays.copyOfRange(into, 0, at), what, java.util.Arrays.copyOfRange(into, at, into.length));
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "…(" + s.length() + ")";
    }
}
