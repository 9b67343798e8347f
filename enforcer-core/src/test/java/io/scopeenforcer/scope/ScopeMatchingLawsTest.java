package io.scopeenforcer.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The laws of docs/architecture.md §5 matching, checked on generated scopes. Segments and qualifiers come from small alphabets
 * with look-alikes ({@code paa}, {@code paas}, {@code paasx}) so that related scopes meet often.
 */
class ScopeMatchingLawsTest {

    /** A generated URN consumer scope: its path and qualifier, and so the model the matching must follow. */
    record Urn(List<String> path, String qualifier) {
        String value() {
            StringBuilder out = new StringBuilder(Scope.CONSUMER_PREFIX);
            for (String segment : path) {
                out.append(':').append(segment);
            }
            return out.append("::").append(qualifier).toString();
        }

        Scope scope() {
            return Scope.parse(value());
        }

        Urn below(List<String> extension) {
            List<String> longer = new ArrayList<>(path);
            longer.addAll(extension);
            return new Urn(longer, qualifier);
        }

        Urn withQualifier(String q) {
            return new Urn(path, q);
        }

        /** docs/architecture.md §5, literally: segment-wise prefix, and an equal or {@code all} qualifier. */
        boolean modelSatisfies(Urn required) {
            return required.path.size() >= path.size()
                    && required.path.subList(0, path.size()).equals(path)
                    && (qualifier.equals(required.qualifier) || qualifier.equals("all"));
        }
    }

    // --- laws ---

    @Property
    void satisfiesWhenWellFormedGrantingScopeThenSatisfiesItself(@ForAll("grantingScopes") Scope scope) {
        assertTrue(scope.grantsAnything());
        assertTrue(scope.satisfies(scope), scope.value());
        assertTrue(ScopeSet.of(List.of(scope)).satisfies(scope, false), scope.value());
    }

    @Property
    void satisfiesWhenConsumerPairThenFollowsTheDesignModel(@ForAll("urns") Urn granted, @ForAll("urns") Urn required) {
        assertEquals(granted.modelSatisfies(required), granted.scope().satisfies(required.scope()),
                granted.value() + " / " + required.value());
    }

    @Property
    void satisfiesWhenTwoHopsThenTransitive(@ForAll("anyScopes") Scope a, @ForAll("anyScopes") Scope b,
                                            @ForAll("anyScopes") Scope c) {
        if (a.satisfies(b) && b.satisfies(c)) {
            assertTrue(a.satisfies(c), a + " / " + b + " / " + c);
        }
    }

    /** Chains that surely hold their first two links, so transitivity is not checked only vacuously. */
    @Property
    void satisfiesWhenChainOfAncestorsThenFirstSatisfiesLast(@ForAll("urns") Urn c,
                                                            @ForAll("indexes") int i, @ForAll("indexes") int j,
                                                            @ForAll boolean bAll, @ForAll boolean aAll) {
        int jj = Math.min(j, c.path().size());
        int ii = Math.min(i, jj);
        Urn b = new Urn(c.path().subList(0, jj), bAll ? "all" : c.qualifier());
        Urn a = new Urn(c.path().subList(0, ii), aAll ? "all" : b.qualifier());
        assertTrue(b.scope().satisfies(c.scope()), b.value() + " / " + c.value());
        assertTrue(a.scope().satisfies(b.scope()), a.value() + " / " + b.value());
        assertTrue(a.scope().satisfies(c.scope()), a.value() + " / " + c.value());
    }

    @Property
    void satisfiesWhenChildThenNeverGrantsParent(@ForAll("urns") Urn parent, @ForAll("extensions") List<String> ext,
                                                @ForAll("qualifiers") String childQualifier) {
        Urn child = parent.below(ext).withQualifier(childQualifier);
        assertFalse(child.scope().satisfies(parent.scope()), child.value() + " / " + parent.value());
    }

