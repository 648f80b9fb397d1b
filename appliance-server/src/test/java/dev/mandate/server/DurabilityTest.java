package dev.mandate.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Acknowledged changes are on the device, not only in the page cache (issue 13): the broker runs under
 * {@code strace}, which records every {@code fdatasync}/{@code fsync} it makes on its database file, while
 * clients register agents concurrently. Every sync the broker counts reached the kernel, there is at least
 * one per acknowledged commit's group, and one sync answers several commits when they queue up.
 */
class DurabilityTest {

    private static final int CLIENTS = 8;
    private static final int REGISTRATIONS_PER_CLIENT = 25;
    private static final Pattern SYNC_OF_DB = Pattern.compile("\\b(?:fdatasync|fsync)\\(\\d+</[^>]*mandate\\.mv\\.db>\\)");

    @TempDir
    Path dir;

    @Test
    void acknowledgedCommitsAreSyncedToTheDeviceInGroups() throws Exception {
        Path trace = dir.resolve("strace.out");
        List<String> strace = List.of("strace", "-f", "--seccomp-bpf", "-y", "-qq", "-e", "trace=fsync,fdatasync", "-o", trace.toString());
        Map<String, Double> metrics;
        double commitsBefore;
        try (BrokerProcess process = BrokerProcess.start(dir.resolve("data"), Map.of(), strace)) {
            TestBroker api = TestBroker.remote(process.awaitListening());
            String admin = api.adminToken();
            commitsBefore = MetricsTest.samples(api.get("/v1/metrics", null).body())
                    .getOrDefault("mandate_db_changes_total", 0.0);
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            try {
                List<Future<Integer>> done = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    done.add(clients.submit((Callable<Integer>) () -> {
                        for (int i = 0; i < REGISTRATIONS_PER_CLIENT; i++) {
                            api.registerAgent(admin, "durable", "task-" + client + "-" + i, "[\"read:data:*\"]");
                        }
                        return REGISTRATIONS_PER_CLIENT;
                    }));
                }
                int acknowledged = 0;
                for (Future<Integer> f : done) {
                    acknowledged += f.get();
                }
                assertEquals(CLIENTS * REGISTRATIONS_PER_CLIENT, acknowledged);
            } finally {
                clients.shutdownNow();
            }
            metrics = MetricsTest.samples(api.get("/v1/metrics", null).body());
        }
        long syncsSeenByTheKernel = Files.readAllLines(trace).stream().filter(l -> SYNC_OF_DB.matcher(l).find()).count();
        // Each registration is two acknowledged changes; one sync covers at most one waiting change per client.
        int atLeast = 2 * CLIENTS * REGISTRATIONS_PER_CLIENT / CLIENTS;
        assertTrue(syncsSeenByTheKernel >= atLeast, "the database file was synced to its device as changes were "
                + "acknowledged: " + syncsSeenByTheKernel + " syncs, at least " + atLeast + " needed");
        double registeredCommits = metrics.get("mandate_db_changes_total") - commitsBefore;
        // Each registration commits twice (launch token, then the registration itself).
        assertTrue(registeredCommits >= 2 * CLIENTS * REGISTRATIONS_PER_CLIENT, "commits counted: " + registeredCommits);
        double syncs = metrics.get("mandate_db_sync_seconds_count");
        double commits = metrics.get("mandate_db_changes_total");
        double synced = metrics.get("mandate_db_sync_changes_sum");
        System.out.printf("durability: %.0f changes, %.0f syncs counted by the broker, %d seen by strace, %.2f changes per sync%n",
                commits, syncs, syncsSeenByTheKernel, synced / syncs);
        assertTrue(syncs > 0, "the broker synced its database file");
        assertTrue(syncsSeenByTheKernel >= syncs, "every sync the broker counted reached the kernel: " + syncsSeenByTheKernel
                + " seen, " + syncs + " counted");
        assertEquals(commits, synced, "every change was covered by a sync before it was acknowledged");
        assertTrue(syncs < commits, "concurrent changes shared syncs: " + syncs + " syncs for " + commits + " changes");
    }
}
