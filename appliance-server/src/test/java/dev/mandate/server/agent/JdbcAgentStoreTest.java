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
    void textSearchFindsTheScopeOfATokenDelegatedToAnAgentHoweverManyHoldOne() {
        delegate("spiffe://t/agent/orch-2/task-a/3", "reports:read:q3", 1);
        assertEquals(List.of("3"), ids(new AgentRecord.Filter(null, null, null, "REPORTS:read"), null, 0));
        assertEquals(1L, (long) db.read(tx -> store.count(tx, new AgentRecord.Filter(null, null, null, "reports:read"))));
        // Past 1,000 matching holders the search asks per agent: the same answer.
        db.write(tx -> {
            for (int i = 0; i < 1001; i++) {
                store.insert(tx, row("spiffe://t/agent/orch-3/many/" + (1000 + i), "orch-3", "many", null, "files:read:x", 400 + i));
            }
            return null;
        });
        for (int i = 0; i < 1001; i++) {
            delegate("spiffe://t/agent/orch-3/many/" + (1000 + i), "reports:read:all", 2 + i);
        }
        var filter = new AgentRecord.Filter(null, null, null, "reports:read");
        assertEquals(1002L, (long) db.read(tx -> store.count(tx, filter)));
        assertEquals(List.of("2000", "1999"), ids(filter, 2, 0));
        assertEquals(List.of("1000", "3"), ids(filter, 2, 1000), "the oldest last");
        assertEquals(List.of("3"), ids(new AgentRecord.Filter(null, null, null, "read:q3"), null, 0));
    }

    /** A delegated token (depth 1) held by {@code agentId}, as the token store writes it. */
    private void delegate(String agentId, String scope, int n) {
        db.write(tx -> tx.update("""
                INSERT INTO tokens (jti, kind, sub, task_id, orch_id, scope, issued_at, expires_at, parent_jti, root_agent,
                                    chain, depth, kid, state)
                VALUES (?, 'agent', ?, 't', 'o', ?, 1, 2, ?, 'spiffe://t/agent/root', '', 1, 'k', 'active')""",
                String.format("%032x", n), agentId, scope, String.format("%032x", 0)));
    }

    @Test
    void pagesAreSlicesOfTheSameOrder() {
        assertEquals(List.of("3", "2"), ids(ANY, 2, 0));
        assertEquals(List.of("1"), ids(ANY, 2, 2));
        assertEquals(List.of(), ids(ANY, 2, 4));
        assertEquals(3L, (long) db.read(tx -> store.count(tx, ANY)));
    }

    @Test
    void byTimeLeftEveryPageIsASliceOfTheWholeOrderInEitherDirection() {
        // Agents 1-3 from open(), and ten more: own tokens with ties, expired, released, superseded, none, revoked.
        long now = 1_000;
        db.write(tx -> {
            for (int i = 4; i <= 13; i++) {
                store.insert(tx, row("spiffe://t/agent/o/k/" + i, "o", "k", null, "files:read:x", 400 + i));
            }
            return null;
        });
        own(1, 1500, "active");
        own(2, 1200, "active");
        own(3, 1200, "active");         // a tie with 2: broken by id
        own(4, 1100, "active");
        own(5, 900, "active");          // expired: no time left
        own(6, 1800, "released");
        own(7, 1300, "superseded");
        own(7, 1700, "active");         // its renewal
        own(8, 1600, "active");
        own(9, 1400, "active");
        own(10, 1900, "active");        // its agent is revoked below
        own(11, 2000, "active");
        own(12, 1050, "active");
        own(8, 1250, "active");         // a second active own token: the agent sorts by its latest, 1600
        own(13, 1150, "active");        // 13's only token is delegated to it (depth 1): it has no own token
        db.write(tx -> tx.update("UPDATE tokens SET depth = 1 WHERE sub = ?", "spiffe://t/agent/o/k/13"));
        db.write(tx -> tx.update("UPDATE agents SET revoked_at = 5 WHERE agent_id = ?", "spiffe://t/agent/o/k/10"));
        for (boolean ascending : new boolean[] {true, false}) {
            var order = new AgentRecord.Order(AgentRecord.Sort.EXPIRES, ascending);
            List<String> whole = ids(order, now, null, 0);
            assertEquals(13, whole.size(), whole.toString());
            List<String> live = ascending ? List.of("12", "4", "2", "3", "9", "1", "8", "7", "11")
                    : List.of("11", "7", "8", "1", "9", "3", "2", "4", "12");
            assertEquals(live, whole.subList(0, 9), "the live agents first, by time left (ties by id, the same way)");
            for (int limit : new int[] {1, 2, 3, 4, 9, 10}) {
                for (int offset = 0; offset <= 14; offset++) {
                    assertEquals(whole.subList(Math.min(offset, 13), Math.min(offset + limit, 13)), ids(order, now, limit, offset),
                            "limit " + limit + " offset " + offset + (ascending ? " ascending" : " descending"));
                }
            }
        }
    }

    /** Agent {@code n}'s own token (depth 0) expiring at {@code expires}, in {@code state}. */
    private void own(int n, long expires, String state) {
        String agent = n <= 3 ? List.of("spiffe://t/agent/orch-1/task-a/1", "spiffe://t/agent/orch-1/task-b/2",
                "spiffe://t/agent/orch-2/task-a/3").get(n - 1) : "spiffe://t/agent/o/k/" + n;
        db.write(tx -> tx.update("""
                INSERT INTO tokens (jti, kind, sub, task_id, orch_id, scope, issued_at, expires_at, parent_jti, root_agent,
                                    chain, depth, kid, state)
                VALUES (?, 'agent', ?, 't', 'o', 'files:read:x', 1, ?, NULL, ?, '', 0, 'k', ?)""",
                String.format("%032x", 1_000_000L * n + expires), agent, expires, agent, state));
    }

    private List<String> ids(AgentRecord.Order order, long now, Integer limit, int offset) {
        return db.read(tx -> store.matching(tx, ANY, order, now, limit, offset)).stream()
                .map(a -> a.agentId().substring(a.agentId().lastIndexOf('/') + 1)).toList();
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
        return new JdbcAgentStore.Row(id, orch, task, app, "agent", "cHVibGlj", scope, at, at + 3600, false);
    }
}
