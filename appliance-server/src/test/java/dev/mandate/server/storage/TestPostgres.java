package dev.mandate.server.storage;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server for tests: a fresh cluster in {@code dir} (initdb, trust authentication,
 * C locale), listening on a free loopback port only, stopped by {@link #close()}. It uses the Debian
 * server binaries under {@code /usr/lib/postgresql/<version>/bin}, which {@code ./mandate test} installs;
 * PostgreSQL refuses to run as root, so under root it runs as the {@code postgres} user the package made.
 */
public record TestPostgres(Path data, Path bin, int port, String password) implements AutoCloseable {

    private static final String USER = "mandate";

    /** A server that trusts every loopback connection (no password). */
    public static TestPostgres start(Path dir) throws IOException, InterruptedException, SQLException {
        return start(dir, "");
    }

    /**
     * A server; with a non-empty {@code password}, user {@value #USER} must give it (scram-sha-256), as on
     * a real installation, so a wrong one is refused.
     */
    public static TestPostgres start(Path dir, String password) throws IOException, InterruptedException, SQLException {
        Path bin = binaries();
        if (isRoot()) {
            UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(dir, users.lookupPrincipalByName("postgres"));
        }
        Path data = dir.resolve("data");
        List<String> initdb = new ArrayList<>(List.of("-D", data.toString(), "-U", USER, "--no-sync", "-E", "UTF8",
                "--locale=C"));
        Path passwordFile = dir.resolve("initdb-password");
        if (password.isEmpty()) {
            initdb.addAll(List.of("-A", "trust"));
        } else {
            Files.writeString(passwordFile, password + "\n");
            if (isRoot()) {
                Files.setOwner(passwordFile, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres"));
            }
            initdb.addAll(List.of("-A", "scram-sha-256", "--pwfile=" + passwordFile));
        }
        try {
            run(bin.resolve("initdb"), initdb.toArray(String[]::new));
        } finally {
            Files.deleteIfExists(passwordFile);
        }
        TestPostgres server = new TestPostgres(data, bin, freePort(), password);
        server.resume();
        try (Connection c = DriverManager.getConnection(server.url("postgres"), USER, password);
             var s = c.createStatement()) {
            s.execute("CREATE DATABASE mandate");
        }
        return server;
    }

    /** The JDBC URL of {@code database} on this server (user {@value #USER}). */
    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String url() {
        return url("mandate");
    }

    /** A new, empty database on this server; its JDBC URL. */
    public String createDatabase(String name) throws SQLException {
        try (Connection c = DriverManager.getConnection(url("postgres"), USER, password);
             var s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    public String user() {
        return USER;
    }

    /** Stops the server at once, as a crash or a failover would (connections drop, nothing is flushed politely). */
    public void crash() throws IOException, InterruptedException {
        run(bin.resolve("pg_ctl"), "-D", data.toString(), "-m", "immediate", "-w", "stop");
    }

    /** Starts the server (again) on its port. */
    public void resume() throws IOException, InterruptedException {
        Path dir = data.getParent();
        run(bin.resolve("pg_ctl"), "-D", data.toString(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "30",
                "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1", "start");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run(bin.resolve("pg_ctl"), "-D", data.toString(), "-m", "fast", "-w", "stop");
    }

    /** The newest server binaries installed; a clear failure when there are none. */
    private static Path binaries() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("no PostgreSQL server binaries under " + root
                    + ": install the Debian package postgresql (./mandate test does)");
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                    .orElseThrow(() -> new IllegalStateException("no initdb under " + root + "/*/bin"));
        }
    }

    private static void run(Path program, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (isRoot()) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(program.toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
