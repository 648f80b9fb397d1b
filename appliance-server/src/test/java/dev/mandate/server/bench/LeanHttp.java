package dev.mandate.server.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The benchmarks' lean HTTP/1.1 client (issue 13: the client must not be the bottleneck). Each call borrows
 * a keep-alive connection from a pool, writes the request in one buffer and reads the response by its
 * {@code Content-Length} (or chunks); no header maps, no futures, no executor hand-offs, which is where the
 * JDK's client spends its CPU. Loopback only, plain HTTP; made for one scenario and closed after it.
 */
final class LeanHttp implements AutoCloseable {

    record Response(int status, String body) {
    }

    private final InetSocketAddress address;
    private final String host;
    private final ConcurrentLinkedQueue<Connection> idle = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Connection> all = new ConcurrentLinkedQueue<>();

    LeanHttp(String baseUrl) {
        URI base = URI.create(baseUrl);
        if (!"127.0.0.1".equals(base.getHost())) {
            throw new IllegalArgumentException("the benchmark client talks to loopback only: " + baseUrl);
        }
        this.address = new InetSocketAddress(base.getHost(), base.getPort());
        this.host = base.getHost() + ":" + base.getPort();
    }

    Response get(String path) throws IOException {
        return send("GET", path, null, null);
    }

    Response post(String path, String body, String bearer) throws IOException {
        return send("POST", path, bearer, body);
    }

    /** A request with an optional bearer token and JSON body. */
    Response send(String method, String path, String bearer, String body) throws IOException {
        byte[] content = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ")
                .append(host).append("\r\n");
        if (bearer != null) {
            head.append("Authorization: Bearer ").append(bearer).append("\r\n");
        }
        if (content != null) {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(content.length).append("\r\n");
        }
        byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = new byte[headBytes.length + (content == null ? 0 : content.length)];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        if (content != null) {
            System.arraycopy(content, 0, request, headBytes.length, content.length);
        }
        Connection c = idle.poll();
        if (c == null) {
            c = new Connection(address);
            all.add(c);
        }
        try {
            Response r = c.exchange(request);
            if (c.open) {
                idle.add(c);
            }
            return r;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    @Override
    public void close() {
        all.forEach(Connection::close);
    }

    private static final class Connection {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private boolean open = true;

        Connection(InetSocketAddress address) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(address, 5_000);
            socket.setSoTimeout(60_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        }

        Response exchange(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            String status = line();
            if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
                throw new IOException("not an HTTP/1.1 response: " + status);
            }
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String h = header.toLowerCase(Locale.ROOT);
                if (h.startsWith("content-length:")) {
                    length = Long.parseLong(h.substring(15).trim());
                } else if (h.startsWith("transfer-encoding:") && h.contains("chunked")) {
                    chunked = true;
                } else if (h.startsWith("connection:") && h.contains("close")) {
                    open = false;
                }
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (chunked) {
                for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                     size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                    body.write(in.readNBytes(size));
                    line();
                }
                line();
            } else if (length > 0) {
                byte[] bytes = in.readNBytes((int) length);
                if (bytes.length < length) {
                    throw new EOFException("response body cut short");
                }
                body.write(bytes);
            }
            if (!open) {
                close();
            }
            return new Response(code, body.toString(StandardCharsets.UTF_8));
        }

        private String line() throws IOException {
            StringBuilder s = new StringBuilder(64);
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new EOFException("connection closed mid-response");
                }
                if (b != '\r') {
                    s.append((char) b);
                }
            }
            return s.toString();
        }

        void close() {
            open = false;
            try {
                socket.close();
            } catch (IOException e) {
                // Closing a benchmark connection: nothing to recover.
            }
        }
    }
}