    /** {@code paa} is not a prefix of {@code paas}: segments compare whole, in both directions. */
    @Property
    void satisfiesWhenSegmentIsOnlyAStringPrefixThenNothing(@ForAll("urns") Urn base, @ForAll("segments") String seg,
                                                           @ForAll("suffixes") String suffix,
                                                           @ForAll("extensions") List<String> rest,
                                                           @ForAll("qualifiers") String q) {
        Urn shortSeg = base.below(List.of(seg)).withQualifier("all");
        Urn longSeg = base.below(List.of(seg + suffix)).below(rest).withQualifier(q);
        assertFalse(shortSeg.scope().satisfies(longSeg.scope()), shortSeg.value() + " / " + longSeg.value());
        Urn longAll = base.below(List.of(seg + suffix)).withQualifier("all");
        Urn shortReq = base.below(List.of(seg)).below(rest).withQualifier(q);
        assertFalse(longAll.scope().satisfies(shortReq.scope()), longAll.value() + " / " + shortReq.value());
    }

    @Property
    void satisfiesWhenAllQualifierThenCoversEveryQualifierAtAndBelowItsPath(
            @ForAll("urns") Urn granted, @ForAll("extensionsOrNone") List<String> ext, @ForAll("qualifiers") String q) {
        Urn all = granted.withQualifier("all");
        Urn required = granted.below(ext).withQualifier(q);
        assertTrue(all.scope().satisfies(required.scope()), all.value() + " / " + required.value());
    }

    @Property
    void satisfiesWhenQualifierDiffersAndIsNotAllThenNothing(@ForAll("urns") Urn granted,
                                                            @ForAll("extensionsOrNone") List<String> ext,
                                                            @ForAll("qualifiers") String q) {
        if (!granted.qualifier().equals("all") && !granted.qualifier().equals(q)) {
            Urn required = granted.below(ext).withQualifier(q);
            assertFalse(granted.scope().satisfies(required.scope()), granted.value() + " / " + required.value());
        }
    }

    @Property
    void satisfiesWhenAdminRequirementThenOnlyTheAdminScope(@ForAll("scopeLists") List<Scope> granted) {
        Scope admin = Scope.parse(Scope.ADMIN);
        ScopeSet set = ScopeSet.of(granted);
        assertEquals(granted.contains(admin), set.satisfies(admin, true), set.toString());
        assertEquals(granted.contains(admin), set.satisfies(admin, false), set.toString());
    }

    @Property
    void satisfiesWhenAdminRuleThenConsumerAllCountsForNothing(@ForAll("anyScopes") Scope required) {
        ScopeSet consumerAll = ScopeSet.parse(Scope.CONSUMER_ALL);
        assertFalse(consumerAll.satisfies(required, true), required.value());
        assertEquals(required.isConsumerUrn(), consumerAll.satisfies(required, false), required.value());
    }

    @Property
    void satisfiesWhenSetThenSomeMemberSatisfies(@ForAll("scopeLists") List<Scope> granted,
                                                @ForAll("anyScopes") Scope required, @ForAll boolean admin) {
        boolean expected = granted.stream()
                .anyMatch(g -> g.satisfies(required) && !(admin && g.isConsumerAll()));
        assertEquals(expected, ScopeSet.of(granted).satisfies(required, admin), granted + " / " + required);
    }

    @Property
    void satisfiesWhenDifferentFamiliesThenNothing(@ForAll("urns") Urn urn, @ForAll("exactScopes") Scope exact) {
        assertFalse(urn.scope().satisfies(exact), urn.value() + " / " + exact);
        assertFalse(exact.satisfies(urn.scope()), exact + " / " + urn.value());
    }

    @Property
    void satisfiesWhenOfflineAccessOrMalformedThenGrantsNothing(@ForAll("nonGrantingScopes") Scope granted,
                                                               @ForAll("anyScopes") Scope required) {
        assertFalse(granted.satisfies(required), granted + " / " + required);
        assertFalse(ScopeSet.of(List.of(granted)).satisfies(required, false), granted + " / " + required);
    }

    @Property
    void satisfiesWhenMalformedRequiredThenNeverMet(@ForAll("scopeLists") List<Scope> granted,
                                                   @ForAll("malformedScopes") Scope required) {
        assertFalse(ScopeSet.of(granted).satisfies(required, false), required.value());
        assertFalse(required.isRequirable());
    }

    @Property
    void parseWhenSpaceDelimitedFormThenRoundTrips(@ForAll("scopeLists") List<Scope> scopes) {
        ScopeSet set = ScopeSet.of(scopes);
        if (!set.isEmpty()) {
            assertEquals(set, ScopeSet.parse(set.toSpaceDelimited()));
            assertEquals(set, ScopeSet.fromClaim(set.toSpaceDelimited()));
            assertEquals(List.copyOf(set.values()), List.copyOf(ScopeSet.parse(set.toSpaceDelimited()).values()));
        }
    }

