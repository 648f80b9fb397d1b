package dev.mandate.server.agent;

import dev.mandate.server.audit.Audit;
import dev.mandate.server.journal.Journal;
import dev.mandate.server.error.Refusal;
import dev.mandate.server.journal.Event;
import dev.mandate.server.revocation.Revocations;
import dev.mandate.server.scope.Scopes;
import dev.mandate.server.storage.Database;
import dev.mandate.server.claims.Ids;
import dev.mandate.server.token.IssuedToken;
import dev.mandate.server.token.Dpop;
import dev.mandate.server.token.TokenIssuer;
import dev.mandate.server.token.Tokens;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Agent registration: launch token + nonce signed with the agent's Ed25519 key → agent id and token.
 * Checks run cheapest first, and everything that can fail without consuming the launch token runs
 * before it is consumed.
 */
public final class Registration {

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The request body of {@code POST /v1/register}. */
    /** {@code resource}: the resource server the agent's token is for (RFC 8707), if one. */
    public record Request(String launchToken, String nonce, String publicKey, String signature, String orchId,
                          String taskId, List<String> requestedScope, java.util.Optional<String> resource) {
        @Override
        public String toString() {
            return "Request[orch=" + orchId + ", task=" + taskId + "]";
        }
    }

    public record Registered(String agentId, IssuedToken token) {
    }

    private final Database db;
    private final Nonces nonces;
    private final Tokens tokens;
    private final Revocations revocations;
    private final Journal journal;
    private final String trustDomain;
    private final Duration maxTtl;
    private final Duration maxLifetime;
    private final JdbcLaunchTokenStore launchTokens = new JdbcLaunchTokenStore();
    private final JdbcAgentStore agents = new JdbcAgentStore();
    private final LaunchTokens.Ceilings ceilings;

    public Registration(Database db, Nonces nonces, Tokens tokens, Revocations revocations, Journal journal,
                        LaunchTokens.Ceilings ceilings, String trustDomain, Duration maxTtl, Duration maxLifetime) {
        this.ceilings = ceilings;
        this.db = db;
        this.nonces = nonces;
        this.tokens = tokens;
        this.revocations = revocations;
        this.journal = journal;
        this.trustDomain = trustDomain;
        this.maxTtl = maxTtl;
        this.maxLifetime = maxLifetime;
    }

    /** Whether an agent is registered, and whether it was revoked at agent level. */
    public Registered register(Request r) {
        checkId("orch_id", r.orchId());
        checkId("task_id", r.taskId());
        Scopes requested = Scopes.parse(r.requestedScope(), "requested_scope");
        if (requested.isEmpty()) {
            throw Refusal.badRequest("'requested_scope' must not be empty");
        }
        if (requested.anyReserved()) {
            throw journal.refuse(Audit.denied("registration_policy_violation", "reserved scope requested: "
                    + requested.strings()).agent("", r.taskId(), r.orchId()),
                    Refusal.scopeViolation("admin: and app: scopes cannot be requested by an agent"));
        }
        if (!HEX64.matcher(r.launchToken()).matches()) {
            throw Refusal.unauthorized("invalid or expired launch token");
        }
        // Whether the nonce was spent anywhere in the cluster is decided in the transaction below; this node's
        // memory only refuses a replay early. An attempt that is decided spends it, whatever its outcome (a
        // signature cannot be retried against it); one refused as unavailable (503) does not.
        if (!HEX64.matcher(r.nonce()).matches()) {
            throw Refusal.unauthorized("invalid or expired nonce");
        }
        Nonces.Nonce nonce = nonces.unspentHere(r.nonce()).orElseThrow(() -> Refusal.unauthorized("invalid or expired nonce"));
        try {
            Registered registered = register(r, nonce, verifySignature(r), requested);
            nonces.spentHere(nonce);
            return registered;
        } catch (Refusal.Unavailable | Refusal.Overloaded e) {
            throw e;
        } catch (Refusal e) {
            nonces.spentHere(nonce);
            throw e;
        }
    }

