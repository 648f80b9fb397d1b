package dev.mandate.server.token;

import dev.mandate.server.claims.ChainLink;
import dev.mandate.server.claims.TokenClaims;
import dev.mandate.server.scope.Scopes;
import dev.mandate.server.storage.WithDatabase;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tokens table's one owner, against H2 on disk. */
class JdbcTokenStoreTest extends WithDatabase {

    private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");

    private final JdbcTokenStore store = new JdbcTokenStore();

    @Test
    void aRecordedTokenDescribesExactlyItsOwnClaims() {
        TokenClaims root = claims("spiffe://t/agent/o/k/a", jti("a0"), List.of(), 600);
        TokenClaims child = claims("spiffe://t/agent/o/k/b", jti("b0"),
                List.of(ChainLink.delegated(root.subject(), root.jti(), root.scope().strings(), T0)), 300);
        insert(root, null);
        insert(child, null);

        JdbcTokenStore.Row row = db.read(tx -> store.row(tx, child.jti())).orElseThrow();
        assertEquals(TokenState.ACTIVE, row.state());
        assertTrue(row.describes(child));
        assertFalse(row.describes(root), "another token's claims");
        TokenClaims forged = new TokenClaims(child.issuer(), child.subject(), child.audience(), child.expiresAt(),
                child.notBefore(), child.issuedAt(), child.jti(), Scopes.trusted(List.of("files:read:*")), child.taskId(),
                child.orchId(), child.chain(), child.kid(), "");
        assertFalse(row.describes(forged), "the same jti with a wider scope");
        TokenClaims rebound = new TokenClaims(child.issuer(), child.subject(), child.audience(), child.expiresAt(),
                child.notBefore(), child.issuedAt(), child.jti(), child.scope(), child.taskId(), child.orchId(),
                child.chain(), child.kid(), "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I");
        assertFalse(row.describes(rebound), "the same jti bound to a key the recorded token is not bound to");
        TokenClaims elsewhere = new TokenClaims(child.issuer(), child.subject(), List.of("https://other.example/"),
                child.expiresAt(), child.notBefore(), child.issuedAt(), child.jti(), child.scope(), child.taskId(),
                child.orchId(), child.chain(), child.kid(), "");
        assertFalse(row.describes(elsewhere), "the same jti for another audience");
        TokenClaims reparented = new TokenClaims(child.issuer(), child.subject(), child.audience(), child.expiresAt(),
                child.notBefore(), child.issuedAt(), child.jti(), child.scope(), child.taskId(), child.orchId(),
                List.of(ChainLink.delegated("spiffe://t/agent/o/k/z", jti("z0"), List.of("files:read:x"), T0)), child.kid(), "");
        assertFalse(row.describes(reparented), "the same jti under another delegator");
    }

    @Test
    void onlyAnActiveTokenChangesStateAndOnlyOnce() {
        TokenClaims t = claims("spiffe://t/agent/o/k/a", jti("a0"), List.of(), 600);
        insert(t, null);
        boolean superseded = db.write(tx -> store.setState(tx, t.jti(), TokenState.SUPERSEDED, 10));
        assertTrue(superseded);
        boolean again = db.write(tx -> store.setState(tx, t.jti(), TokenState.RELEASED, 11));
        assertFalse(again, "no longer active");
        assertEquals(TokenState.SUPERSEDED, db.read(tx -> store.row(tx, t.jti())).orElseThrow().state());
        boolean unknown = db.write(tx -> store.setState(tx, "unknown", TokenState.RELEASED, 11));
        assertFalse(unknown);
    }

    @Test
    void recordsCarryTheirChainRootFirstAndTheTreeReadsBack() {
        TokenClaims root = claims("spiffe://t/agent/o/k/a", jti("a0"), List.of(), 600);
        TokenClaims child = claims("spiffe://t/agent/o/k/b", jti("b0"),
                List.of(ChainLink.delegated(root.subject(), root.jti(), root.scope().strings(), T0)), 300);
        TokenClaims grandchild = claims("spiffe://t/agent/o/k/c", jti("c0"), List.of(child.chain().getFirst(),
                ChainLink.delegated(child.subject(), child.jti(), child.scope().strings(), T0)), 100);
        insert(root, null);
        insert(child, null);
        insert(grandchild, null);

        List<TokenRecord> tree = db.read(tx -> store.tree(tx, root.subject()));
        assertEquals(List.of(jti("a0"), jti("b0"), jti("c0")), tree.stream().map(TokenRecord::jti).toList());
        TokenRecord c = tree.get(2);
        assertEquals(2, c.depth());
        assertEquals(List.of(jti("a0"), jti("b0")), c.ancestorJtis());
        assertEquals(root.subject(), c.ancestorAgent(0));
        assertEquals(jti("b0"), c.parentJti());
        assertEquals(root.subject(), c.rootAgent());
        assertEquals(Optional.of(root.subject()), db.read(tx -> store.rootOf(tx, jti("c0"))));
        assertEquals(Map.of(jti("a0"), T0.getEpochSecond() + 600, jti("b0"), T0.getEpochSecond() + 300),
                db.read(tx -> store.expiries(tx, List.of(jti("a0"), jti("b0"), "unknown"))));
    }

    @Test
    void heldByAndUnexpiredActiveReadPastOneInListBatch() {
        List<String> holders = new ArrayList<>();
        for (int i = 0; i < 1_201; i++) {
            TokenClaims t = claims("spiffe://t/agent/o/k/" + i, jti("j" + i), List.of(), i % 2 == 0 ? 600 : -1);
            insert(t, null);
            holders.add(t.subject());
        }
        List<TokenRecord> held = db.read(tx -> store.heldBy(tx, holders));
        assertEquals(1_201, held.size());
        assertEquals(Set.copyOf(holders), Set.copyOf(held.stream().map(TokenRecord::subject).toList()));
        List<TokenRecord> live = db.read(tx -> store.unexpiredActive(tx, T0.getEpochSecond()));
        assertEquals(601, live.size(), "the even ones expire after now; the odd ones expired");
        assertTrue(live.stream().allMatch(t -> t.expiresAt() > T0.getEpochSecond()));
    }

    private void insert(TokenClaims c, String supersedes) {
        db.write(tx -> {
            store.insert(tx, c, supersedes);
            return null;
        });
    }

    /** A jti of the stored width (32 hex digits) named by {@code name}. */
    private static String jti(String name) {
        return String.format("%32s", java.util.HexFormat.of().formatHex(name.getBytes())).replace(' ', '0');
    }

    private static TokenClaims claims(String subject, String jti, List<ChainLink> chain, long ttl) {
        return new TokenClaims("https://mandate.test", subject, List.of("mandate"), T0.plusSeconds(ttl),
                T0.minusSeconds(1), T0.minusSeconds(1), jti, Scopes.trusted(List.of("files:read:x")), "k", "o", chain,
                "kid-1", "");
    }
}
