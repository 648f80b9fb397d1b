package dev.mandate.server.delegation;

import dev.mandate.server.agent.Agents;
import dev.mandate.server.audit.Audit;
import dev.mandate.server.journal.Journal;
import dev.mandate.server.error.Refusal;
import dev.mandate.server.journal.Event;
import dev.mandate.server.revocation.Revocations;
import dev.mandate.server.scope.Scopes;
import dev.mandate.server.storage.Database;
import dev.mandate.server.claims.ChainLink;
import dev.mandate.server.token.IssuedToken;
import dev.mandate.server.claims.TokenClaims;
import dev.mandate.server.token.Dpop;
import dev.mandate.server.token.TokenIssuer;
import dev.mandate.server.token.Tokens;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code POST /v1/delegate}: scope attenuation, depth, expiry capped by the delegator. */
public final class Delegations {

    public static final int MAX_DEPTH = 5;
    static final long DEFAULT_TTL = 60;

    private final Database db;
    private final Tokens tokens;
    private final Agents agents;
    private final Revocations revocations;
    private final Journal journal;
    private final Duration maxTtl;

    public Delegations(Database db, Tokens tokens, Agents agents, Revocations revocations, Journal journal, Duration maxTtl) {
        this.db = db;
        this.tokens = tokens;
        this.agents = agents;
        this.revocations = revocations;
        this.journal = journal;
        this.maxTtl = maxTtl;
    }

    /** {@code resource}: the resource server the token is for (RFC 8707), if one. */
    public IssuedToken delegate(TokenClaims caller, String delegateTo, Scopes scope, long ttl, Optional<String> resource) {
        if (caller.kind() != TokenClaims.Kind.AGENT) {
            throw Refusal.forbidden("only an agent token can delegate");
        }
        if (ttl <= 0) {
            throw Refusal.invalidTtl("'ttl' must be positive");
        }
        if (scope.isEmpty()) {
            throw Refusal.badRequest("'scope' must not be empty");
        }
        if (scope.anyReserved() || !scope.within(caller.scope())) {
            throw journal.refuse(Audit.denied("delegation_attenuation_violation", "from_jti=" + caller.jti() + " to="
                    + abbreviate(delegateTo) + " requested=" + scope.strings() + " held=" + caller.scope().strings())
                    .agent(caller.subject(), caller.taskId(), caller.orchId()),
                    Refusal.scopeViolation("'scope' exceeds the delegator's scope"));
        }
        if (caller.depth() >= MAX_DEPTH) {
            throw journal.refuse(Audit.denied("delegation_attenuation_violation", "from_jti=" + caller.jti()
                    + " depth limit " + MAX_DEPTH).agent(caller.subject(), caller.taskId(), caller.orchId()),
                    Refusal.scopeViolation("delegation depth is limited to " + MAX_DEPTH));
        }
        Instant now = tokens.now();
        Instant expires = now.plusSeconds(Math.min(ttl, maxTtl.toSeconds()));
        if (expires.isAfter(caller.expiresAt())) {
            expires = caller.expiresAt();
        }
        List<ChainLink> chain = new ArrayList<>(caller.chain());
        chain.add(ChainLink.delegated(caller.subject(), caller.jti(), caller.scope().strings(), now));
        // The delegate read ahead of the writer first, so that a delegation to an unknown or revoked agent costs
        // no signature (the caller's token was verified moments ago); then signed before the transaction,
        // which decides on both parties again and whether the token is ever returned.
        String binding = db.read(tx -> {
            checkDelegate(tx, delegateTo);
            return binding(tx, caller, delegateTo);
        });
        List<String> audience = tokens.audiences().delegated(caller, resource);
        IssuedToken signed = tokens.sign(new TokenIssuer.Request(delegateTo, scope, expires, caller.taskId(),
                caller.orchId(), chain, binding, audience));
        return db.write(tx -> {
            if (!tokens.isLive(tx, caller)) {
                throw Refusal.tokenVerificationFailed();
            }
            checkDelegate(tx, delegateTo);
            if (!binding(tx, caller, delegateTo).equals(binding)) {
                throw Refusal.conflict("the delegate's agent now requires bound tokens; delegate again");
            }
            IssuedToken token = tokens.record(tx, signed);
            journal.record(tx, Audit.success("delegation_created", "from_jti=" + caller.jti() + " to=" + abbreviate(delegateTo)
                    + " jti=" + token.claims().jti() + " scope=" + scope.strings() + " depth=" + chain.size())
                    .agent(caller.subject(), caller.taskId(), caller.orchId()),
                    new Event.DelegationCreated(delegateTo, caller.taskId(), caller.orchId(), token.claims().jti()));
            return token;
        });
    }

    /**
     * The key the delegated token is bound to: the delegate's own registered key (never the delegator's) when
     * the delegator's token is bound or every token of the delegate must be; else none (a bearer token).
     */
    private String binding(Database.Tx tx, TokenClaims caller, String delegateTo) {
        Optional<String> required = agents.requiredBinding(tx, delegateTo);
        if (required.isPresent() || !caller.bound()) {
            return required.orElse("");
        }
        return Dpop.thumbprint(agents.publicKey(tx, delegateTo).orElseThrow(() -> Refusal.notFound("no registered agent")));
    }

    /** The delegate is a registered agent that is not revoked. */
    private Void checkDelegate(Database.Tx tx, String delegateTo) {
        var status = agents.status(tx, delegateTo);
        if (status.isEmpty()) {
            throw Refusal.notFound("no registered agent '" + abbreviate(delegateTo) + "'");
        }
        // Agent-level and chain-level revocations by agent id both mark the agent revoked for good.
        if (status.get() == Agents.Status.REVOKED || revocations.contains(Revocations.Level.AGENT, delegateTo)) {
            throw Refusal.forbidden("the delegate agent is revoked");
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
