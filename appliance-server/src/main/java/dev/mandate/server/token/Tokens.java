package dev.mandate.server.token;

import dev.mandate.server.claims.TokenClaims;
import dev.mandate.server.audit.Audit;
import dev.mandate.server.journal.Journal;
import dev.mandate.server.error.Refusal;
import dev.mandate.server.journal.Event;
import dev.mandate.server.revocation.LiveTokens;
import dev.mandate.server.revocation.Revocations;
import dev.mandate.server.storage.Database;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;

/** Issuing (with its record), renewal and release of tokens. */
public final class Tokens {

    /** When an agent's absolute lifetime ends ({@code token.max-lifetime} after registration). */
    @FunctionalInterface
    public interface AgentLifetimes {
        Optional<Instant> lifetimeEnd(Database.Tx tx, String agentId);
    }

    /** The thumbprint of the key every token of an agent must be bound to (RFC 9449); empty for bearer tokens. */
    @FunctionalInterface
    public interface AgentBindings {
        Optional<String> requiredBinding(Database.Tx tx, String agentId);
    }

    private final Database db;
    private final TokenIssuer issuer;
    private final Audiences audiences;
    private final Revocations revocations;
    private final LiveTokens live;
    private final Journal journal;
    private final AgentLifetimes lifetimes;
    private final AgentBindings bindings;
    private final Predicate<String> trustedKey;
    private final JdbcTokenStore store = new JdbcTokenStore();
    private final Counter issuedToAgents;
    private final Counter issuedToAdmins;
    private final Counter issuedToApps;
    private final Counter delegated;
    private final Counter renewed;
    private final Counter released;

    public Tokens(Database db, TokenIssuer issuer, Revocations revocations, LiveTokens live, Journal journal, Predicate<String> trustedKey, MeterRegistry meters, AgentLifetimes lifetimes,
                  AgentBindings bindings) {
        this.bindings = bindings;
        this.trustedKey = trustedKey;
        String issuedHelp = "tokens issued at registration or authentication, by subject kind";
        this.issuedToAgents = Counter.builder("mandate.tokens.issued").description(issuedHelp).tag("kind", "agent").register(meters);
        this.issuedToAdmins = Counter.builder("mandate.tokens.issued").description(issuedHelp).tag("kind", "admin").register(meters);
        this.issuedToApps = Counter.builder("mandate.tokens.issued").description(issuedHelp).tag("kind", "app").register(meters);
        this.delegated = Counter.builder("mandate.tokens.delegated").description("tokens issued by delegation").register(meters);
        this.renewed = Counter.builder("mandate.tokens.renewed").description("tokens issued by renewal").register(meters);
        this.released = Counter.builder("mandate.tokens.released").description("tokens released by their holder").register(meters);
        this.db = db;
        this.live = live;
        this.issuer = issuer;
        this.audiences = new Audiences(issuer.audience());
        this.revocations = revocations;
        this.journal = journal;
        this.lifetimes = lifetimes;
    }

    public Instant now() {
        return issuer.now();
    }

    /** Whom tokens are for (RFC 8707). */
    public Audiences audiences() {
        return audiences;
    }

    /**
     * The decision that lets {@code presented} authorize an issuance, made inside the issuing transaction
     * {@code tx} (SPEC §4): unexpired, signed by a key still trusted, matched by no revocation entry, and
     * recorded by this broker as an {@code active} token with exactly these claims (a token forged with a
     * compromised key has no such row, even when it reuses a real jti). Bearer authentication before the transaction is only a
     * hint: a revocation that committed while this request waited for the writer is seen here.
     */
    public boolean isLive(Database.Tx tx, TokenClaims presented) {
        if (!issuer.now().isBefore(presented.expiresAt()) || !trustedKey.test(presented.kid())
                || revocations.isRevoked(presented)) {
            return false;
        }
        return store.row(tx, presented.jti()).filter(row -> row.state() == TokenState.ACTIVE && row.describes(presented))
                .isPresent();
    }

    /**
     * Signs a token for {@code request} in the HSM. Called before the transaction that records it, so the
     * writer never waits for the HSM; a token signed for a change that then fails is simply never returned.
     */
    public IssuedToken sign(TokenIssuer.Request request) {
        return issuer.issue(request);
    }

    /**
     * Records in {@code tx} a token {@link #sign signed} before it (with a {@code token_issued} event). The
     * key that signed it must still be trusted here: a key revoked meanwhile answers 503, and the caller
     * asks again (and gets a token from the key that now signs).
     */
    public IssuedToken record(Database.Tx tx, IssuedToken token) {
        TokenClaims c = token.claims();
        requireTrustedKey(c);
        store.insert(tx, c, null);
        Counter counter = switch (c.kind()) {
            case AGENT -> c.depth() == 0 ? issuedToAgents : delegated;
            case ADMIN -> issuedToAdmins;
            case APP -> issuedToApps;
        };
        tx.apply(() -> {
            live.add(c, c.expiresAt().getEpochSecond());
            counter.increment();
        });
        Audit entry = Audit.success("token_issued", "jti=" + c.jti() + " scope=" + c.scope().strings()
                + " expires_in=" + (c.expiresAt().getEpochSecond() - c.issuedAt().getEpochSecond()))
                .agent(c.kind() == TokenClaims.Kind.AGENT ? c.subject() : "", c.taskId(), c.orchId());
        if (c.kind() == TokenClaims.Kind.AGENT && c.depth() == 0) {
            journal.record(tx, entry, new Event.TokenIssued(c.subject(), c.taskId(), c.orchId(), c.jti()));
        } else {
            journal.record(tx, entry);
        }
        return token;
    }

