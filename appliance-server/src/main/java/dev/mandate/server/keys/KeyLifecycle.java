package dev.mandate.server.keys;

import com.nimbusds.jose.jwk.ECKey;
import dev.mandate.hsm.Hsm;
import dev.mandate.hsm.HsmException;
import dev.mandate.hsm.HsmSigner;
import dev.mandate.hsm.SigningKey;
import dev.mandate.server.audit.Audit;
import dev.mandate.server.journal.Journal;
import dev.mandate.server.error.Refusal;
import dev.mandate.server.journal.Event;
import dev.mandate.server.revocation.LiveTokens;
import dev.mandate.server.revocation.Revoker;
import dev.mandate.server.storage.Database;

import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The signing keys' lifecycle (SPEC §5): {@code next} → {@code active} → {@code retiring} →
 * {@code retired}, plus {@code revoked} for a compromised key. Keys are generated inside the HSM;
 * H2 keeps their metadata and public JWKs. Exactly one key is active. A new key is published in the
 * JWKS {@code publish-lead} before it signs; a retiring key verifies until the last token it signed
 * has expired, then leaves the JWKS and (per {@code keys.retired-action}) the HSM.
 */
public final class KeyLifecycle {

    private static final System.Logger LOG = System.getLogger(KeyLifecycle.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database db;
    private final Hsm hsm;
    private final Journal journal;
    private final KeyRing ring;
    private final LiveTokens live;
    private final Clock clock;
    private final Duration publishLead;
    private final Optional<Duration> rotationPeriod;
    private final boolean destroyRetired;
    private final int maxConcurrentSignatures;
    private final JdbcKeyStore store = new JdbcKeyStore();
    private final HsmTokenSigner signer;
    private final Revoker revoker;
    private final SignedTokens signed;
    /** The active key another node made that this node's HSM did not show yet; tick() tries it again. */
    private volatile KeyRecord pending;

    /** What retirement asks of the tokens table's owner: the latest expiry of a token {@code kid} signed. */
    public interface SignedTokens {
        Optional<Long> lastExpiry(Database.Tx tx, String kid);
    }

    public KeyLifecycle(Database db, Hsm hsm, Journal journal, KeyRing ring, LiveTokens live,
                        Revoker revoker, SignedTokens signed, Clock clock,
                        Duration publishLead, Optional<Duration> rotationPeriod, boolean destroyRetired,
                        int maxConcurrentSignatures, io.micrometer.core.instrument.MeterRegistry meters) {
        this.db = db;
        this.revoker = revoker;
        this.signed = signed;
        this.hsm = hsm;
        this.journal = journal;
        this.ring = ring;
        this.live = live;
        this.clock = clock;
        this.publishLead = publishLead;
        this.rotationPeriod = rotationPeriod;
        this.destroyRetired = destroyRetired;
        this.maxConcurrentSignatures = maxConcurrentSignatures;
        KeyRecord active = list().stream().filter(k -> k.state() == KeyState.ACTIVE).findFirst()
                .orElseGet(() -> adoptInitial().orElseGet(() -> generate(true, keys -> inState(keys, KeyState.ACTIVE))));
        db.read(tx -> store.verifyingJwks(tx)).forEach(jwk -> ring.add(parse(jwk)));
        this.signer = new HsmTokenSigner(signerOnceVisible(active, java.time.Duration.ofSeconds(10)), meters);
        tick();
    }

    /**
     * The signer of {@code key}, made by another node a moment ago, perhaps: an HSM (SoftHSM's token files,
     * an HSM cluster's replication) may show a new key to another session a little later; asked again for
     * up to {@code patience}.
     */
    private HsmSigner signerOnceVisible(KeyRecord key, java.time.Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                return hsm.signer(key.label(), maxConcurrentSignatures);
            } catch (dev.mandate.hsm.UnknownKeyException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
    }

    /** The signer of the active key; it follows rotations. */
    public TokenSigner signer() {
        return signer;
    }

    public List<KeyRecord> list() {
        return db.read(store::all);
    }

    /**
     * Rotates: a new key published now that signs after the publish lead, or at once when
     * {@code immediate} (a key already waiting is then activated instead of making another).
     */
    public synchronized KeyRecord rotate(boolean immediate) {
        Optional<KeyRecord> waiting = find(KeyState.NEXT);
        if (waiting.isPresent()) {
            if (!immediate) {
                throw Refusal.conflict("key " + waiting.get().kid() + " is already waiting to activate");
            }
            return activate(waiting.get());
        }
        return generate(immediate, immediate ? keys -> Optional.empty() : keys -> inState(keys, KeyState.NEXT));
    }

    /**
     * Compromise: every token the key signed, and every token derived from one (renewed or delegated, even
     * when signed by another key), is refused from now on. When the key is the active one, its successor is
     * activated in the same transaction that revokes it, so no issuance ever signs with it again and none
     * sees a moment without an active key. Returns the live tokens the key had signed.
     */
    public synchronized int revoke(String kid) {
        KeyRecord key = list().stream().filter(k -> k.kid().equals(kid)).findFirst()
                .orElseThrow(() -> Refusal.notFound("no key with kid " + kid));
        if (key.state() == KeyState.REVOKED || key.state() == KeyState.RETIRED) {
            return 0;
        }
        // The successor is made in the HSM (and published) before the transaction: an HSM operation, not a decision.
        Optional<KeyRecord> successor = key.state() == KeyState.ACTIVE
                ? Optional.of(find(KeyState.NEXT).orElseGet(() -> generate(false, keys -> inState(keys, KeyState.NEXT))))
                : Optional.empty();
        var successorSigner = successor.map(next -> hsm.signer(next.label(), maxConcurrentSignatures));
        KeyRecord revoked = with(key, KeyState.REVOKED, key.activatesAt(), key.activatedAt(), clock.instant());
        int count = db.write(tx -> {
            // Decided here: another node of a cluster may have rotated, revoked or retired keys meanwhile.
            Optional<KeyState> state = stateIn(tx, kid);
            if (state.filter(s -> s != KeyState.REVOKED && s != KeyState.RETIRED).isEmpty()) {
                return 0;
            }
            if (state.get() == KeyState.ACTIVE) {
                // Never a moment without an active key: the successor prepared must still be waiting.
                if (successor.isEmpty() || stateIn(tx, successor.get().kid()).filter(s -> s == KeyState.NEXT).isEmpty()) {
                    throw Refusal.conflict("the signing keys changed while this revocation was prepared; send it again");
                }
                activateIn(tx, successor.get(), successorSigner.get());
            }
            tx.propagate();
            store.update(tx, revoked);
            var signed = live.ofKey(kid);
            var derived = revoker.revokeSignedBy(tx, kid);
            // The tokens it signed and every token derived from them (renewals under another key, delegations).
            int signedLive = revoker.dying(signed, derived);
            journal.record(tx, Audit.success("key_revoked", "kid=" + kid + " count=" + signedLive),
                    new Event.KeyRevoked(kid, signedLive));
            tx.apply(() -> {
                ring.remove(kid);
                live.remove(signed);
                live.remove(derived);
            });
            return signedLive;
        });
        removeFromHsm(key);
        return count;
    }

    /**
     * The live tokens that die with {@code kid}: those it signed and every token derived from them (renewals
     * under another key, delegations), each once; what {@link #revoke} would count now.
     */
    public int liveTokensSignedBy(String kid) {
        return revoker.previewKey(kid, live.ofKey(kid));
    }

    /** Activates keys whose publish lead has passed, retires keys whose tokens have all expired, rotates on schedule. */
    public synchronized void tick() {
        Instant now = clock.instant();
        KeyRecord waiting = pending;
        if (waiting != null) {
            String from = signer.kid();
            if (find(KeyState.ACTIVE).filter(k -> k.kid().equals(waiting.kid())).isEmpty()) {
                pending = null;   // another key is active by now
            } else {
                try {
                    if (signer.replace(from, hsm.signer(waiting.label(), maxConcurrentSignatures))) {
                        LOG.log(Level.INFO, "signing key " + waiting.kid() + " is active (activated by another node)");
                    }
                    pending = null;
                } catch (HsmException e) {
                    LOG.log(Level.ERROR, "the active signing key " + waiting.kid() + " is still not usable in this node's HSM ("
                            + e.getMessage() + "): every node's HSM must hold the same keys");
                }
            }
        }
        for (KeyRecord k : list()) {
            if (k.state() == KeyState.NEXT && k.activatesAt() != null && !k.activatesAt().isAfter(now)) {
                activate(k);
            }
        }
        for (KeyRecord k : list()) {
            if (k.state() == KeyState.RETIRING) {
                Optional<Long> last = db.read(tx -> signed.lastExpiry(tx, k.kid()));
                if (last.isEmpty() || last.get() <= now.getEpochSecond()) {
                    retire(k);
                }
            }
        }
        if (rotationPeriod.isPresent() && find(KeyState.NEXT).isEmpty()) {
            Optional<KeyRecord> active = find(KeyState.ACTIVE);
            if (active.isPresent() && !active.get().activatedAt().plus(rotationPeriod.get()).isAfter(now)) {
                LOG.log(Level.INFO, "scheduled key rotation: " + active.get().kid() + " has been active for " + rotationPeriod.get());
                String due = active.get().kid();
                // Another node may have rotated meanwhile: then its key (waiting or active) stands.
                generate(false, keys -> inState(keys, KeyState.NEXT).or(() -> inState(keys, KeyState.ACTIVE)
                        .filter(k -> !k.kid().equals(due))));
            }
        }
    }

    /**
     * In {@code tx}: the keys as another node of a cluster left them (generated, activated, retired,
     * revoked). The ring trusts exactly the verifying keys and the signer uses the active one. Not
     * synchronized: it runs in the writer's batch, which a rotation here may be waiting for.
     */
    public void refresh(Database.Tx tx) {
        java.util.Set<String> verifying = new java.util.HashSet<>();
        for (String jwk : store.verifyingJwks(tx)) {
            ECKey key = parse(jwk);
            verifying.add(key.getKeyID());
            if (!ring.trusts(key.getKeyID())) {
                ring.add(key);
            }
        }
        ring.publicKeys().keySet().stream().filter(kid -> !verifying.contains(kid)).toList().forEach(ring::remove);
        Optional<KeyRecord> active = inState(store.all(tx), KeyState.ACTIVE);
        if (active.isPresent() && signer != null && !active.get().kid().equals(signer.kid())) {
            // In the batch, so that no token of this batch is signed by a key the cluster stopped trusting
            // in it. An HSM that hangs here holds the cluster's write lock only until the database ends this
            // session (a quarter of the staleness bound): the batch is refused and the writer reconnects.
            try {
                // A short wait at most (under the cluster's lock): beyond it, tick() keeps trying.
                signer.use(signerOnceVisible(active.get(), java.time.Duration.ofMillis(200)));
                pending = null;
                LOG.log(Level.INFO, "signing key " + active.get().kid() + " is active (activated by another node)");
            } catch (HsmException e) {
                // Not visible to this session yet, or not in this node's HSM at all: tick() tries again.
                pending = active.get();
                LOG.log(Level.WARNING, "the active signing key " + active.get().kid() + " is not usable in this node's HSM yet ("
                        + e.getMessage() + "); still signing with " + signer.kid() + " (every node's HSM must hold the same keys)");
            }
        }
    }

    private Optional<KeyState> stateIn(Database.Tx tx, String kid) {
        return store.all(tx).stream().filter(k -> k.kid().equals(kid)).map(KeyRecord::state).findFirst();
    }

    /** The installer's key ceremony leaves {@value #INITIAL_LABEL} in the HSM: a first start signs with it. */
    public static final String INITIAL_LABEL = "mandate-initial";

    private Optional<KeyRecord> adoptInitial() {
        if (list().stream().anyMatch(k -> k.label().equals(INITIAL_LABEL))) {
            return Optional.empty();
        }
        return hsm.listKeys().stream().filter(k -> k.label().equals(INITIAL_LABEL)).findFirst().map(key -> {
            ECKey jwk = hsm.publicJwk(key.label());
            Instant now = clock.instant();
            KeyRecord next = new KeyRecord(key.kid(), key.label(), "ES256", KeyState.NEXT, key.createdAt(), now, null, null);
            boolean adopted = db.write(tx -> {
                if (stateIn(tx, key.kid()).isPresent()) {
                    return false;   // another node of a cluster adopted it first
                }
                store.insert(tx, next, jwk.toPublicJWK().toJSONString());
                journal.record(tx, Audit.success("key_generated", "kid=" + key.kid() + " label=" + key.label()
                        + " (key ceremony)"));
                tx.apply(() -> ring.add(jwk));
                tx.propagate();
                return true;
            });
            if (!adopted) {
                return find(KeyState.ACTIVE).orElseGet(() -> activate(next));
            }
            LOG.log(Level.INFO, "adopted the key ceremony's signing key " + key.kid());
            return activate(next);
        });
    }

    private static Optional<KeyRecord> inState(List<KeyRecord> keys, KeyState state) {
        return keys.stream().filter(k -> k.state() == state).findFirst();
    }

    /**
     * Generates a key in the HSM and publishes it, activated in the same write when {@code activeNow}.
     * {@code instead}, asked inside that write, names a key that makes this one unneeded (another node of a
     * cluster made it meanwhile): then nothing is recorded, the new key is destroyed and that one returned.
     * One node at a time decides: the write lock.
     */
    private KeyRecord generate(boolean activeNow, java.util.function.Function<List<KeyRecord>, Optional<KeyRecord>> instead) {
        // One node at a time makes keys in the shared HSM, and looks at the token before writing to it: SoftHSM
        // (and any HSM whose sessions cache the object list) re-reads the token only when another process changed
        // it since its last look, and a session's own write counts as a look. Two nodes writing at once could
        // each miss the other's key for good (ClusterTest saw a node start and never find the active key).
        return db.exclusively(KEY_GENERATION_LOCK, () -> {
            hsm.listKeys();
            return generateAlone(activeNow, instead);
        });
    }

    /** The cluster-wide lock of key generation (a PostgreSQL advisory lock id: "mandkeys" in ASCII). */
    private static final long KEY_GENERATION_LOCK = 0x6d616e646b657973L;

    private KeyRecord generateAlone(boolean activeNow, java.util.function.Function<List<KeyRecord>, Optional<KeyRecord>> instead) {
        byte[] suffix = new byte[4];
        RANDOM.nextBytes(suffix);
        Instant now = clock.instant();
        String label = "mandate-" + now.getEpochSecond() + "-" + HexFormat.of().formatHex(suffix);
        SigningKey key;
        ECKey jwk;
        try {
            key = hsm.generateSigningKey(label);
            jwk = hsm.publicJwk(label);
        } catch (HsmException e) {
            LOG.log(Level.ERROR, "generating a signing key failed: " + e.getMessage());
            throw Refusal.hsmUnavailable();
        }
        KeyRecord next = new KeyRecord(key.kid(), label, "ES256", KeyState.NEXT, key.createdAt(),
                now.plus(publishLead), null, null);
        HsmSigner nextSigner = activeNow && signer != null ? hsm.signer(label, maxConcurrentSignatures) : null;
        record Outcome(Optional<KeyRecord> other, KeyRecord made) {
        }
        Outcome outcome = db.write(tx -> {
            Optional<KeyRecord> made = instead.apply(store.all(tx));
            if (made.isPresent()) {
                return new Outcome(made, null);
            }
            store.insert(tx, next, jwk.toPublicJWK().toJSONString());
            journal.record(tx, Audit.success("key_generated", "kid=" + key.kid() + " label=" + label));
            tx.apply(() -> ring.add(jwk));
            tx.propagate();
            return new Outcome(Optional.empty(), activeNow ? activateIn(tx, next, nextSigner) : next);
        });
        Optional<KeyRecord> other = outcome.other();
        if (other.isPresent()) {
            try {
                hsm.destroy(label);
            } catch (HsmException e) {
                LOG.log(Level.WARNING, "could not destroy the unused key " + key.kid() + " in the HSM: " + e.getMessage());
            }
            LOG.log(Level.INFO, "another node made signing key " + other.get().kid() + " first; " + key.kid() + " discarded");
            return other.get();
        }
        LOG.log(Level.INFO, "generated signing key " + key.kid() + (activeNow ? ", active" : ", signing from " + next.activatesAt()));
        return outcome.made();
    }

    private KeyRecord activate(KeyRecord next) {
        var nextSigner = signer == null ? null : hsm.signer(next.label(), maxConcurrentSignatures);
        KeyRecord active = db.write(tx -> activateIn(tx, next, nextSigner));
        LOG.log(Level.INFO, "signing key " + next.kid() + " is active");
        return active;
    }

    /** In {@code tx}: {@code next} becomes the active key, the active one retiring; the signer follows on commit. */
    private KeyRecord activateIn(Database.Tx tx, KeyRecord next, HsmSigner nextSigner) {
        Instant now = clock.instant();
        KeyRecord active = with(next, KeyState.ACTIVE, now, now, null);
        // Decided here: another node of a cluster may have activated it (or revoked it) meanwhile.
        Optional<KeyState> state = stateIn(tx, next.kid());
        if (state.isPresent() && state.get() != KeyState.NEXT) {
            return store.all(tx).stream().filter(k -> k.kid().equals(next.kid())).findFirst().orElseThrow();
        }
        tx.propagate();
        Optional<KeyRecord> previous = store.all(tx).stream().filter(k -> k.state() == KeyState.ACTIVE).findFirst();
        if (previous.isPresent()) {
            store.update(tx, with(previous.get(), KeyState.RETIRING, previous.get().activatesAt(),
                    previous.get().activatedAt(), null));
        }
        store.update(tx, active);
        journal.record(tx, Audit.success("key_activated", "kid=" + next.kid()
                + previous.map(p -> " previous=" + p.kid()).orElse("")), new Event.KeyRotated(next.kid()));
        if (nextSigner != null) {
            tx.apply(() -> signer.use(nextSigner));
        }
        return active;
    }

    private void retire(KeyRecord key) {
        Instant now = clock.instant();
        KeyRecord retired = with(key, KeyState.RETIRED, key.activatesAt(), key.activatedAt(), now);
        boolean done = db.write(tx -> {
            // Decided again here: a token signed with this key before it stopped signing may have been
            // recorded since the check in tick(). One recorded after this change is refused (its key is no
            // longer trusted) and its caller asks again.
            Optional<Long> last = signed.lastExpiry(tx, key.kid());
            if (last.isPresent() && last.get() > now.getEpochSecond()
                    || stateIn(tx, key.kid()).filter(s -> s == KeyState.RETIRING).isEmpty()) {
                return false;
            }
            tx.propagate();
            store.update(tx, retired);
            journal.record(tx, Audit.success("key_retired", "kid=" + key.kid()
                    + (destroyRetired ? " destroyed in the HSM" : " kept in the HSM")));
            tx.apply(() -> ring.remove(key.kid()));
            return true;
        });
        if (!done) {
            return;
        }
        removeFromHsm(key);
        LOG.log(Level.INFO, "signing key " + key.kid() + " retired");
    }

    private void removeFromHsm(KeyRecord key) {
        if (!destroyRetired) {
            return;
        }
        try {
            hsm.destroy(key.label());
        } catch (HsmException e) {
            LOG.log(Level.WARNING, "could not destroy key " + key.kid() + " in the HSM: " + e.getMessage());
        }
    }

    private Optional<KeyRecord> find(KeyState state) {
        return list().stream().filter(k -> k.state() == state).findFirst();
    }

    private static KeyRecord with(KeyRecord k, KeyState state, Instant activatesAt, Instant activatedAt, Instant retiredAt) {
        return new KeyRecord(k.kid(), k.label(), k.alg(), state, k.createdAt(), activatesAt, activatedAt, retiredAt);
    }

    private static ECKey parse(String jwk) {
        try {
            return ECKey.parse(jwk);
        } catch (ParseException e) {
            throw new IllegalStateException("stored public JWK is not a JWK", e);
        }
    }
}
