package dev.mandate.server;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /v1/openapi.json}: a valid OpenAPI 3.1 document (read by swagger-parser) that documents exactly
 * the routes the broker serves, and the README's API table is the one made from it.
 */
class OpenApiTest extends WithBroker {

    private static final String BEGIN = "<!-- api-table: made from /v1/openapi.json; OpenApiTest checks it -->";
    private static final String END = "<!-- api-table end -->";

    private static OpenAPI served() {
        var r = broker.get("/v1/openapi.json", null);
        assertEquals(200, r.status());
        assertTrue(r.header("Content-Type").startsWith("application/json"), r.header("Content-Type"));
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(r.body(), null, options);
        assertEquals(List.of(), parsed.getMessages(), "what the parser found wrong");
        assertEquals("3.1.0", parsed.getOpenAPI().getOpenapi());
        return parsed.getOpenAPI();
    }

    @Test
    void theDocumentIsValidOpenApi31AndEveryOperationHasItsIdSummaryAndProblems() {
        OpenAPI api = served();
        assertTrue(api.getComponents().getSecuritySchemes().containsKey("dpop"), "bound tokens are described");
        operations(api).forEach((route, operation) -> {
            assertTrue(operation.getOperationId() != null && operation.getSummary() != null, route);
            assertTrue(operation.getResponses().keySet().stream().anyMatch(code -> code.startsWith("2")), route + ": a success");
        });
    }

    @Test
    void everyRouteServedIsDocumentedAndNothingDocumentedIsNotServed() {
        TreeSet<String> servedRoutes = new TreeSet<>();
        for (String route : broker.broker().routes()) {
            servedRoutes.add(route.replace("{+", "{"));   // Helidon's greedy {+root} is OpenAPI's {root}
        }
        assertEquals(servedRoutes, new TreeSet<>(operations(served()).keySet()));
    }

    @Test
    void theReadmesApiTableIsTheOneMadeFromTheDocument() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        assertTrue(begin >= 0 && end > begin, "the README has the API table's markers");
        String table = readme.substring(begin + BEGIN.length(), end).strip();
        assertEquals(table(served()), table, "the README's API table; the one expected is above, to paste between the markers");
    }

    /** Every operation as {@code METHOD /path}, in the document's order. */
    private static Map<String, Operation> operations(OpenAPI api) {
        Map<String, Operation> all = new java.util.LinkedHashMap<>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap()
                .forEach((method, operation) -> all.put(method.name() + " " + path, operation)));
        return all;
    }

    /** The README's table: method, path, summary, one row per operation. */
    private static String table(OpenAPI api) {
        List<String> rows = new ArrayList<>(List.of("| Method | Path | What |", "|---|---|---|"));
        api.getPaths().forEach((path, item) -> {
            for (Map.Entry<PathItem.HttpMethod, Operation> e : item.readOperationsMap().entrySet()) {
                rows.add("| " + e.getKey().name() + " | `" + path + "` | " + e.getValue().getSummary() + " |");
            }
        });
        return String.join("\n", rows);
    }
}
