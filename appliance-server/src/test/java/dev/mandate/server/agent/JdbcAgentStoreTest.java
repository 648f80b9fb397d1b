package dev.mandate.server.agent;

import dev.mandate.server.storage.WithDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The agents table's owner, against H2 on disk: the operator's filters, paging and revocation marks. */
class JdbcAgentStoreTest extends WithDatabase {

    private static final AgentRecord.Filter ANY = new AgentRecord.Filter(null, null, null, null);

    private final JdbcAgentStore store = new JdbcAgentStore();

    @BeforeEach
    void open() {
        db.write(tx -> {
            store.insert(tx, row("spiffe://t/agent/orch-1/task-a/1", "orch-1", "task-a", "app-1", "files:read:x", 100));
            store.insert(tx, row("spiffe://t/agent/orch-1/task-b/2", "orch-1", "task-b", null, "mail:send:100%_off", 200));
            store.insert(tx, row("spiffe://t/agent/orch-2/task-a/3", "orch-2", "task-a", "app-1", "files:write:x", 300));
            return null;
        });
    }

    @Test
    void filtersCombineAndTheNewestComesFirst() {
        assertEquals(List.of("3", "2", "1"), ids(ANY, null, 0));
        assertEquals(List.of("3", "1"), ids(new AgentRecord.Filter("app-1", null, null, null), null, 0));
        assertEquals(List.of("1"), ids(new AgentRecord.Filter("app-1", "orch-1", "task-a", null), null, 0));
        assertEquals(2L, (long) db.read(tx -> store.count(tx, new AgentRecord.Filter(null, null, "task-a", null))));
    }

    @Test
    void textSearchIsCaseInsensitiveAndTreatsWildcardsAsLetters() {
        assertEquals(List.of("3", "1"), ids(new AgentRecord.Filter(null, null, null, "TASK-A"), null, 0));
        assertEquals(List.of("2"), ids(new AgentRecord.Filter(null, null, null, "100%_"), null, 0));
        assertEquals(List.of("2"), ids(new AgentRecord.Filter(null, null, null, "%"), null, 0),
                "% is a letter, not 'anything': only the scope that holds one matches");
        assertEquals(List.of(), ids(new AgentRecord.Filter(null, null, null, "files_read"), null, 0), "_ is a letter too");
    }

    @Test
    void pagesAreSlicesOfTheSameOrder() {
        assertEquals(List.of("3", "2"), ids(ANY, 2, 0));
        assertEquals(List.of("1"), ids(ANY, 2, 2));
        assertEquals(List.of(), ids(ANY, 2, 4));
        assertEquals(3L, (long) db.read(tx -> store.count(tx, ANY)));
    }

    @Test
    void revokedAndLifetimeFollowTheRevocationMark() {
        String id = "spiffe://t/agent/orch-1/task-a/1";
        assertEquals(Optional.of(false), db.read(tx -> store.revoked(tx, id)));
        assertEquals(Optional.of(Instant.ofEpochSecond(100 + 3600)), db.read(tx -> store.lifetimeEnd(tx, id)));
        db.write(tx -> tx.update("UPDATE agents SET revoked_at = 5 WHERE agent_id = ?", id));
        assertEquals(Optional.of(true), db.read(tx -> store.revoked(tx, id)));
        assertEquals(Optional.empty(), db.read(tx -> store.lifetimeEnd(tx, id)), "a revoked agent has no lifetime left");
        assertEquals(Optional.empty(), db.read(tx -> store.revoked(tx, "spiffe://t/agent/none")));
        assertEquals(List.of(true, false, false), db.read(tx -> store.matching(tx, ANY, AgentRecord.Order.NEWEST, 0, null, 0)).reversed().stream()
                .map(AgentRecord::revoked).toList());
    }

    private List<String> ids(AgentRecord.Filter filter, Integer limit, int offset) {
        return db.read(tx -> store.matching(tx, filter, AgentRecord.Order.NEWEST, 0, limit, offset)).stream()
                .map(a -> a.agentId().substring(a.agentId().lastIndexOf('/') + 1)).toList();
    }

    private static JdbcAgentStore.Row row(String id, String orch, String task, String app, String scope, long at) {
        return new JdbcAgentStore.Row(id, orch, task, app, "agent", "cHVibGlj", scope, at, at + 3600);
    }
}
