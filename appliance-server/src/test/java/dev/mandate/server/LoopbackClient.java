package dev.mandate.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 over one keep-alive connection from a chosen loopback source address (127.0.0.0/8), so a test
 * can be many clients at once; java.net.http cannot choose its source address. Only what the broker's
 * answers need: Content-Length or chunked bodies.
 */
final class LoopbackClient implements AutoCloseable {

    private final InetAddress from;
    private final int port;
    private Socket socket;
    private InputStream in;

    LoopbackClient(InetAddress from, int port) throws IOException {
        this.from = from;
        this.port = port;
        connect();
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        socket.setSoTimeout(10_000);
        in = new BufferedInputStream(socket.getInputStream(), 8192);
    }

    /** Sends {@code request} (a whole HTTP/1.1 request) and returns the answer's status; reconnects once if the server closed. */
    int exchange(String request) throws IOException {
        try {
            return send(request);
        } catch (IOException e) {
            socket.close();
            connect();
            return send(request);
        }
    }

    private int send(String request) throws IOException {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        int status = Integer.parseInt(line().split(" ")[1]);
        long length = 0;
        boolean chunked = false;
        for (String h = line(); !h.isEmpty(); h = line()) {
            String lower = h.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(h.substring(15).strip());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            for (long size = Long.parseLong(line().strip(), 16); size > 0; size = Long.parseLong(line().strip(), 16)) {
                in.readNBytes((int) size);
                line();
            }
            line();
        } else {
            in.readNBytes((int) length);
        }
        return status;
    }

    static String get(String path, String bearer) {
        return "GET " + path + " HTTP/1.1\r\nHost: mandate\r\n" + (bearer == null ? "" : "Authorization: Bearer " + bearer + "\r\n") + "\r\n";
    }

    static String post(String path, String contentType, String body, String authorization) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return "POST " + path + " HTTP/1.1\r\nHost: mandate\r\nContent-Type: " + contentType + "\r\nContent-Length: "
                + bytes.length + "\r\n" + (authorization == null ? "" : "Authorization: " + authorization + "\r\n") + "\r\n" + body;
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
