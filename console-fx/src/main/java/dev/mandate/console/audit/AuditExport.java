package dev.mandate.console.audit;

import dev.mandate.console.client.Model;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.stream.JsonGenerator;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;

/** Audit events as a file an auditor opens elsewhere: CSV (RFC 4180) or a JSON array. Plain Java, no toolkit. */
public final class AuditExport {

    /** The columns, in the order of the table and of the CSV header. */
    public static final List<String> COLUMNS = List.of("id", "timestamp", "event_type", "outcome", "agent_id", "task_id", "detail");

    private AuditExport() {
    }

    /** The format a file name asks for: {@code .json} is JSON, anything else CSV. */
    public static boolean isJson(String fileName) {
        return fileName.toLowerCase(java.util.Locale.ROOT).endsWith(".json");
    }

    public static void csv(List<Model.AuditRow> rows, Writer out) throws IOException {
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader(COLUMNS.toArray(String[]::new)).get();
        try (CSVPrinter printer = new CSVPrinter(out, format)) {
            for (Model.AuditRow r : rows) {
                printer.printRecord(r.id(), cell(r.timestamp()), cell(r.type()), cell(r.outcome()), cell(r.agentId()),
                        cell(r.taskId()), cell(r.detail()));
            }
        }
    }

    public static void json(List<Model.AuditRow> rows, Writer out) {
        JsonArrayBuilder array = Json.createArrayBuilder();
        for (Model.AuditRow r : rows) {
            array.add(Json.createObjectBuilder().add("id", r.id()).add("timestamp", r.timestamp())
                    .add("event_type", r.type()).add("outcome", r.outcome()).add("agent_id", r.agentId())
                    .add("task_id", r.taskId()).add("detail", r.detail()));
        }
        try (var writer = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true)).createWriter(out)) {
            writer.writeArray(array.build());
        }
    }

    /**
     * A text cell that a spreadsheet will not run: an agent chooses its task id and parts of the detail, so a
     * cell starting with = + - @ (or a tab or carriage return) is prefixed with ' (OWASP's CSV injection advice).
     */
    static String cell(String text) {
        if (text == null) {
            return "";
        }
        return !text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0 ? "'" + text : text;
    }
}
