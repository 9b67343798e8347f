package io.scopeenforcer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scopeenforcer.internal.ScopeAccess;
import io.scopeenforcer.scope.Scope;
import io.scopeenforcer.scope.ScopeSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Requirement expressions: all-of, any-of, templates, keywords, and what a 403 names. */
class RequirementTest {

    private static final Map<String, String> NO_VARS = Map.of();

    @ParameterizedTest(name = "[{0}] -> {1} [{2}]")
    @CsvSource(delimiter = ';', textBlock = """
            public                                          ; PUBLIC        ; public
            '  public  '                                    ; PUBLIC        ; public
            authenticated                                   ; AUTHENTICATED ; authenticated
            applications:read                               ; SCOPES        ; applications:read
            groups:update identities:read                   ; SCOPES        ; groups:update identities:read
            '  groups:update    identities:read '           ; SCOPES        ; groups:update identities:read
            applications:read|applications:admin            ; SCOPES        ; applications:read | applications:admin
            a b | c                                         ; SCOPES        ; a b | c
            a a b                                           ; SCOPES        ; a b
            {resource}:read                                 ; SCOPES        ; {resource}:read
            urn:opc:resource:consumer:paas:{service}::read  ; SCOPES        ; urn:opc:resource:consumer:paas:{service}::read
            urn:opc:idm:__myscopes__                        ; SCOPES        ; urn:opc:idm:__myscopes__
            Public                                          ; SCOPES        ; Public
            """)
    void parseWhenValidThenKindAndCanonicalText(String text, Requirement.Kind kind, String canonical) {
        Requirement requirement = Requirement.parse(text);
        assertEquals(kind, requirement.kind());
        assertEquals(canonical, requirement.toString());
        assertEquals(requirement, Requirement.parse(requirement.toString()));
    }