    /**
     * A new token with a new jti and the same lifetime length, never past the agent's absolute lifetime
     * nor (for a delegated token) its delegator's expiry. The old jti alone is revoked: its
     * descendants live on. When no time would remain, 401.
     *
     * <p>The caps are read and the new token signed before the transaction (both caps are fixed once
     * written); the transaction decides: the presented token is still live, the agent still has a
     * lifetime (a revoked agent has none), and the old token moves to superseded exactly once.
     */
    public IssuedToken renew(TokenClaims current) {
        if (current.kind() != TokenClaims.Kind.AGENT) {
            throw Refusal.forbidden("only agent tokens can be renewed; authenticate again");
        }
        Instant now = issuer.now();
        String[] binding = {current.cnfJkt()};
        Instant expires = db.read(tx -> {
            binding[0] = binding(tx, current);
            Optional<Instant> lifetimeEnd = lifetimes.lifetimeEnd(tx, current.subject());
            if (lifetimeEnd.isEmpty()) {
                return null;
            }
            Instant end = now.plusSeconds(current.expiresAt().getEpochSecond() - current.issuedAt().getEpochSecond());
            if (lifetimeEnd.get().isBefore(end)) {
                end = lifetimeEnd.get();
            }
            Optional<Long> cap = current.parentJti() == null ? Optional.empty() : store.expiresAt(tx, current.parentJti());
            return cap.isPresent() && cap.get() < end.getEpochSecond() ? Instant.ofEpochSecond(cap.get()) : end;
        });
        IssuedToken renewed = expires == null || !expires.isAfter(now) ? null : sign(new TokenIssuer.Request(
                current.subject(), current.scope(), expires, current.taskId(), current.orchId(), current.chain(),
                binding[0], current.audience()));
        return db.write(tx -> {
            if (!isLive(tx, current)) {
                throw journal.refuse(tx, Audit.denied("token_renewal_failed", "jti=" + current.jti() + " no longer live")
                        .agent(current.subject(), current.taskId(), current.orchId()), Refusal.unauthorized("token renewal failed"));
            }
            // A bearer token renews into a bound one once its agent must be bound (its app asked since); decided here.
            if (renewed == null || lifetimes.lifetimeEnd(tx, current.subject()).isEmpty()
                    || !binding(tx, current).equals(renewed.claims().cnfJkt())
                    || !store.setState(tx, current.jti(), TokenState.SUPERSEDED, issuer.now().getEpochSecond())) {
                throw journal.refuse(tx, Audit.denied("token_renewal_failed", "jti=" + current.jti())
                        .agent(current.subject(), current.taskId(), current.orchId()), Refusal.unauthorized("token renewal failed"));
            }
            requireTrustedKey(renewed.claims());
            revocations.add(tx, Revocations.Level.SUPERSEDED, current.jti(), current.expiresAt().getEpochSecond());
            store.insert(tx, renewed.claims(), current.jti());
            tx.apply(() -> {
                live.remove(current.jti());
                live.add(renewed.claims(), renewed.claims().expiresAt().getEpochSecond());
                this.renewed.increment();
            });
            journal.record(tx, Audit.success("token_renewed", "old_jti=" + current.jti() + " new_jti="
                    + renewed.claims().jti()).agent(current.subject(), current.taskId(), current.orchId()),
                    new Event.TokenRenewed(current.subject(), current.taskId(), current.orchId(),
                            renewed.claims().jti()));
            return renewed;
        });
    }

    /** The key a renewal of {@code current} is bound to: its own, else the one its agent must now use, else none. */
    private String binding(Database.Tx tx, TokenClaims current) {
        return current.bound() ? current.cnfJkt() : bindings.requiredBinding(tx, current.subject()).orElse("");
    }

    /** Revokes the caller's token and everything delegated from it. */
    public void release(TokenClaims current) {
        db.write(tx -> {
            long now = issuer.now().getEpochSecond();
            store.setState(tx, current.jti(), TokenState.RELEASED, now);
            revocations.add(tx, Revocations.Level.TOKEN, current.jti(), current.expiresAt().getEpochSecond());
            tx.apply(() -> {
                live.remove(live.fromToken(current.jti()));
                released.increment();
            });
            Audit entry = Audit.success("token_released", "jti=" + current.jti())
                    .agent(current.kind() == TokenClaims.Kind.AGENT ? current.subject() : "", current.taskId(),
                            current.orchId());
            if (current.kind() == TokenClaims.Kind.AGENT) {
                journal.record(tx, entry, new Event.TokenReleased(current.subject(), current.taskId(),
                        current.orchId(), current.jti()));
            } else {
                journal.record(tx, entry);
            }
            return null;
        });
    }

    /** A token signed before its transaction is recorded only while the key that signed it is trusted. */
    private void requireTrustedKey(TokenClaims signed) {
        if (!trustedKey.test(signed.kid())) {
            throw Refusal.hsmUnavailable();
        }
    }
}
