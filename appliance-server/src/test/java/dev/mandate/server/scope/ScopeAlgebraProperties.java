package dev.mandate.server.scope;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scope algebra that every attenuation decision rests on (SPEC §3): {@code covers} and {@code within}
 * are partial orders, delegation never widens at any depth, the reserved families never pass in any
 * letter case, and no string crashes the parser. Small alphabets make equal and wildcard parts frequent.
 */
class ScopeAlgebraProperties {

    @Provide
    Arbitrary<Scope> scopes() {
        Arbitrary<String> actions = Arbitraries.of("read", "write", "delete", "admin", "ADMIN", "app", "App", "Read");
        Arbitrary<String> resources = Arbitraries.of("data", "keys", "db", "data.v2");
        Arbitrary<String> identifiers = Arbitraries.of("*", "x", "y", "a:b", "a:*", "x*", "reports/q1");
        return Combinators.combine(actions, resources, identifiers).as(Scope::new);
    }

    @Provide
    Arbitrary<Scopes> scopeSets() {
        return scopes().list().ofMinSize(1).ofMaxSize(4).map(Scopes::new);
    }

    /** What agents ask for, hop after hop, up to a depth beyond the broker's limit. */
    @Provide
    Arbitrary<List<Scopes>> requestChains() {
        return scopeSets().list().ofMinSize(1).ofMaxSize(8);
    }

    @Property
    void coversIsReflexive(@ForAll("scopes") Scope a) {
        assertTrue(a.covers(a));
    }

    @Property
    void coversIsAntisymmetric(@ForAll("scopes") Scope a, @ForAll("scopes") Scope b) {
        if (a.covers(b) && b.covers(a)) {
            assertEquals(a, b);
        }
    }

    @Property
    void coversIsTransitive(@ForAll("scopes") Scope a, @ForAll("scopes") Scope b, @ForAll("scopes") Scope c) {
        if (a.covers(b) && b.covers(c)) {
            assertTrue(a.covers(c), a + " ⊒ " + b + " ⊒ " + c);
        }
    }

    @Property
    void withinIsReflexiveAndTransitive(@ForAll("scopeSets") Scopes a, @ForAll("scopeSets") Scopes b,
                                         @ForAll("scopeSets") Scopes c) {
        assertTrue(a.within(a));
        if (a.within(b) && b.within(c)) {
            assertTrue(a.within(c));
        }
    }

    @Property
    void aWildcardIdentifierCoversOnlyItsOwnActionAndResource(@ForAll("scopes") Scope a, @ForAll("scopes") Scope b) {
        if (a.covers(b)) {
            assertEquals(a.action(), b.action());
            assertEquals(a.resource(), b.resource());
            assertTrue(a.identifier().equals("*") || a.identifier().equals(b.identifier()));
        }
    }

    /**
     * A delegation chain as the broker builds it: at each hop the request is granted only when it is
     * within the holder's scope. Whatever is requested, at any depth, nothing ever exceeds the root.
     */
    @Property
    void delegationNeverWidensAtAnyDepth(@ForAll("scopeSets") Scopes root,
                                         @ForAll("requestChains") List<Scopes> requests) {
        Scopes held = root;
        List<Scopes> granted = new ArrayList<>();
        for (Scopes requested : requests) {
            if (!requested.anyReserved() && requested.within(held)) {
                held = requested;
                granted.add(held);
            }
        }
        for (Scopes g : granted) {
            assertTrue(g.within(root), g.strings() + " from " + root.strings());
            assertTrue(g.values().stream().allMatch(root::grants));
        }
    }

    @Property
    void reservedFamiliesAreReservedInAnyLetterCase(@ForAll("scopes") Scope s) {
        boolean reserved = s.action().equalsIgnoreCase("admin") || s.action().equalsIgnoreCase("app");
        assertEquals(reserved, s.isReserved());
        assertEquals(reserved, new Scopes(List.of(s)).anyReserved());
    }

    @Property
    void noStringCrashesTheParser(@ForAll @Size(max = 300) String text) {
        try {
            Scope parsed = Scope.parse(text);
            assertEquals(parsed, Scope.parse(parsed.toString()), "a parsed scope round-trips");
            assertFalse(parsed.action().contains("*") || parsed.resource().contains("*"));
        } catch (IllegalArgumentException refused) {
            // The one way to refuse.
        }
    }

    @Property
    void noScopeShapedStringCrashesTheParser(@ForAll("scopeShaped") String text) {
        try {
            assertEquals(text, Scope.parse(text).toString());
        } catch (IllegalArgumentException refused) {
            // The one way to refuse.
        }
    }

    @Provide
    Arbitrary<String> scopeShaped() {
        Arbitrary<String> part = Arbitraries.strings().withChars("aZ09._*/@+-:%\u0000 \u00e9\ud83d\ude00").ofMaxLength(12);
        return Combinators.combine(part, part, part).as((a, b, c) -> a + ":" + b + ":" + c);
    }
}
