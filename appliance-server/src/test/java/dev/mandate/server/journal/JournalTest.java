package dev.mandate.server.journal;

import dev.mandate.server.audit.Audit;
import dev.mandate.server.audit.AuditLog;
import dev.mandate.server.error.Refusal;
import dev.mandate.server.storage.WithDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The journal against H2 on disk: a change's audit entry and event commit together, or not at all. */
class JournalTest extends WithDatabase {

    private AuditLog audit;
    private EventLog events;
    private Journal journal;

    @BeforeEach
    void open() {
        Clock clock = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);
        audit = new AuditLog(db, clock::millis);
        events = new EventLog(db, clock);
        journal = new Journal(db, audit, events);
    }

    @Test
    void aChangeAndItsEventCommitTogetherAndSubscribersSeeItOnlyAfterTheCommit() throws Exception {
        EventLog.Subscriber subscriber = events.subscribe(10);
        boolean[] publishedEarly = {true};
        db.write(tx -> {
            journal.record(tx, Audit.success("agent_registered", "agent_name=a"), new Event.AgentRegistered(
                    "spiffe://t/agent/o/k/1", "k", "o"));
            try {
                publishedEarly[0] = subscriber.poll(0) != null;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return null;
        });
        assertFalse(publishedEarly[0], "nothing is published before the commit");
        Event.Recorded published = subscriber.poll(1000);
        assertEquals(new Event.AgentRegistered("spiffe://t/agent/o/k/1", "k", "o"), published.event());
        assertEquals(1, published.seq());
        assertEquals(List.of(published), events.since(0, 10));
        assertEquals(1, audit.count());
        assertTrue(audit.verify().valid());
    }

    @Test
    void aFailureRollsBackTheAuditEntryAndTheEvent() throws Exception {
        EventLog.Subscriber subscriber = events.subscribe(10);
        IllegalStateException failure = new IllegalStateException("boom");
        assertSame(failure, assertThrows(IllegalStateException.class, () -> db.write(tx -> {
            journal.record(tx, Audit.success("token_issued", "jti=x"), new Event.TokenIssued("spiffe://t/agent/o/k/1", "k", "o", "x"));
            throw failure;
        })));
        assertEquals(0, audit.count());
        assertEquals(List.of(), events.since(0, 10));
        assertNull(subscriber.poll(50));
        // The chain head did not move: the next entry is id 1 and the chain verifies.
        db.write(tx -> {
            journal.record(tx, Audit.success("token_issued", "jti=y"));
            return null;
        });
        assertEquals(1, audit.query(new AuditLog.Query(null, null, null, null, null, null, 10, 0)).events().getFirst().id());
        assertTrue(audit.verify().valid());
    }

    @Test
    void aRefusalDecidedInATransactionKeepsItsDenialAndReachesTheCaller() {
        Refusal refusal = Refusal.forbidden("task is revoked");
        Refusal thrown = assertThrows(Refusal.class, () -> db.write(tx -> {
            throw journal.refuse(tx, Audit.denied("registration_policy_violation", "task is revoked"), refusal);
        }));
        assertSame(refusal, thrown);
        var page = audit.query(new AuditLog.Query(null, null, null, "denied", null, null, 10, 0));
        assertEquals(1, page.total());
        assertEquals("registration_policy_violation", page.events().getFirst().eventType());
        assertTrue(audit.verify().valid());
    }

    @Test
    void onlyTheMarkedRefusalCommitsAnotherExceptionAfterItStillRollsBack() {
        assertThrows(IllegalStateException.class, () -> db.write(tx -> {
            journal.refuse(tx, Audit.denied("token_renewal_failed", "jti=x"), Refusal.unauthorized("no"));
            throw new IllegalStateException("a different failure");
        }));
        assertEquals(0, audit.count());
    }

    @Test
    void aRefusalDecidedBeforeAnyTransactionIsAuditedInOneOfItsOwn() {
        Refusal refusal = Refusal.scopeViolation("'scope' exceeds the delegator's scope");
        assertSame(refusal, journal.refuse(Audit.denied("delegation_attenuation_violation", "to=b"), refusal));
        assertEquals(1, audit.count());
        assertTrue(audit.verify().valid());
    }

    @Test
    void everyEventTypeReadsBackAsItWasRecorded() {
        String agent = "spiffe://t/agent/o/k/1";
        List<Event> all = List.of(new Event.AgentRegistered(agent, "k", "o"),
                new Event.TokenIssued(agent, "k", "o", "%032x".formatted(1)), new Event.TokenRenewed(agent, "k", "o", "%032x".formatted(2)),
                new Event.TokenReleased(agent, "k", "o", "%032x".formatted(2)), new Event.TokenExpired(agent, "k", "%032x".formatted(3)),
                new Event.DelegationCreated(agent, "k", "o", "%032x".formatted(4)), new Event.TokenRevoked("chain", agent, 7),
                new Event.KeyRotated("kid-2"), new Event.KeyRevoked("kid-1", 3));
        db.write(tx -> {
            all.forEach(e -> journal.event(tx, e));
            return null;
        });
        List<Event.Recorded> read = events.since(0, 100);
        assertEquals(all, read.stream().map(Event.Recorded::event).toList());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), read.stream().map(Event.Recorded::seq).toList());
        assertEquals(2, events.since(7, 100).size());
    }
}
