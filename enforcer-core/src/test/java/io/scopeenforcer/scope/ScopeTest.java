package io.scopeenforcer.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scopeenforcer.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/architecture.md §5, one row per example sentence and rule, in both directions. */
class ScopeTest {

    @ParameterizedTest(name = "{0} satisfies {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            # Family 1: resource:action, exact
            applications:read           | applications:read           | true
            applications:create         | applications:read           | false
            applications:update         | applications:create         | false
            applications:read           | applications:create         | false
            scim:users:read             | scim:users:read             | true
            scim:users:read             | scim:users:write            | false
            scim:users:read             | scim:users                  | false
            applications:read           | Applications:read           | false
            applications:read           | applications:READ           | false
            # Family 2: 'paas::read satisfies paas::read and paas:analytics::read, not paas:analytics::write'
            C:paas::read                | C:paas::read                | true
            C:paas::read                | C:paas:analytics::read      | true
            C:paas::read                | C:paas:analytics:x:y::read  | true
            C:paas::read                | C:paas:analytics::write     | false
            C:paas::read                | C:paas::write               | false
            C:paas::read                | C:paas::all                 | false
            # 'a child never grants its parent'
            C:paas:analytics::read      | C:paas::read                | false
            C:paas:analytics::all       | C:paas::read                | false
            C:paas:analytics::read      | C::read                     | false
            # 'paas:stack::all satisfies paas:stack::read and paas:stack::write'
            C:paas:stack::all           | C:paas:stack::read          | true
            C:paas:stack::all           | C:paas:stack::write         | true
            C:paas:stack::all           | C:paas:stack::all           | true
            C:paas:stack::all           | C:paas:stack:db::write      | true
            C:paas:stack::all           | C:paas:analytics::read      | false
            C:paas:stack::all           | C:paas::read                | false
            # siblings
            C:paas:stack::read          | C:paas:analytics::read      | false
            # 'consumer::all satisfies every URN consumer scope, and nothing else'
            C::all                      | C::all                      | true
            C::all                      | C:paas::read                | true
            C::all                      | C:paas:stack::write         | true
            C::all                      | C::read                     | true
            C::all                      | C:x:y:z::anything           | true
            C::all                      | urn:opc:idm:__myscopes__    | false
            C::all                      | applications:read           | false
            C::all                      | openid                      | false
            C::all                      | offline_access              | false
            C::all                      | urn:opc:resource:scope:account | false
            # an empty path with a specific qualifier covers that qualifier everywhere
            C::read                     | C:paas:stack::read          | true
            C::read                     | C:paas:stack::write         | false
            C::read                     | C::all                      | false
            # 'segment-wise: paas::read does not satisfy paasx::read'
            C:paas::read                | C:paasx::read               | false
            C:paa::read                 | C:paas::read                | false
            C:paas::all                 | C:paasx:stack::read         | false
            C:paas:st::all              | C:paas:stack::read          | false
            # qualifiers are compared whole, case-sensitively
            C:paas::rea                 | C:paas::read                | false
            C:paas::ALL                 | C:paas::read                | false
            C:paas::All                 | C:paas::All                 | true
            # families never cross
            C:paas::read                | paas:read                   | false
            paas:read                   | C:paas::read                | false
            urn:opc:resource:consumer:paas::read | urn:opc:resource:consumer:paas::read | true
            # Family 3: exact
            urn:opc:idm:__myscopes__    | urn:opc:idm:__myscopes__    | true
            urn:opc:idm:__myscopes__    | applications:read           | false
            urn:opc:idm:__myscopes__    | C::all                      | false
            openid                      | openid                      | true
            openid                      | profile                     | false
            # 'offline_access grants nothing at a resource server'
            offline_access              | offline_access              | false
            offline_access              | openid                      | false
            offline_access              | C:paas::read                | false
            # malformed URN: grants nothing, is never required
            C:paas:::read               | C:paas:::read               | false
            C:paas:::read               | C:paas::read                | false
            C:paas::read                | C:paas:::read               | false
            C::all                      | C:paas:                     | false
            C::all                      | urn:opc:resource:consumer   | false
            """)
    void satisfiesWhenPairThenExpected(String granted, String required, boolean expected) {
        Scope g = Scope.parse(ScopeShorthand.expand(granted));
        Scope r = Scope.parse(ScopeShorthand.expand(required));
        assertEquals(expected, g.satisfies(r));
        // A set of one scope agrees with the scope on non-admin rules.
        assertEquals(expected, ScopeSet.of(java.util.List.of(g)).satisfies(r, false));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', textBlock = """
            applications:read                              | RESOURCE_ACTION
            scim:users:read                                | RESOURCE_ACTION
            resource-servers:read                          | RESOURCE_ACTION
            urn:opc:resource:consumer::all                 | CONSUMER_URN
            urn:opc:resource:consumer::read                | CONSUMER_URN
            urn:opc:resource:consumer:paas::read           | CONSUMER_URN
            urn:opc:resource:consumer:paas:analytics::read | CONSUMER_URN
            urn:opc:idm:__myscopes__                       | OTHER
            urn:opc:resource:scope:account                 | OTHER
            openid                                         | OTHER
            offline_access                                 | OTHER
            applications:                                  | OTHER
            :read                                          | OTHER
            urn:opc:resource:consumer                      | MALFORMED_CONSUMER_URN
            urn:opc:resource:consumer:paas::read:          | MALFORMED_CONSUMER_URN
            """)
    void kindWhenValueThenFamily(String value, Scope.Kind kind) {
        assertEquals(kind, Scope.parse(value).kind());
    }

    /** Every malformed URN consumer scope: it grants nothing, and is rejected as a requirement. */
    @ParameterizedTest(name = "malformed: {0}")
    @ValueSource(strings = {
        "urn:opc:resource:consumer",                   // no separator, no qualifier
        "urn:opc:resource:consumer:",                  // trailing colon
        "urn:opc:resource:consumer::",                 // empty qualifier
        "urn:opc:resource:consumer:::",                // ':::'
        "urn:opc:resource:consumer:::all",             // ':::' before the qualifier
        "urn:opc:resource:consumer:paas:::read",       // empty segment before '::'
        "urn:opc:resource:consumer::paas::read",       // '::' twice
        "urn:opc:resource:consumer:paas",              // missing qualifier
        "urn:opc:resource:consumer:paas:",             // trailing colon, missing qualifier
        "urn:opc:resource:consumer:paas::",            // empty qualifier
        "urn:opc:resource:consumer:paas::read:",       // trailing colon after the qualifier
        "urn:opc:resource:consumer:paas::read::all",   // qualifier holding '::'
        "urn:opc:resource:consumer:paas::read:write",  // qualifier holding ':'
        "urn:opc:resource:consumer:paas::all:",        // trailing colon on 'all'
        "urn:opc:resource:consumer::all:",             // trailing colon on consumer::all
        "urn:opc:resource:consumer:all",               // 'all' as a segment, no qualifier
        "urn:opc:resource:consumer:paas::stack::read", // two separators
        "urn:opc:resource:consumer::paas:stack::read", // empty first segment
        "urn:opc:resource:consumer:paas::stack:read",  // qualifier holding ':'
        "urn:opc:resource:consumer:paas:x::",          // empty qualifier below a path
        "urn:opc:resource:consumerx::read",            // prefix runs into the first segment
        "urn:opc:resource:consumer_paas::read",        // no ':' after the prefix
    })
    void satisfiesWhenMalformedConsumerUrnThenGrantsNothingAndIsNeverRequired(String value) {
        Scope malformed = Scope.parse(value);
        assertEquals(Scope.Kind.MALFORMED_CONSUMER_URN, malformed.kind());
        assertFalse(malformed.grantsAnything());
        assertFalse(malformed.isRequirable());
        assertFalse(malformed.isConsumerUrn());
        assertFalse(malformed.satisfies(malformed));
        for (String other : new String[] {"urn:opc:resource:consumer::all", "urn:opc:resource:consumer:paas::read",
            "urn:opc:idm:__myscopes__", "applications:read"}) {
            Scope scope = Scope.parse(other);
            assertFalse(malformed.satisfies(scope), other);
            assertFalse(scope.satisfies(malformed), other);
        }
        ScopeSet everything = ScopeSet.parse("urn:opc:resource:consumer::all urn:opc:idm:__myscopes__ " + value);
        assertFalse(everything.satisfies(malformed, false));
        assertThrows(IllegalArgumentException.class, () -> Requirement.parse(value));
        assertThrows(IllegalArgumentException.class, () -> Requirement.allOf(value));
        assertThrows(IllegalArgumentException.class, () -> Requirement.parse("applications:read | " + value));
    }

    @ParameterizedTest(name = "not a scope-token: [{0}]")
    @ValueSource(strings = {
        "", " ", "a b", "applications:\"read\"", "applications:read\\", "paas\u007F", "\u0000", "a\tb", "a\nb",
        "a\rb", "r\u00e9ad", "\u0130", "applications:read\u00a0", "\u200b", "\uD83D\uDE00",
    })
    void parseWhenNotScopeTokenThenThrows(String value) {
        assertFalse(Scope.isScopeToken(value));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Scope.parse(value));
        assertTrue(e.getMessage().chars().allMatch(c -> c >= 0x20 && c < 0x7F), e.getMessage());
    }

    /** The edges of RFC 6749 §3.3: %x21 / %x23-5B / %x5D-7E. */
    @ParameterizedTest(name = "accepted oddity: [{0}]")
    @ValueSource(strings = {"!", "#", "[", "]", "~", "{x}", "a|b", "a,b", "'", "urn:", "::", "https://rs.example/x"})
    void parseWhenEdgeOfCharsetThenAccepted(String value) {
        assertEquals(value, Scope.parse(value).value());
        assertTrue(Scope.isScopeToken(value));
    }

    @Test
    void parseWhenNullThenThrowsNpe() {
        assertThrows(NullPointerException.class, () -> Scope.parse(null));
        assertFalse(Scope.isScopeToken(null));
        assertThrows(NullPointerException.class, () -> Scope.parse("openid").satisfies(null));
    }

    @Test
    void parseWhenLongHostileValueThenMessageQuotesShortFragment() {
        String hostile = "a".repeat(500) + "\"\r\nSet-Cookie: x";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Scope.parse(hostile));
        assertTrue(e.getMessage().length() < 100, e.getMessage());
        assertFalse(e.getMessage().contains("Set-Cookie"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            offline_access                 | false | true  | false
            urn:opc:resource:consumer::all | true  | true  | true
            urn:opc:resource:consumer:paas::all | true | true | false
            urn:opc:resource:consumer:paas::read | true | true | false
            urn:opc:idm:__myscopes__       | true  | true  | false
            urn:opc:resource:consumer:::   | false | false | false
            """)
    void grantsAnythingWhenValueThenExpected(String value, boolean grants, boolean requirable, boolean consumerAll) {
        Scope scope = Scope.parse(value);
        assertEquals(grants, scope.grantsAnything());
        assertEquals(requirable, scope.isRequirable());
        assertEquals(consumerAll, scope.isConsumerAll());
    }

    @Test
    void equalsWhenSameValueThenEqualAndCaseSensitive() {
        assertEquals(Scope.parse("openid"), Scope.parse("openid"));
        assertFalse(Scope.parse("openid").equals(Scope.parse("OpenID")));
        assertEquals("urn:opc:resource:consumer::all", Scope.parse(Scope.CONSUMER_ALL).toString());
    }
}
