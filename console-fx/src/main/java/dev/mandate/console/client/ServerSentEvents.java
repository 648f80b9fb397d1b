package dev.mandate.console.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A reader of {@code text/event-stream} as the HTML standard defines it (§9.2.6, "Interpreting an event
 * stream"): lines end in CR, LF or CRLF; a line starting with a colon is a comment; {@code data} lines
 * accumulate (joined by LF) until a blank line dispatches the message; {@code event} names it; {@code id}
 * sets the last event id (kept across messages; ignored if it holds NUL); {@code retry} is a reconnection
 * delay in milliseconds; a message cut off by the end of the stream is discarded. No maintained Java
 * library parses SSE without bringing its own HTTP client, so this small one is ours.
 */
public final class ServerSentEvents {

    /** One dispatched message: its type ({@code message} when unnamed), data, and the last event id then. */
    public record Message(String event, String data, String lastEventId) {
    }

    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String event = "";
    private String lastEventId = "";
    private OptionalLong retry = OptionalLong.empty();

    /** Reads {@code in} to its end (or until {@code stop} says so), handing each dispatched message to {@code messages}. */
    public void read(Reader in, Consumer<Message> messages, BooleanSupplier stop) throws IOException {
        read(in, messages, comment -> { }, stop);
    }

    /** As {@link #read(Reader, Consumer, BooleanSupplier)}, handing each comment's text (after the colon, trimmed) to {@code comments}. */
    public void read(Reader in, Consumer<Message> messages, Consumer<String> comments, BooleanSupplier stop) throws IOException {
        BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in);
        for (String line = lines.readLine(); line != null && !stop.getAsBoolean(); line = lines.readLine()) {
            if (line.startsWith(":")) {
                comments.accept(line.substring(1).strip());
            }
            Message m = line(line);
            if (m != null) {
                messages.accept(m);
            }
        }
    }

    /** Feeds one line (without its line ending); returns the message it dispatches, or null. */
    public Message line(String line) {
        if (line.isEmpty()) {
            return dispatch();
        }
        if (line.charAt(0) == ':') {
            return null;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> event = value;
            case "data" -> {
                data.append(value).append('\n');
                hasData = true;
            }
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventId = value;
                }
            }
            case "retry" -> {
                if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    try {
                        retry = OptionalLong.of(Long.parseLong(value));
                    } catch (NumberFormatException tooLong) {
                        // Not a delay this client can wait: ignored, as any other bad field.
                    }
                }
            }
            default -> {
                // Unknown fields are ignored.
            }
        }
        return null;
    }

    /** The last {@code retry} the server asked for, in milliseconds. */
    public OptionalLong retry() {
        return retry;
    }

    public String lastEventId() {
        return lastEventId;
    }

    private Message dispatch() {
        if (!hasData) {
            event = "";
            return null;
        }
        data.setLength(data.length() - 1);
        Message m = new Message(event.isEmpty() ? "message" : event, data.toString(), lastEventId);
        data.setLength(0);
        hasData = false;
        event = "";
        return m;
    }
}
