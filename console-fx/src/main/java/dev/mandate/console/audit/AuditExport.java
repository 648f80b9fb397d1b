package dev.mandate.console.audit;

import dev.mandate.console.client.Model;
import jakarta.json.Json;
import jakarta.json.stream.JsonGenerator;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;

/**
 * Audit events as a file an auditor opens elsewhere: CSV (RFC 4180) or a JSON array, written a page at a time.
 * Plain Java, no toolkit.
 */
public final class AuditExport {

    /** The columns, in the order of the table and of the CSV header. */
    public static final List<String> COLUMNS = List.of("id", "timestamp", "event_type", "outcome", "agent_id", "task_id", "detail");

    private AuditExport() {
    }

    /** The format a file name asks for: {@code .json} is JSON, anything else CSV. */
    public static boolean isJson(String fileName) {
        return fileName.toLowerCase(java.util.Locale.ROOT).endsWith(".json");
    }

    /** Where exported events go, a page at a time: an export larger than memory is written as it is read. */
    public interface Sink extends java.io.Closeable {
        void write(List<Model.AuditRow> rows) throws IOException;
    }

    /**
     * A sink writing to {@code out} in the format {@code fileName} asks for ({@link #isJson}). Closing it ends
     * the file and closes {@code out}.
     */
    public static Sink open(String fileName, Writer out) throws IOException {
        return isJson(fileName) ? json(out) : csv(out);
    }

    private static Sink csv(Writer out) throws IOException {
        CSVPrinter printer = new CSVPrinter(out, CSVFormat.RFC4180.builder().setHeader(COLUMNS.toArray(String[]::new)).get());
        return new Sink() {
            @Override
            public void write(List<Model.AuditRow> rows) throws IOException {
                for (Model.AuditRow r : rows) {
                    printer.printRecord(r.id(), cell(r.timestamp()), cell(r.type()), cell(r.outcome()), cell(r.agentId()),
                            cell(r.taskId()), cell(r.detail()));
                }
            }

            @Override
            public void close() throws IOException {
                printer.close();
            }
        };
    }

    private static Sink json(Writer out) {
        JsonGenerator array = Json.createGeneratorFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true)).createGenerator(out);
        array.writeStartArray();
        return new Sink() {
            @Override
            public void write(List<Model.AuditRow> rows) {
                for (Model.AuditRow r : rows) {
                    array.writeStartObject().write("id", r.id()).write("timestamp", r.timestamp())
                            .write("event_type", r.type()).write("outcome", r.outcome()).write("agent_id", r.agentId())
                            .write("task_id", r.taskId()).write("detail", r.detail()).writeEnd();
                }
            }

            @Override
            public void close() {
                array.writeEnd();
                array.close();
            }
        };
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
