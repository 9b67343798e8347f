package io.scopeenforcer.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** ScopeSet matching with the admin flag, strict parsing of requests and lenient reading of claims. */
class ScopeSetTest {

    private static final String ADMIN = Scope.ADMIN;

    /** Granted scopes use the abbreviation {@code C:} of {@link ScopeShorthand#expand}. */
    @ParameterizedTest(name = "[{0}] satisfies {1} (admin {2}): {3}")
    @CsvSource(delimiter = '|', textBlock = """
            C::all                                  | C:paas::read             | false | true
            C::all                                  | C:paas::read             | true  | false
            C::all                                  | C::all                   | false | true
            C::all                                  | C::all                   | true  | false
            # 'an admin rule never accepts consumer::all, whatever its requirement says'
            C::all                                  | urn:opc:idm:__myscopes__ | true  | false
            C::all                                  | urn:opc:idm:__myscopes__ | false | false
            # another scope of the set can still meet the admin rule
            C::all C:paas::read                     | C:paas:stack::read       | true  | true
            C::all C:paas::read                     | C:paas:stack::write      | true  | false
            C::all urn:opc:idm:__myscopes__         | urn:opc:idm:__myscopes__ | true  | true
            # 'nothing but the admin scope meets the default admin requirement'
            urn:opc:idm:__myscopes__                | urn:opc:idm:__myscopes__ | true  | true
            urn:opc:idm:__myscopes__                | urn:opc:idm:__myscopes__ | false | true
            C:paas::all C:paas:stack::all           | urn:opc:idm:__myscopes__ | true  | false
            urn:opc:idm:__myscopes__x               | urn:opc:idm:__myscopes__ | true  | false
            urn:opc:idm                             | urn:opc:idm:__myscopes__ | true  | false
            urn:opc:IDM:__myscopes__                | urn:opc:idm:__myscopes__ | true  | false
            applications:read groups:read           | urn:opc:idm:__myscopes__ | true  | false
            # exact families in a set
            applications:read groups:read           | groups:read              | false | true
            applications:read groups:read           | groups:update            | false | false
            applications:create                     | applications:read        | false | false
            # hierarchy inside a set
            C:paas:analytics::read C:paas:stack::all | C:paas:stack::write     | false | true
            C:paas:analytics::read C:paas:stack::all | C:paas:analytics::write | false | false
            C:paas:analytics::read C:paas:stack::all | C:paas::read            | false | false
            # nothing grants offline_access or a malformed URN
            offline_access C::all                   | offline_access           | false | false
            C:paas:::read C::all                    | C:paas:::read            | false | false
            offline_access                          | C:paas::read             | false | false
            """)
    void satisfiesWhenGrantedSetThenExpected(String granted, String required, boolean admin, boolean expected) {
        ScopeSet set = ScopeSet.parse(Arrays.stream(granted.split(" ")).map(ScopeShorthand::expand)
                .reduce((a, b) -> a + " " + b).orElseThrow());
        assertEquals(expected, set.satisfies(Scope.parse(ScopeShorthand.expand(required)), admin));
    }

    @Test
    void satisfiesWhenEmptySetThenNothing() {
        assertFalse(ScopeSet.empty().satisfies(Scope.parse(ADMIN), true));
        assertFalse(ScopeSet.empty().satisfies(Scope.parse("openid"), false));
        assertThrows(NullPointerException.class, () -> ScopeSet.empty().satisfies(null, false));
    }

