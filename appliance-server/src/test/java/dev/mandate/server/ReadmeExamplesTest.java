package dev.mandate.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's shell example of bound tokens, token exchange and audiences, run as written (curl, openssl,
 * perl, coreutils) against a real broker: what it says it prints is what it prints.
 */
class ReadmeExamplesTest extends WithBroker {

    @TempDir
    Path dir;

    @Test
    void theBoundTokensExampleRunsAndPrintsWhatItsCommentsSay() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int marker = readme.indexOf("<!-- example: bound-tokens -->");
        assertTrue(marker >= 0, "the README marks its example");
        int start = readme.indexOf("```sh\n", marker) + "```sh\n".length();
        String block = readme.substring(start, readme.indexOf("```", start)).replace("/tmp/", dir + "/");
        Files.createDirectories(dir.resolve("var"));
        Files.writeString(dir.resolve("var/admin-secret"), TestBroker.ADMIN_SECRET);
        // The example's proofs are dated by the machine's clock: the broker's (a test clock) is set to it.
        broker.clock.advance(Duration.between(broker.clock.instant(), Instant.now()));

        ProcessBuilder run = new ProcessBuilder("bash", "-euo", "pipefail", "-c", block).directory(dir.toFile())
                .redirectErrorStream(true);
        run.environment().put("B", broker.url());   // the example's broker, else ./mandate run's
        Process bash = run.start();
        bash.getOutputStream().close();
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(bash.waitFor(120, TimeUnit.SECONDS), "finished");
        assertEquals(0, bash.exitValue(), output);

        List<String> lines = output.lines().toList();
        assertEquals(5, lines.size(), output);
        assertTrue(lines.get(0).matches("\"cnf\":\\{\"jkt\":\"[A-Za-z0-9_-]{43}\"}"), lines.get(0));
        assertEquals("401", lines.get(1), "the bound token as a Bearer token");
        assertEquals("\"token_type\":\"DPoP\"", lines.get(2));
        assertEquals("\"proof_matches\":true", lines.get(3));
        assertEquals("{\"valid\":false,\"error\":\"token is not for this audience\"}", lines.get(4));
    }
}
