package dev.mandate.console;

import dev.mandate.console.audit.AuditViewModel;
import dev.mandate.console.client.Model;
import dev.mandate.console.fx.Tasks;
import dev.mandate.server.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The audit tab's view-model: against a real broker for the query and a valid chain, a stub for a broken one. */
class AuditViewModelTest {

    @TempDir
    Path dir;

    @Test
    void theQueryFiltersByTypeAndTheChainOfARealBrokerVerifiesAndTheFilteredEventsExport() throws Exception {
        try (TestBroker broker = Fixture.broker(dir)) {
            String admin = broker.adminToken();
            broker.registerAgent(admin, "audit-vm", "audit-vm", "[\"read:data:*\"]");
            AuditViewModel vm = new AuditViewModel(Fixture.client(broker), Tasks.inline());
            vm.eventType().set("agent_registered");
            vm.refresh();
            assertFalse(vm.rows().isEmpty());
            assertTrue(vm.rows().stream().allMatch(r -> r.type().equals("agent_registered")), vm.rows().toString());
            vm.verify();
            assertTrue(vm.verdict().get().matches("Chain valid: \\d+ events"), vm.verdict().get());

            Path csv = dir.resolve("registered.csv");
            vm.export(csv);
            assertEquals("Exported " + vm.rows().size() + " event" + (vm.rows().size() == 1 ? "" : "s") + " to " + csv, vm.verdict().get());
            var records = csvRecords(csv);
            assertEquals(vm.rows().size(), records.size(), "the filtered events, all of them (fewer than a page here)");
            assertTrue(records.stream().allMatch(r -> r.get("event_type").equals("agent_registered")));
            assertEquals(vm.rows().getFirst().detail(), records.getFirst().get("detail"));
        }
    }

    @Test
    void filtersNarrowAtTheBrokerAndPagesGoFromTheNewestBack() {
        try (TestBroker broker = Fixture.broker(dir)) {
            String admin = broker.adminToken();
            for (int i = 0; i < AuditViewModel.PAGE_SIZE + 1; i++) {
                broker.launchToken(admin, "[\"read:data:*\"]", "");
            }
            var agent = broker.registerAgent(admin, "audit-vm", "paged", "[\"read:data:*\"]");
            AuditViewModel vm = new AuditViewModel(Fixture.client(broker), Tasks.inline());
            vm.eventType().set("launch_token_issued");
            vm.refresh();
            assertEquals(AuditViewModel.PAGE_SIZE, vm.rows().size());
            assertEquals("events 1–200 of 202, newest first", vm.pageText().get(), "201 here and the one registerAgent made");
            assertTrue(vm.rows().get(0).id() > vm.rows().get(1).id(), "newest first");
            long oldestShown = vm.rows().getLast().id();
            for (int i = 0; i < 5; i++) {
                broker.launchToken(admin, "[\"read:data:*\"]", "");   // events arriving while the operator reads
            }
            vm.older();
            assertEquals("events 201–202 of 202, newest first", vm.pageText().get(), "pages count from the first page's total");
            assertTrue(vm.rows().stream().allMatch(r -> r.id() < oldestShown), "the older page holds only older events");
            vm.older();
            assertEquals("events 201–202 of 202, newest first", vm.pageText().get(), "no page past the oldest");
            vm.newer();
            assertEquals("events 1–200 of 202, newest first", vm.pageText().get());
            vm.refresh();
            assertEquals("events 1–200 of 207, newest first", vm.pageText().get(), "a query counts afresh");

            vm.eventType().set("");
            vm.agentId().set(agent.agentId());
            vm.outcome().set("success");
            vm.refresh();
            assertFalse(vm.rows().isEmpty());
            assertTrue(vm.rows().stream().allMatch(r -> r.agentId().equals(agent.agentId()) && r.outcome().equals("success")),
                    vm.rows().toString());
            vm.taskId().set("no-such-task");
            vm.refresh();
            assertEquals("no events match", vm.pageText().get());
            assertTrue(vm.rows().isEmpty());
        }
    }