    private Registered register(Request r, Nonces.Nonce nonce, byte[] publicKey, Scopes requested) {

        String tokenHash = LaunchTokens.hash(r.launchToken());
        // Read the launch token's policy and sign the agent's token before the transaction, so the writer
        // never waits for the HSM; the transaction decides against the policy it finds, and a token signed
        // for a registration it refuses is never returned.
        Instant now = tokens.now();
        String agentId = "spiffe://" + trustDomain + "/agent/" + r.orchId() + "/" + r.taskId() + "/" + instance();
        List<String> audience = tokens.audiences().of(r.resource());
        Optional<LaunchPolicy> seen = db.read(tx -> usable(tx, tokenHash, now.getEpochSecond(), false));
        IssuedToken signed = seen.filter(p -> requested.within(p.allowedScope()))
                .map(p -> tokens.sign(new TokenIssuer.Request(agentId, requested, now.plusSeconds(lifetime(p)),
                        r.taskId(), r.orchId(), List.of(), p.senderConstrained() ? Dpop.thumbprint(publicKey) : "",
                        audience)))
                .orElse(null);
        return db.write(tx -> {
            // Spent for every node and every later attempt; the refusals below that commit (commitThenThrow,
            // journal.refuse) keep it spent.
            if (!nonces.spend(tx, nonce)) {
                throw Refusal.unauthorized("invalid or expired nonce");
            }
            // In the transaction: a task revoked while this request waited for the writer is refused.
            if (revocations.contains(Revocations.Level.TASK, r.taskId())) {
                throw journal.refuse(tx, Audit.denied("registration_policy_violation", "task is revoked")
                        .agent("", r.taskId(), r.orchId()), Refusal.forbidden("task '" + r.taskId() + "' is revoked"));
            }
            // Decided on the clock now, not when the request was read: it may have waited for its batch.
            Optional<LaunchPolicy> policy = usable(tx, tokenHash, tokens.now().getEpochSecond(), true);
            // A launch token never changes once written: one that differs from what was read is not this one.
            if (policy.isEmpty() || !policy.equals(seen)) {
                throw tx.commitThenThrow(Refusal.unauthorized("invalid or expired launch token"));
            }
            LaunchPolicy p = policy.get();
            if (!requested.within(p.allowedScope())) {
                throw journal.refuse(tx, Audit.denied("registration_policy_violation", "requested " + requested.strings()
                        + " beyond allowed " + p.allowedScope().strings()).agent("", r.taskId(), r.orchId()),
                        Refusal.scopeViolation("'requested_scope' exceeds the launch token's allowed_scope"));
            }
            Instant lifetimeEnd = now.plus(maxLifetime);
            agents.insert(tx, new JdbcAgentStore.Row(agentId, r.orchId(), r.taskId(), p.appId(), p.agentName(),
                    Base64.getEncoder().encodeToString(publicKey), String.join(" ", requested.strings()),
                    now.getEpochSecond(), lifetimeEnd.getEpochSecond(), p.senderConstrained()));
            if (p.singleUse()) {
                launchTokens.consume(tx, tokenHash, now.getEpochSecond());
            }
            journal.record(tx, Audit.success("agent_registered", "agent_name=" + p.agentName() + " scope="
                    + requested.strings() + (p.appId() == null ? "" : " app_id=" + p.appId()))
                    .agent(agentId, r.taskId(), r.orchId()), new Event.AgentRegistered(agentId, r.taskId(), r.orchId()));
            return new Registered(agentId, tokens.record(tx, signed));
        });
    }

    /** A launch token's policy while it is unexpired and unconsumed, and its app (if an app issued it) active. */
    private Optional<LaunchPolicy> usable(Database.Tx tx, String tokenHash, long now, boolean lock) {
        return launchTokens.usable(tx, tokenHash, now, lock).flatMap(p -> p.appId() == null ? Optional.of(p)
                : ceilings.activeCeiling(tx, p.appId()).map(c -> c.senderConstrained() ? p.bound() : p));
    }

    /** How long the agent's first token lives: the launch token's max_ttl, within the broker's ceilings. */
    private long lifetime(LaunchPolicy p) {
        return Math.min(Math.min(p.maxTtl(), maxTtl.toSeconds()), maxLifetime.toSeconds());
    }

    private static byte[] verifySignature(Request r) {
        try {
            byte[] publicKey = Base64.getDecoder().decode(r.publicKey());
            byte[] signature = Base64.getDecoder().decode(r.signature());
            if (publicKey.length == Ed25519PublicKeyParameters.KEY_SIZE && signature.length == Ed25519PublicKeyParameters.KEY_SIZE * 2) {
                Ed25519Signer verifier = new Ed25519Signer();
                verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
                byte[] message = HexFormat.of().parseHex(r.nonce());
                verifier.update(message, 0, message.length);
                if (verifier.verifySignature(signature)) {
                    return publicKey;
                }
            }
        } catch (IllegalArgumentException e) {
            // Not base64, or not a point on the curve: the same answer as a bad signature.
        }
        throw Refusal.unauthorized("invalid public key or signature");
    }

    private static void checkId(String field, String value) {
        if (!Ids.isTaskOrOrchId(value)) {
            throw Refusal.badRequest("'" + field + "' must match " + Ids.TASK_OR_ORCH_RULE);
        }
    }

    private static String instance() {
        byte[] id = new byte[8];
        RANDOM.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }
}