    @ParameterizedTest(name = "strict rejects [{0}]")
    @ValueSource(strings = {
        " ",                               // blank only
        "  ",
        " openid",                         // leading space
        "openid ",                         // trailing space
        "openid  profile",                 // doubled space
        "openid\tprofile",                 // tab is not a separator
        "openid\nprofile",                 // control character
        "openid\r\nprofile",
        "open\u0000id",
        "\"openid\"",                      // quote
        "openid\\",                        // backslash
        "open\u007Fid",                    // DEL
        "r\u00e9ad",                       // non-ASCII
        "openid\u00a0profile",             // no-break space
        "openid\u3000profile",             // ideographic space
        "\u0130",                          // Turkish dotted capital I
    })
    void parseWhenNotStrictScopeListThenThrows(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScopeSet.parse(text));
        assertTrue(e.getMessage().chars().allMatch(c -> c >= 0x20 && c < 0x7F), e.getMessage());
    }

    @ParameterizedTest(name = "strict accepts [{0}] as [{1}]")
    @CsvSource(delimiter = '|', textBlock = """
            openid                                    | openid
            openid profile                            | openid profile
            openid openid                             | openid
            b a b a                                   | b a
            offline_access urn:opc:resource:consumer::all | offline_access urn:opc:resource:consumer::all
            urn:opc:resource:consumer:::              | urn:opc:resource:consumer:::
            """)
    void parseWhenStrictScopeListThenDistinctInFirstSeenOrder(String text, String expected) {
        ScopeSet set = ScopeSet.parse(text);
        assertEquals(expected, set.toSpaceDelimited());
        assertEquals(List.copyOf(set.values()), Arrays.asList(expected.split(" ")));
        assertEquals(set, ScopeSet.parse(set.toSpaceDelimited()));
    }

    @Test
    void parseWhenEmptyThenEmptySet() {
        assertSame(ScopeSet.empty(), ScopeSet.parse(""));
        assertTrue(ScopeSet.parse("").isEmpty());
        assertEquals("", ScopeSet.empty().toSpaceDelimited());
        assertThrows(NullPointerException.class, () -> ScopeSet.parse(null));
    }

    /** The same inputs strict parsing refuses: a claim keeps every good token and drops the rest. */
    @ParameterizedTest(name = "lenient reads [{0}] as [{1}]")
    @CsvSource(delimiter = '|', quoteCharacter = '`', ignoreLeadingAndTrailingWhitespace = false, textBlock = """
            ` `|``
            `  openid`|`openid`
            `openid `|`openid`
            `openid  profile`|`openid profile`
            `openid\tprofile`|``
            `open\u0000id profile`|`profile`
            `"openid" profile`|`profile`
            `openid\\ profile`|`profile`
            `open\u007Fid profile`|`profile`
            `r\u00e9ad profile`|`profile`
            `openid openid profile`|`openid profile`
            `urn:opc:resource:consumer::: openid`|`urn:opc:resource:consumer::: openid`
            ``|``
            """)
    void fromClaimWhenOddSpacingOrBadTokensThenDropsThem(String claim, String expected) {
        // The text block turns the Java escapes of the table into the real characters.
        ScopeSet set = ScopeSet.fromClaim(claim);
        assertEquals(expected, set.toSpaceDelimited());
    }

    @Test
    void fromValuesWhenScpArrayThenDropsValuesThatAreNotOneScopeToken() {
        ScopeSet set = ScopeSet.fromValues(Arrays.asList("openid", null, "", "a b", "r\u00e9ad", "openid", "profile"));
        assertEquals("openid profile", set.toSpaceDelimited());
        assertSame(ScopeSet.empty(), ScopeSet.fromValues(List.of()));
        assertThrows(NullPointerException.class, () -> ScopeSet.fromValues(null));
        assertThrows(NullPointerException.class, () -> ScopeSet.fromClaim(null));
    }

    @Test
    void fromClaimWhenMalformedOrOfflineAccessThenKeptButGrantsNothing() {
        ScopeSet set = ScopeSet.fromClaim("offline_access urn:opc:resource:consumer:paas:::read");
        assertEquals(2, set.size());
        assertTrue(set.contains("offline_access"));
        assertFalse(set.satisfies(Scope.parse("offline_access"), false));
        assertFalse(set.satisfies(Scope.parse("urn:opc:resource:consumer:paas::read"), false));
    }

    @Test
    void containsWhenHierarchicalGrantThenOnlyExactValue() {
        ScopeSet set = ScopeSet.parse("urn:opc:resource:consumer::all");
        assertTrue(set.contains("urn:opc:resource:consumer::all"));
        assertFalse(set.contains("urn:opc:resource:consumer:paas::read"));
        assertTrue(set.satisfies(Scope.parse("urn:opc:resource:consumer:paas::read"), false));
    }

    @Test
    void equalsWhenSameScopesInAnotherOrderThenEqual() {
        assertEquals(ScopeSet.parse("a b"), ScopeSet.parse("b a"));
        assertEquals(ScopeSet.parse("a b").hashCode(), ScopeSet.parse("b a").hashCode());
        assertFalse(ScopeSet.parse("a b").equals(ScopeSet.parse("a")));
        assertEquals("b a", ScopeSet.parse("b a").toString());
    }

    @Test
    void valuesWhenModifiedThenThrows() {
        ScopeSet set = ScopeSet.parse("a b");
        assertThrows(UnsupportedOperationException.class, () -> set.values().add("c"));
        assertThrows(UnsupportedOperationException.class, () -> set.scopes().clear());
    }
}
