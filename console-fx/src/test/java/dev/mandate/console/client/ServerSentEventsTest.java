package dev.mandate.console.client;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The event-stream format as the HTML standard (§9.2.6) defines it, including the cases a data:-only reader gets wrong. */
class ServerSentEventsTest {

    private static List<ServerSentEvents.Message> read(String stream) throws IOException {
        List<ServerSentEvents.Message> messages = new ArrayList<>();
        new ServerSentEvents().read(new StringReader(stream), messages::add, () -> false);
        return messages;
    }

    @Test
    void fieldsCommentsAndTheBlankLineThatDispatches() throws IOException {
        assertEquals(List.of(new ServerSentEvents.Message("token_issued", "{\"seq\":7}", "7")),
                read(": mandate event stream\n\nid: 7\nevent: token_issued\ndata: {\"seq\":7}\n\n: heartbeat\n\n"));
    }

    @Test
    void commentsAreHandedOnTrimmedAndDispatchNothing() throws IOException {
        List<String> comments = new ArrayList<>();
        List<ServerSentEvents.Message> messages = new ArrayList<>();
        new ServerSentEvents().read(new StringReader(": mandate event stream\n\nid: 7\nevent: a\ndata: x\n\n: live\n\n:heartbeat\n\n"),
                messages::add, comments::add, () -> false);
        assertEquals(List.of("mandate event stream", "live", "heartbeat"), comments);
        assertEquals(List.of(new ServerSentEvents.Message("a", "x", "7")), messages);
    }

    @Test
    void dataLinesJoinWithLineFeedsAndOneLeadingSpaceIsDropped() throws IOException {
        assertEquals(List.of(new ServerSentEvents.Message("message", "first\n second\n\nlast", "")),
                read("data: first\ndata:  second\ndata\ndata:last\n\n"));
    }

    @Test
    void crLfAndLoneCrEndLinesToo() throws IOException {
        assertEquals(List.of(new ServerSentEvents.Message("a", "x", "1"), new ServerSentEvents.Message("b", "y", "2")),
                read("id: 1\r\nevent: a\r\ndata: x\r\n\r\nid: 2\revent: b\rdata: y\r\r"));
    }

    @Test
    void theLastEventIdCarriesOverAndAnIdWithNulIsIgnored() throws IOException {
        assertEquals(List.of(new ServerSentEvents.Message("message", "a", "5"), new ServerSentEvents.Message("message", "b", "5")),
                read("id: 5\ndata: a\n\nid: 6\u0000\ndata: b\n\n"));
    }

    @Test
    void anEventWithoutDataIsNotDispatchedAndDoesNotNameTheNext() throws IOException {
        assertEquals(List.of(new ServerSentEvents.Message("message", "d", "")), read("event: lonely\n\ndata: d\n\n"));
    }

    @Test
    void aMessageCutOffByTheEndOfTheStreamIsDiscarded() throws IOException {
        assertEquals(List.of(new ServerSentEvents.Message("message", "whole", "")), read("data: whole\n\ndata: cut"));
    }

    @Test
    void retryIsADelayInMillisecondsAndUnknownFieldsAreIgnored() {
        ServerSentEvents parser = new ServerSentEvents();
        parser.line("retry: 2500");
        parser.line("retry: soon");
        parser.line("colour: red");
        assertEquals(2500, parser.retry().orElseThrow());
    }
}