    // --- generators ---

    @Provide
    Arbitrary<String> segments() {
        return Arbitraries.oneOf(
                Arbitraries.of("paas", "paa", "paasx", "stack", "analytics", "a", "ab", "all", "read"),
                Arbitraries.strings().withChars("abs-_.").ofMinLength(1).ofMaxLength(3));
    }

    @Provide
    Arbitrary<String> suffixes() {
        return Arbitraries.strings().withChars("asx-").ofMinLength(1).ofMaxLength(2);
    }

    @Provide
    Arbitrary<String> qualifiers() {
        return Arbitraries.oneOf(
                Arbitraries.of("read", "write", "all", "rea", "ALL", "All", "alll"),
                Arbitraries.strings().withChars("arw").ofMinLength(1).ofMaxLength(3));
    }

    @Provide
    Arbitrary<Integer> indexes() {
        return Arbitraries.integers().between(0, 4);
    }

    @Provide
    Arbitrary<List<String>> extensions() {
        return segments().list().ofMinSize(1).ofMaxSize(3);
    }

    @Provide
    Arbitrary<List<String>> extensionsOrNone() {
        return segments().list().ofMaxSize(3);
    }

    @Provide
    Arbitrary<Urn> urns() {
        return Combinators.combine(segments().list().ofMaxSize(3), qualifiers()).as(Urn::new);
    }

    @Provide
    Arbitrary<Scope> exactScopes() {
        Arbitrary<Scope> resourceAction = Combinators.combine(
                        Arbitraries.of("applications", "groups", "identities", "scim:users", "paas"),
                        Arbitraries.of("read", "create", "update", "delete", "all"))
                .as((r, a) -> Scope.parse(r + ":" + a));
        Arbitrary<Scope> other = Arbitraries.of(Scope.ADMIN, "openid", "profile", "urn:opc:resource:scope:account",
                "urn:opc:idm:__myscopes__x", "urn:opc:resource:scope:consumer::all").map(Scope::parse);
        return Arbitraries.oneOf(resourceAction, other);
    }

    @Provide
    Arbitrary<Scope> malformedScopes() {
        Arbitrary<Scope> listed = Arbitraries.of("urn:opc:resource:consumer", "urn:opc:resource:consumer:",
                "urn:opc:resource:consumer::", "urn:opc:resource:consumer:::", "urn:opc:resource:consumer:paas:::read",
                "urn:opc:resource:consumer:paas", "urn:opc:resource:consumer:paas::read:",
                "urn:opc:resource:consumerx", "urn:opc:resource:consumerx::all").map(Scope::parse);
        // Corrupt a well-formed URN: an empty segment, a missing qualifier or a trailing colon.
        Arbitrary<Scope> corrupted = Combinators.combine(urns(), Arbitraries.integers().between(0, 2))
                .as((urn, how) -> {
                    String v = urn.value();
                    String bad = switch (how) {
                        case 0 -> v.replace("::", ":::");
                        case 1 -> v.substring(0, v.lastIndexOf("::") + 2);
                        default -> v + ":";
                    };
                    return Scope.parse(bad);
                });
        return Arbitraries.oneOf(listed, corrupted);
    }

    @Provide
    Arbitrary<Scope> grantingScopes() {
        return Arbitraries.oneOf(urns().map(Urn::scope), exactScopes(),
                Arbitraries.just(Scope.parse(Scope.CONSUMER_ALL)));
    }

    @Provide
    Arbitrary<Scope> nonGrantingScopes() {
        return Arbitraries.oneOf(malformedScopes(), Arbitraries.just(Scope.parse(Scope.OFFLINE_ACCESS)));
    }

    @Provide
    Arbitrary<Scope> anyScopes() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, urns().map(Urn::scope)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Scope.parse(Scope.CONSUMER_ALL))),
                net.jqwik.api.Tuple.of(3, exactScopes()),
                net.jqwik.api.Tuple.of(1, nonGrantingScopes()));
    }

    @Provide
    Arbitrary<List<Scope>> scopeLists() {
        return anyScopes().list().ofMaxSize(6);
    }
}