    @Test
    void anExportWritesEveryEventTheFiltersMatchNotOnlyThePageShown() throws Exception {
        try (TestBroker broker = Fixture.broker(dir)) {
            String admin = broker.adminToken();
            for (int i = 0; i < AuditViewModel.PAGE_SIZE + 1; i++) {
                broker.launchToken(admin, "[\"read:data:*\"]", "");
            }
            AuditViewModel vm = new AuditViewModel(Fixture.client(broker), Tasks.inline());
            vm.eventType().set("launch_token_issued");
            vm.refresh();
            assertEquals("events 1–200 of 201, newest first", vm.pageText().get());
            broker.launchToken(admin, "[\"read:data:*\"]", "");   // logged after the count shown: not exported

            Path csv = dir.resolve("all.csv");
            vm.export(csv);
            assertEquals("Exported 201 events to " + csv, vm.verdict().get());
            var ids = csvRecords(csv).stream().map(r -> Long.parseLong(r.get("id"))).toList();
            assertEquals(201, ids.size());
            assertEquals(vm.rows().getFirst().id(), ids.getFirst(), "newest first, from the newest shown");
            assertEquals(ids.stream().sorted(java.util.Comparator.reverseOrder()).toList(), ids, "newest first, each once");

            Path json = dir.resolve("all.json");
            vm.export(json);
            try (var reader = jakarta.json.Json.createReader(java.nio.file.Files.newBufferedReader(json))) {
                var array = reader.readArray();
                assertEquals(201, array.size());
                assertTrue(array.stream().allMatch(e -> e.asJsonObject().getString("event_type").equals("launch_token_issued")));
            }
        }
    }

    @Test
    void anExportOfManyPagesWritesEachEventOnceNewestFirstAtEveryPageBoundary() throws Exception {
        for (int counted : new int[]{999, 1000, 1001, 2000, 2001}) {
            // A broker of `counted` events (ids 1 to counted) paged as BrokerClient pages: from the newest, anchored.
            List<String> asked = new java.util.ArrayList<>();
            AuditViewModel vm = new AuditViewModel(new StubBroker() {
                @Override
                public Model.AuditPage auditPage(Model.AuditQuery query, int page, int pageSize, long anchorTotal) {
                    asked.add(page + "/" + pageSize + "/" + anchorTotal);
                    long end = Math.max(0, counted - (long) page * pageSize);
                    long offset = Math.max(0, end - pageSize);
                    List<Model.AuditRow> rows = new java.util.ArrayList<>();
                    for (long id = end; id > offset; id--) {
                        rows.add(new Model.AuditRow(id, "2026-12-01T00:00:00Z", "token_issued", "", "", "", "success"));
                    }
                    return new Model.AuditPage(List.copyOf(rows), counted, page, pageSize);
                }
            }, Tasks.inline());
            vm.refresh();
            Path csv = dir.resolve("paged-" + counted + ".csv");
            vm.export(csv);
            assertEquals("Exported " + counted + " events to " + csv, vm.verdict().get());
            List<Long> ids = csvRecords(csv).stream().map(r -> Long.parseLong(r.get("id"))).toList();
            assertEquals(java.util.stream.LongStream.rangeClosed(1, counted).boxed().sorted(java.util.Comparator.reverseOrder()).toList(),
                    ids, counted + " events: each once, newest first");
            assertEquals((counted + 999) / 1000, asked.stream().filter(a -> a.endsWith("/1000/" + counted)).count(),
                    "pages of 1000, anchored at the count shown: " + asked);
        }
    }

    @Test
    void afterAFailedQueryNothingIsExportedNotEvenTheEventsOfTheFiltersBefore() {
        AuditViewModel vm = new AuditViewModel(new StubBroker() {
            @Override
            public Model.AuditPage auditPage(Model.AuditQuery query, int page, int pageSize, long anchorTotal) {
                if ("token_revoked".equals(query.eventType())) {
                    throw new dev.mandate.console.client.BrokerException(503, "the broker went away");
                }
                return new Model.AuditPage(List.of(new Model.AuditRow(1, "2026-12-01T00:00:00Z", "token_issued", "", "", "",
                        "success")), 1, 0, pageSize);
            }
        }, Tasks.inline());
        vm.refresh();
        vm.eventType().set("token_revoked");
        vm.refresh();
        assertTrue(vm.rows().isEmpty());
        Path csv = dir.resolve("after-failure.csv");
        vm.export(csv);
        assertFalse(java.nio.file.Files.exists(csv), "the filters shown matched nothing that was shown");
        assertEquals("The query failed: there are no events shown to export.", vm.verdict().get());
    }

