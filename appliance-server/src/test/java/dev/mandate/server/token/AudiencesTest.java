package dev.mandate.server.token;

import dev.mandate.server.claims.TokenClaims;
import dev.mandate.server.error.Refusal;
import dev.mandate.server.scope.Scopes;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The audience rules alone, with a configured audience (the broker tests run without one). */
class AudiencesTest {

    private static final Audiences CONFIGURED = new Audiences(List.of("https://api.example/"));

    private static TokenClaims holding(List<String> audience) {
        Instant t = Instant.parse("2026-12-02T00:00:00Z");
        return new TokenClaims("https://mandate.test", "spiffe://t/agent/o/k/a", audience, t.plusSeconds(300), t, t, "j",
                Scopes.trusted(List.of("read:data:*")), "k", "o", List.of(), "kid", "");
    }

    @Test
    void aDelegatedTokenKeepsOrNarrowsItsDelegatorsAudienceNeverWidensIt() {
        List<String> first = CONFIGURED.of(Optional.of("https://api.example/"));
        assertEquals(List.of("https://api.example/"), first, "asking for the configured audience is that audience");
        // Review finding: a resource equal to the configured audience looked unrestricted and could be re-targeted.
        var e = assertThrows(Refusal.class, () -> CONFIGURED.delegated(holding(first), Optional.of("https://mail.example/")));
        assertEquals("a delegated token is for its delegator's audience or one server of it, not another", e.getMessage());
        assertThrows(Refusal.class, () -> CONFIGURED.delegated(holding(CONFIGURED.of(Optional.empty())), Optional.of("https://mail.example/")),
                "the configured audience binds delegations too");
        assertEquals(List.of("https://b.example/"), CONFIGURED.delegated(holding(List.of("https://a.example/", "https://b.example/")),
                Optional.of("https://b.example/")), "narrowed to one server of it");
        assertEquals(List.of("https://mail.example/"), CONFIGURED.delegated(holding(List.of()), Optional.of("https://mail.example/")),
                "a token for no one in particular may be narrowed to any");
        assertEquals(List.of("https://a.example/"), CONFIGURED.delegated(holding(List.of("https://a.example/")), Optional.empty()));
    }
}
