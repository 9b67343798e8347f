package io.scopeenforcer.scope;

import static io.scopeenforcer.testing.SeededCases.forAll;
import static io.scopeenforcer.testing.SeededCases.list;
import static io.scopeenforcer.testing.SeededCases.oneOf;
import static io.scopeenforcer.testing.SeededCases.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The laws of docs/architecture.md §5 matching, checked on generated scopes: {@value #CASES} seeded cases per
 * law (see {@link io.scopeenforcer.testing.SeededCases} for the seed and how to replay a failure). Segments and
 * qualifiers come from small alphabets with look-alikes ({@code paa}, {@code paas}, {@code paasx}) so that
 * related scopes meet often.
 */
class ScopeMatchingLawsTest {

    /** Cases per law. */
    static final int CASES = 1000;

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

    @Test
    void satisfiesWhenWellFormedGrantingScopeThenSatisfiesItself() {
        forAll("a granting scope satisfies itself", CASES, r -> {
            Scope scope = grantingScope(r);
            assertTrue(scope.grantsAnything(), scope.value());
            assertTrue(scope.satisfies(scope), scope.value());
            assertTrue(ScopeSet.of(List.of(scope)).satisfies(scope, false), scope.value());
        });
    }

    @Test
    void satisfiesWhenConsumerPairThenFollowsTheDesignModel() {
        forAll("consumer URNs follow the model", CASES, r -> {
            Urn granted = urn(r);
            Urn required = urn(r);
            assertEquals(granted.modelSatisfies(required), granted.scope().satisfies(required.scope()),
                    granted.value() + " / " + required.value());
        });
    }

    @Test
    void satisfiesWhenTwoHopsThenTransitive() {
        forAll("transitivity", CASES, r -> {
            Scope a = anyScope(r);
            Scope b = anyScope(r);
            Scope c = anyScope(r);
            if (a.satisfies(b) && b.satisfies(c)) {
                assertTrue(a.satisfies(c), a + " / " + b + " / " + c);
            }
        });
    }

    /** Chains that surely hold their first two links, so transitivity is not checked only vacuously. */
    @Test
    void satisfiesWhenChainOfAncestorsThenFirstSatisfiesLast() {
        forAll("chains of ancestors", CASES, r -> {
            Urn c = urn(r);
            int i = index(r);
            int j = index(r);
            boolean bAll = r.nextBoolean();
            boolean aAll = r.nextBoolean();
            int jj = Math.min(j, c.path().size());
            int ii = Math.min(i, jj);
            Urn b = new Urn(c.path().subList(0, jj), bAll ? "all" : c.qualifier());
            Urn a = new Urn(c.path().subList(0, ii), aAll ? "all" : b.qualifier());
            assertTrue(b.scope().satisfies(c.scope()), b.value() + " / " + c.value());
            assertTrue(a.scope().satisfies(b.scope()), a.value() + " / " + b.value());
            assertTrue(a.scope().satisfies(c.scope()), a.value() + " / " + c.value());
        });
    }

    @Test
    void satisfiesWhenChildThenNeverGrantsParent() {
        forAll("a child never grants its parent", CASES, r -> {
            Urn parent = urn(r);
            Urn child = parent.below(extension(r)).withQualifier(qualifier(r));
            assertFalse(child.scope().satisfies(parent.scope()), child.value() + " / " + parent.value());
        });
    }

    /** {@code paa} is not a prefix of {@code paas}: segments compare whole, in both directions. */
    @Test
    void satisfiesWhenSegmentIsOnlyAStringPrefixThenNothing() {
        forAll("string prefixes are no segment prefixes", CASES, r -> {
            Urn base = urn(r);
            String seg = segment(r);
            String suffix = suffix(r);
            List<String> rest = extension(r);
            String q = qualifier(r);
            Urn shortSeg = base.below(List.of(seg)).withQualifier("all");
            Urn longSeg = base.below(List.of(seg + suffix)).below(rest).withQualifier(q);
            assertFalse(shortSeg.scope().satisfies(longSeg.scope()), shortSeg.value() + " / " + longSeg.value());
            Urn longAll = base.below(List.of(seg + suffix)).withQualifier("all");
            Urn shortReq = base.below(List.of(seg)).below(rest).withQualifier(q);
            assertFalse(longAll.scope().satisfies(shortReq.scope()), longAll.value() + " / " + shortReq.value());
        });
    }

    @Test
    void satisfiesWhenAllQualifierThenCoversEveryQualifierAtAndBelowItsPath() {
        forAll("::all covers its subtree", CASES, r -> {
            Urn granted = urn(r);
            Urn all = granted.withQualifier("all");
            Urn required = granted.below(extensionOrNone(r)).withQualifier(qualifier(r));
            assertTrue(all.scope().satisfies(required.scope()), all.value() + " / " + required.value());
        });
    }

    @Test
    void satisfiesWhenQualifierDiffersAndIsNotAllThenNothing() {
        forAll("another qualifier grants nothing", CASES, r -> {
            Urn granted = urn(r);
            List<String> ext = extensionOrNone(r);
            String q = qualifier(r);
            if (!granted.qualifier().equals("all") && !granted.qualifier().equals(q)) {
                Urn required = granted.below(ext).withQualifier(q);
                assertFalse(granted.scope().satisfies(required.scope()), granted.value() + " / " + required.value());
            }
        });
    }

    @Test
    void satisfiesWhenAdminRequirementThenOnlyTheAdminScope() {
        forAll("only the admin scope meets an admin rule", CASES, r -> {
            List<Scope> granted = scopeList(r);
            Scope admin = Scope.parse(Scope.ADMIN);
            ScopeSet set = ScopeSet.of(granted);
            assertEquals(granted.contains(admin), set.satisfies(admin, true), set.toString());
            assertEquals(granted.contains(admin), set.satisfies(admin, false), set.toString());
        });
    }

    @Test
    void satisfiesWhenAdminRuleThenConsumerAllCountsForNothing() {
        forAll("consumer::all never meets an admin rule", CASES, r -> {
            Scope required = anyScope(r);
            ScopeSet consumerAll = ScopeSet.parse(Scope.CONSUMER_ALL);
            assertFalse(consumerAll.satisfies(required, true), required.value());
            assertEquals(required.isConsumerUrn(), consumerAll.satisfies(required, false), required.value());
        });
    }

    @Test
    void satisfiesWhenSetThenSomeMemberSatisfies() {
        forAll("a set satisfies through one member", CASES, r -> {
            List<Scope> granted = scopeList(r);
            Scope required = anyScope(r);
            boolean admin = r.nextBoolean();
            boolean expected = granted.stream()
                    .anyMatch(g -> g.satisfies(required) && !(admin && g.isConsumerAll()));
            assertEquals(expected, ScopeSet.of(granted).satisfies(required, admin), granted + " / " + required);
        });
    }

    @Test
    void satisfiesWhenDifferentFamiliesThenNothing() {
        forAll("families never meet", CASES, r -> {
            Urn urn = urn(r);
            Scope exact = exactScope(r);
            assertFalse(urn.scope().satisfies(exact), urn.value() + " / " + exact);
            assertFalse(exact.satisfies(urn.scope()), exact + " / " + urn.value());
        });
    }

    @Test
    void satisfiesWhenOfflineAccessOrMalformedThenGrantsNothing() {
        forAll("offline_access and malformed URNs grant nothing", CASES, r -> {
            Scope granted = nonGrantingScope(r);
            Scope required = anyScope(r);
            assertFalse(granted.satisfies(required), granted + " / " + required);
            assertFalse(ScopeSet.of(List.of(granted)).satisfies(required, false), granted + " / " + required);
        });
    }

    @Test
    void satisfiesWhenMalformedRequiredThenNeverMet() {
        forAll("a malformed requirement is never met", CASES, r -> {
            List<Scope> granted = scopeList(r);
            Scope required = malformedScope(r);
            assertFalse(ScopeSet.of(granted).satisfies(required, false), required.value());
            assertFalse(required.isRequirable(), required.value());
        });
    }

    @Test
    void parseWhenSpaceDelimitedFormThenRoundTrips() {
        forAll("the space-delimited form round-trips", CASES, r -> {
            ScopeSet set = ScopeSet.of(scopeList(r));
            if (!set.isEmpty()) {
                assertEquals(set, ScopeSet.parse(set.toSpaceDelimited()));
                assertEquals(set, ScopeSet.fromClaim(set.toSpaceDelimited()));
                assertEquals(List.copyOf(set.values()), List.copyOf(ScopeSet.parse(set.toSpaceDelimited()).values()));
            }
        });
    }

    // --- generators: the same shapes and alphabets as before, drawn from the case's Random ---

    static String segment(Random r) {
        return r.nextBoolean()
                ? oneOf(r, "paas", "paa", "paasx", "stack", "analytics", "a", "ab", "all", "read")
                : string(r, "abs-_.", 1, 3);
    }

    static String suffix(Random r) {
        return string(r, "asx-", 1, 2);
    }

    static String qualifier(Random r) {
        return r.nextBoolean()
                ? oneOf(r, "read", "write", "all", "rea", "ALL", "All", "alll")
                : string(r, "arw", 1, 3);
    }

    static int index(Random r) {
        return r.nextInt(5);
    }

    static List<String> extension(Random r) {
        return list(r, 1, 3, ScopeMatchingLawsTest::segment);
    }

    static List<String> extensionOrNone(Random r) {
        return list(r, 0, 3, ScopeMatchingLawsTest::segment);
    }

    static Urn urn(Random r) {
        return new Urn(list(r, 0, 3, ScopeMatchingLawsTest::segment), qualifier(r));
    }

    static Scope exactScope(Random r) {
        if (r.nextBoolean()) {
            return Scope.parse(oneOf(r, "applications", "groups", "identities", "scim:users", "paas") + ":"
                    + oneOf(r, "read", "create", "update", "delete", "all"));
        }
        return Scope.parse(oneOf(r, Scope.ADMIN, "openid", "profile", "urn:opc:resource:scope:account",
                "urn:opc:idm:__myscopes__x", "urn:opc:resource:scope:consumer::all"));
    }

    static Scope malformedScope(Random r) {
        if (r.nextBoolean()) {
            return Scope.parse(oneOf(r, "urn:opc:resource:consumer", "urn:opc:resource:consumer:",
                    "urn:opc:resource:consumer::", "urn:opc:resource:consumer:::",
                    "urn:opc:resource:consumer:paas:::read", "urn:opc:resource:consumer:paas",
                    "urn:opc:resource:consumer:paas::read:", "urn:opc:resource:consumerx",
                    "urn:opc:resource:consumerx::all"));
        }
        // Corrupt a well-formed URN: an empty segment, a missing qualifier or a trailing colon.
        String v = urn(r).value();
        String bad = switch (r.nextInt(3)) {
            case 0 -> v.replace("::", ":::");
            case 1 -> v.substring(0, v.lastIndexOf("::") + 2);
            default -> v + ":";
        };
        return Scope.parse(bad);
    }

    static Scope grantingScope(Random r) {
        return switch (r.nextInt(3)) {
            case 0 -> urn(r).scope();
            case 1 -> exactScope(r);
            default -> Scope.parse(Scope.CONSUMER_ALL);
        };
    }

    static Scope nonGrantingScope(Random r) {
        return r.nextBoolean() ? malformedScope(r) : Scope.parse(Scope.OFFLINE_ACCESS);
    }

    /** URNs 6, consumer::all 1, exact scopes 3, non-granting 1, out of 11. */
    static Scope anyScope(Random r) {
        int pick = r.nextInt(11);
        if (pick < 6) {
            return urn(r).scope();
        }
        if (pick < 7) {
            return Scope.parse(Scope.CONSUMER_ALL);
        }
        if (pick < 10) {
            return exactScope(r);
        }
        return nonGrantingScope(r);
    }

    static List<Scope> scopeList(Random r) {
        return list(r, 0, 6, ScopeMatchingLawsTest::anyScope);
    }
}
