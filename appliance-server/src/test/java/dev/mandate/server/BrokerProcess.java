package dev.mandate.server;

import dev.mandate.hsm.TestToken;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The broker's {@code main} in a process of its own, started as an operator or a supervisor would: with
 * the test JVM's SoftHSM token and the given environment. Its stdout and stderr are collected line by line.
 * Public for the console's benchmark, whose broker must not share the console's JVM (its heap and pauses).
 */
public final class BrokerProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("Mandate broker listening on (http://127\\.0\\.0\\.1:\\d+)");

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final java.util.concurrent.CountDownLatch drained = new java.util.concurrent.CountDownLatch(1);

    private BrokerProcess(Process process) {
        this.process = process;
        Thread.ofVirtual().start(() -> {
            try (var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    lines.add(line);
                }
            } catch (java.io.IOException e) {
                // The process was killed.
            } finally {
                drained.countDown();
            }
        });
    }

    /** The environment of a working broker on {@code data}, any free port; {@code overrides} replace or add to it. */
    public static BrokerProcess start(Path data, Map<String, String> overrides) throws java.io.IOException {
        return start(data, overrides, List.of());
    }

    /**
     * The same, its command line prefixed by {@code wrapper} (e.g. {@code strace -f -o FILE}): the broker
     * runs under it, and what it records of the broker's system calls is the broker's own.
     */
    public static BrokerProcess start(Path data, Map<String, String> overrides, List<String> wrapper) throws java.io.IOException {
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("MANDATE_"));
        env.put("MANDATE_DATA_DIR", data.toString());
        env.put("MANDATE_PORT", "0");
        env.put("MANDATE_ISSUER", "http://mandate.test");
        env.put("MANDATE_ADMIN_SECRET", TestBroker.ADMIN_SECRET);
        env.put("MANDATE_HSM_PIN_FILE", TestToken.config().pinFile().toString());
        env.put("MANDATE_CONFIG", Path.of("src/test/resources/test-broker.yaml").toAbsolutePath().toString());
        env.putAll(overrides);
        return new BrokerProcess(builder.start());
    }

    Process process() {
        return process;
    }

    /** Waits for the "listening" line and returns the broker's URL; fails with everything it printed. */
    public String awaitListening() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null) {
                seen.add(line);
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    return m.group(1);
                }
            }
            if (!process.isAlive() && lines.isEmpty()) {
                break;
            }
        }
        process.destroyForcibly();
        throw new AssertionError("the broker did not start:\n" + String.join("\n", seen));
    }

    /** Waits up to {@code seconds} for the process to end; its exit status, or -1 if it is still running. */
    int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            return -1;
        }
        return process.exitValue();
    }

    /** Every line printed so far (after the process has ended: all of them). */
    List<String> output() throws InterruptedException {
        if (!process.isAlive()) {
            drained.await(10, TimeUnit.SECONDS);
        }
        lines.drainTo(seen);
        return List.copyOf(seen);
    }

    @Override
    public void close() throws InterruptedException {
        // Under a wrapper (strace) the broker is its child: stop the broker, and the wrapper ends with it.
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