    @ParameterizedTest(name = "rejects [{0}]")
    @ValueSource(strings = {
        "",
        "   ",
        "|",
        "a |",
        "| a",
        "a || b",
        "applications:\"read\"",
        "applications:read\\",
        "r\u00e9ad",
        "open\u007Fid",
        "urn:opc:resource:consumer:paas:::read",          // malformed URN: never required
        "urn:opc:resource:consumer",
        "urn:opc:resource:consumer::",
        "a | urn:opc:resource:consumer:paas:",
        "{resource:read",                                 // bad templates
        "resource}:read",
        "{}:read",
        "{1x}:read",
        "{res-ource}:read",
        "{{resource}}:read",
        "urn:opc:resource:consumer:{service}",            // template whose shape is a malformed URN
        "urn:opc:resource:consumer:paas:{service}:::read",
        "urn:opc:resource:consumer{service}::read",
        "public a",                                       // keywords stand alone
        "a | public",
        "authenticated | a",
        "public | authenticated",
    })
    void parseWhenInvalidThenThrows(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Requirement.parse(text));
        assertTrue(e.getMessage().chars().allMatch(c -> c >= 0x20 && c < 0x7F), e.getMessage());
    }

    @Test
    void parseWhenNullThenThrowsNpe() {
        assertThrows(NullPointerException.class, () -> Requirement.parse(null));
        assertThrows(NullPointerException.class, () -> Requirement.allOf("a", null));
    }

    /** Regression: allOf used to join its arguments and re-parse them as an expression. */
    @ParameterizedTest(name = "allOf rejects {0}")
    @ValueSource(strings = {"public", "authenticated", "a|b", "a b", "", "a |", "|"})
    void allOfWhenArgumentIsKeywordOrExpressionThenThrows(String scope) {
        assertThrows(IllegalArgumentException.class, () -> Requirement.allOf(scope));
        assertThrows(IllegalArgumentException.class, () -> Requirement.allOf("openid", scope));
    }

    @Test
    void allOfWhenScopesThenOneAlternative() {
        Requirement requirement = Requirement.allOf("groups:update", "identities:read", "groups:update");
        assertEquals(Requirement.Kind.SCOPES, requirement.kind());
        assertEquals(List.of(List.of("groups:update", "identities:read")), requirement.alternatives());
        assertEquals(Requirement.parse("groups:update identities:read"), requirement);
        assertThrows(IllegalArgumentException.class, Requirement::allOf);
        assertNotEquals(Requirement.publicAccess(), Requirement.parse("Public"));
    }

    @Test
    void parseWhenKeywordThenSharedInstances() {
        assertSame(Requirement.publicAccess(), Requirement.parse("public"));
        assertSame(Requirement.authenticated(), Requirement.parse("authenticated"));
        assertEquals(List.of(), Requirement.publicAccess().alternatives());
    }

    @Test
    void variablesWhenTemplatesThenNamesInOrder() {
        Requirement requirement = Requirement.parse(
                "{resource}:read urn:opc:resource:consumer:paas:{service}::read | {resource}:admin");
        assertEquals(Set.of("resource", "service"), requirement.variables());
        assertEquals(List.of("resource", "service"), List.copyOf(requirement.variables()));
        assertTrue(Requirement.parse("openid").variables().isEmpty());
    }

    /**
     * Checks a requirement against granted scopes. {@code vars} is {@code name=value,...}; {@code -} for none.
     * {@code required}/{@code missing} are what a 403 would name; {@code -} for empty.
     */
    @ParameterizedTest(name = "[{0}] with [{1}] vars {2} admin {3}: met {4}, required [{5}], missing [{6}]")
    @CsvSource(delimiter = ';', textBlock = """
            # keywords are met by anything, even no scope
            public                                  ; -                              ; -                 ; false ; true  ; -                              ; -
            authenticated                           ; -                              ; -                 ; false ; true  ; -                              ; -
            # all-of
            groups:update identities:read           ; groups:update identities:read  ; -                 ; false ; true  ; -                              ; -
            groups:update identities:read           ; groups:update                  ; -                 ; false ; false ; groups:update identities:read  ; identities:read
            groups:update identities:read           ; -                              ; -                 ; false ; false ; groups:update identities:read  ; groups:update identities:read
            groups:update identities:read           ; groups:read identities:read    ; -                 ; false ; false ; groups:update identities:read  ; groups:update
            # any-of: met by either; else the alternative missing the fewest, the first on a tie
            applications:read | applications:admin  ; applications:admin             ; -                 ; false ; true  ; -                              ; -
            applications:read | applications:admin  ; openid                         ; -                 ; false ; false ; applications:read              ; applications:read
            a b c | d e                             ; d                              ; -                 ; false ; false ; d e                            ; e
            a b c | d e                             ; a                              ; -                 ; false ; false ; a b c                          ; b c
            a b c | d e                             ; a b                            ; -                 ; false ; false ; a b c                          ; c
            a b | c d                               ; -                              ; -                 ; false ; false ; a b                            ; a b
            # URN hierarchy inside a requirement
            urn:opc:resource:consumer:paas:analytics::read ; urn:opc:resource:consumer:paas::read ; - ; false ; true ; -                   ; -
            urn:opc:resource:consumer:paas::read    ; urn:opc:resource:consumer:paas:analytics::read ; - ; false ; false ; urn:opc:resource:consumer:paas::read ; urn:opc:resource:consumer:paas::read
            # admin: consumer::all never counts, whatever the requirement says
            urn:opc:idm:__myscopes__                ; urn:opc:resource:consumer::all ; -                 ; true  ; false ; urn:opc:idm:__myscopes__       ; urn:opc:idm:__myscopes__
            urn:opc:idm:__myscopes__                ; urn:opc:idm:__myscopes__       ; -                 ; true  ; true  ; -                              ; -
            urn:opc:resource:consumer:paas::read    ; urn:opc:resource:consumer::all ; -                 ; true  ; false ; urn:opc:resource:consumer:paas::read ; urn:opc:resource:consumer:paas::read
            urn:opc:resource:consumer:paas::read    ; urn:opc:resource:consumer::all ; -                 ; false ; true  ; -                              ; -
            urn:opc:resource:consumer:paas::read    ; urn:opc:resource:consumer::all urn:opc:resource:consumer:paas::all ; - ; true ; true ; - ; -
            # templates: {resource}:read
            {resource}:read                         ; applications:read              ; resource=applications ; false ; true ; -                         ; -
            {resource}:read                         ; applications:read              ; resource=groups   ; false ; false ; groups:read                    ; groups:read
            {resource}:read                         ; applications:create            ; resource=applications ; false ; false ; applications:read         ; applications:read
            {resource}:{action}                     ; groups:update                  ; resource=groups,action=update ; false ; true ; -                ; -
            # templates: urn:opc:resource:consumer:paas:{service}::read
            urn:opc:resource:consumer:paas:{service}::read ; urn:opc:resource:consumer:paas::read ; service=analytics ; false ; true ; - ; -
            urn:opc:resource:consumer:paas:{service}::read ; urn:opc:resource:consumer:paas:stack::all ; service=stack ; false ; true ; - ; -
            urn:opc:resource:consumer:paas:{service}::read ; urn:opc:resource:consumer:paas:stack::all ; service=analytics ; false ; false ; urn:opc:resource:consumer:paas:analytics::read ; urn:opc:resource:consumer:paas:analytics::read
            urn:opc:resource:consumer:paas:{service}::read ; urn:opc:resource:consumer::all ; service=analytics ; true ; false ; urn:opc:resource:consumer:paas:analytics::read ; urn:opc:resource:consumer:paas:analytics::read
            # an unformable alternative is skipped; another may still be met
            {resource}:read | openid                ; openid                         ; resource=a:b      ; false ; true  ; -                              ; -
            {resource}:read | openid                ; profile                        ; resource=a:b      ; false ; false ; openid                         ; openid
            """)
    void checkWhenGrantedThenOutcome(String requirement, String granted, String vars, boolean admin,
                                     boolean met, String required, String missing) {
        Requirement.Outcome outcome = Requirement.parse(requirement)
                .check(scopes(granted), variables(vars), admin);
        assertEquals(met, outcome.met());
        assertEquals(list(required), outcome.required());
        assertEquals(list(missing), outcome.missing());
        assertNull(outcome.problem());
    }

    /**
     * A variable that cannot form exactly one segment never matches loosely: holding {@code :} it could widen
     * {@code paas:{service}::read} to {@code paas::read}-like shapes or reach another family; a space would make two
     * scopes; empty would leave an empty segment; missing has no value at all.
     */
    @ParameterizedTest(name = "{0} with {1}=[{2}] -> not met with a problem")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            {resource}:read                                | resource | a:b
            {resource}:read                                | resource | 'groups read'
            {resource}:read                                | resource | ''
            {resource}:read                                | resource | NULL
            {resource}:read                                | other    | applications
            {resource}:read                                | resource | 'r\u00e9ad'
            {resource}:read                                | resource | 'a"b'
            {resource}:read                                | resource | {x}
            urn:opc:resource:consumer:paas:{service}::read | service  | ''
            urn:opc:resource:consumer:paas:{service}::read | service  | NULL
            urn:opc:resource:consumer:paas:{service}::read | service  | :
            urn:opc:resource:consumer:paas:{service}::read | service  | ::
            urn:opc:resource:consumer:paas:{service}::read | service  | stack:
            urn:opc:resource:consumer:paas:{service}::read | service  | stack::all
            urn:opc:resource:consumer:paas:{service}::read | service  | 'stack x'
            urn:opc:resource:consumer:paas:{service}::read | service  | ' '
            urn:opc:resource:{kind}::all                   | kind     | consumer:
            """)
    void checkWhenVariableCannotFormOneSegmentThenNotMetWithProblem(String template, String name, String value) {
        Map<String, String> vars = new HashMap<>();
        if (value != null) {
            vars.put(name, value);
        }
        // Even the broadest grant, on a non-admin rule, must not meet it.
        ScopeSet everything = ScopeSet.parse("urn:opc:resource:consumer::all applications:read groups:read"
                + " a:b:read :read read urn:opc:resource:consumer:paas::read");
        Requirement.Outcome outcome = Requirement.parse(template).check(everything, vars, false);
        assertFalse(outcome.met());
        assertNotNull(outcome.problem());
        assertEquals(List.of(), outcome.required());
        assertEquals(List.of(), outcome.missing());
        assertTrue(outcome.problem().chars().allMatch(c -> c >= 0x20 && c < 0x7F), outcome.problem());
    }

    @Test
    void checkWhenNullArgumentsThenThrowsNpe() {
        Requirement requirement = Requirement.parse("openid");
        assertThrows(NullPointerException.class, () -> requirement.check(null, NO_VARS, false));
        assertThrows(NullPointerException.class, () -> requirement.check(ScopeSet.empty(), null, false));
    }

    private static ScopeSet scopes(String text) {
        return text.equals("-") ? ScopeSet.empty() : ScopeSet.parse(text);
    }

    private static List<String> list(String text) {
        return text.equals("-") ? List.of() : List.of(text.split(" "));
    }

    private static Map<String, String> variables(String text) {
        Map<String, String> vars = new LinkedHashMap<>();
        if (!text.equals("-")) {
            for (String pair : text.split(",")) {
                String[] kv = pair.split("=", 2);
                vars.put(kv[0], kv[1]);
            }
        }
        return vars;
    }
}
