package io.scopeenforcer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scopeenforcer.internal.ScopeAccess;
import io.scopeenforcer.scope.Scope;
import io.scopeenforcer.scope.ScopeSet;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzzing of the scope parsers: {@link Scope#parse}, {@link ScopeSet#parse} (strict),
 * {@link ScopeSet#fromClaim} (lenient) and {@link Requirement#parse}. Only {@link IllegalArgumentException} may
 * escape the strict parsers, never from the lenient one; what parses prints back to what parses equal; a
 * malformed URN grants nothing; {@code consumer::all} never counts on an admin rule. The input is read as
 * UTF-8 and as ISO-8859-1.
 */
class ScopeParserFuzzTest {

    @FuzzTest(maxDuration = "5m")
    @DictionaryEntries({"urn:opc:resource:consumer", ":", "::", "::all", "::read", "::write", "urn:opc:idm:__myscopes__",
            "offline_access", " ", "|", "{", "}", "{service}", "public", "authenticated", ":read", "applications",
            "\"", "\\", "\\x09"})
    void parseWhenFuzzedThenValueOrIllegalArgumentOnly(byte[] input) {
        check(new String(input, StandardCharsets.UTF_8));
        check(new String(input, StandardCharsets.ISO_8859_1));
    }

    private static void check(String text) {
        checkScope(text);
        checkScopeSet(text);
        checkClaim(text);
        checkRequirement(text);
    }

    private static void checkScope(String text) {
        Scope scope;
        try {
            scope = Scope.parse(text);
        } catch (IllegalArgumentException e) {
            assertFalse(ScopeAccess.scopes().isScopeToken(text));
            return;
        }
        assertTrue(ScopeAccess.scopes().isScopeToken(text));
        assertEquals(text, scope.value());
        assertEquals(scope, Scope.parse(scope.value()));
        if (scope.kind() == Scope.Kind.MALFORMED_CONSUMER_URN) {
            assertFalse(scope.grantsAnything());
            assertFalse(scope.isRequirable());
        }
        if (scope.grantsAnything() && scope.isRequirable()) {
            assertTrue(scope.satisfies(scope), text);
        }
        Scope consumerAll = Scope.parse(Scope.CONSUMER_ALL);
        assertEquals(scope.isConsumerUrn() && scope.isRequirable(), consumerAll.satisfies(scope), text);
        assertFalse(ScopeSet.of(List.of(consumerAll)).satisfies(scope, true), text);
    }

    private static void checkScopeSet(String text) {
        ScopeSet set;
        try {
            set = ScopeSet.parse(text);
        } catch (IllegalArgumentException e) {
            assertNotNull(e.getMessage());
            return;
        }
        assertEquals(set, ScopeSet.parse(set.toSpaceDelimited()));
        for (String value : set.values()) {
            assertTrue(ScopeAccess.scopes().isScopeToken(value));
        }
    }

    private static void checkClaim(String text) {
        ScopeSet set = ScopeAccess.scopes().fromClaim(text);
        for (Scope scope : set.scopes()) {
            assertTrue(ScopeAccess.scopes().isScopeToken(scope.value()), scope::value);
        }
        assertEquals(set, ScopeSet.parse(set.toSpaceDelimited()));
    }

    private static void checkRequirement(String text) {
        Requirement requirement;
        try {
            requirement = Requirement.parse(text);
        } catch (IllegalArgumentException e) {
            assertNotNull(e.getMessage());
            return;
        }
        assertEquals(requirement, Requirement.parse(requirement.toString()), text);
        Map<String, String> variables = new java.util.HashMap<>();
        for (String name : requirement.variables()) {
            variables.put(name, "x");
        }
        Requirement.Outcome outcome = requirement.check(ScopeSet.empty(), variables, false);
        assertEquals(requirement.kind() != Requirement.Kind.SCOPES, outcome.met(), text);
        requirement.check(ScopeSet.parse(Scope.CONSUMER_ALL), Map.of(), true);
    }
}