    @Test
    void anExportCutShortByTheBrokerLeavesNoHalfFileBehind() {
        var row = new Model.AuditRow(1, "2026-12-01T00:00:00Z", "token_revoked", "", "", "level=task", "success");
        AuditViewModel vm = new AuditViewModel(new StubBroker() {
            @Override
            public Model.AuditPage auditPage(Model.AuditQuery query, int page, int pageSize, long anchorTotal) {
                if (page > 0) {
                    throw new dev.mandate.console.client.BrokerException(503, "the broker went away");
                }
                return new Model.AuditPage(java.util.List.of(row), 1500, 0, pageSize);   // more than one export request holds
            }
        }, Tasks.inline());
        vm.refresh();
        Path csv = dir.resolve("cut.csv");
        vm.export(csv);
        assertTrue(vm.verdict().get().startsWith("Export failed: "), vm.verdict().get());
        assertFalse(java.nio.file.Files.exists(csv), "a file holding part of the events would pass for all of them");
    }

    @Test
    void anExportKeepsEveryFieldWholeAndNoCellRunsInASpreadsheet() throws Exception {
        var tricky = new Model.AuditRow(7, "2026-12-01T00:00:00Z", "registration_policy_violation", "",
                "=HYPERLINK(\"http://x\")", "requested [a, b] beyond \"allowed\"\nsecond line", "denied");
        var plain = new Model.AuditRow(8, "2026-12-01T00:00:01Z", "token_revoked", "spiffe://d/agent/o/t/1", "task-1",
                "level=task", "success");
        AuditViewModel vm = new AuditViewModel(new StubBroker() {
            @Override
            public Model.AuditPage auditPage(Model.AuditQuery query, int page, int pageSize, long anchorTotal) {
                return new Model.AuditPage(java.util.List.of(tricky, plain), 2, 0, pageSize);
            }
        }, Tasks.inline());
        vm.refresh();

        Path csv = dir.resolve("events.csv");
        vm.export(csv);
        var records = csvRecords(csv);
        assertEquals(2, records.size());
        assertEquals("7", records.getFirst().get("id"));
        assertEquals(tricky.detail(), records.getFirst().get("detail"), "commas, quotes and a newline survive");
        assertEquals("'" + tricky.taskId(), records.getFirst().get("task_id"), "a formula is written as text");
        assertEquals("task-1", records.get(1).get("task_id"));
        assertEquals(dev.mandate.console.audit.AuditExport.COLUMNS, records.getFirst().getParser().getHeaderNames());

        Path json = dir.resolve("events.json");
        vm.export(json);
        assertEquals("Exported 2 events to " + json, vm.verdict().get());
        try (var reader = jakarta.json.Json.createReader(java.nio.file.Files.newBufferedReader(json))) {
            var array = reader.readArray();
            assertEquals(2, array.size());
            assertEquals(tricky.taskId(), array.getJsonObject(0).getString("task_id"), "JSON keeps the value as it is");
            assertEquals(tricky.detail(), array.getJsonObject(0).getString("detail"));
            assertEquals(8, array.getJsonObject(1).getJsonNumber("id").longValue());
        }

        vm.export(dir.resolve("missing-directory").resolve("events.csv"));
        assertTrue(vm.verdict().get().startsWith("Export failed: "), vm.verdict().get());
    }

    @Test
    void anExportAskedBeforeTheFirstPageArrivesWritesNoEmptyFileAndSaysWhy() {
        // The palette's export builds the audit tab, whose first page is then asked for: until it is shown there
        // is nothing the operator has seen to export, and an empty file would look like "no events".
        AuditViewModel vm = new AuditViewModel(new StubBroker() {
            @Override
            public Model.AuditPage auditPage(Model.AuditQuery query, int page, int pageSize, long anchorTotal) {
                throw new AssertionError("not asked yet");
            }
        }, Tasks.inline());
        Path csv = dir.resolve("early.csv");
        vm.export(csv);
        assertTrue(!java.nio.file.Files.exists(csv), "nothing written");
        assertEquals("The events are still loading: export them once they are shown.", vm.verdict().get());
    }

    private static java.util.List<org.apache.commons.csv.CSVRecord> csvRecords(Path file) throws java.io.IOException {
        try (var parser = org.apache.commons.csv.CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(java.nio.file.Files.newBufferedReader(file))) {
            return parser.getRecords();
        }
    }

    @Test
    void aBrokenChainIsShownWithWhereItBreaks() {
        AuditViewModel vm = new AuditViewModel(new StubBroker() {
            @Override
            public Model.Verification verify() {
                return new Model.Verification(false, 41, 42L);
            }
        }, Tasks.inline());
        vm.verify();
        assertEquals("Chain BROKEN at event 42 (41 intact before it)", vm.verdict().get());
    }
}
