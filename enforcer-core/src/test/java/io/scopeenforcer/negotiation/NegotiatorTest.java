package io.scopeenforcer.negotiation;

import static io.scopeenforcer.negotiation.DemoClients.NEGOTIATOR;
import static io.scopeenforcer.negotiation.DemoClients.audiences;
import static io.scopeenforcer.negotiation.DemoClients.client;
import static io.scopeenforcer.negotiation.DemoClients.expand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scopeenforcer.negotiation.NegotiationResult.Granted;
import io.scopeenforcer.negotiation.NegotiationResult.Refused;
import io.scopeenforcer.scope.ScopeSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/architecture.md §6 with the demo clients and catalog of §12. Table shorthands: {@code C:} is
 * {@code urn:opc:resource:consumer:}, {@code ADMIN} the admin scope, {@code ACCOUNT} and {@code RS} the two
 * audiences.
 */
class NegotiatorTest {

    @ParameterizedTest(name = "{0} asks [{1}] -> [{2}] aud [{3}] refresh {4}")
    @CsvSource(delimiter = '|', textBlock = """
            # account mode: consumer::all alone, or any specific URN consumer scope of the catalog
            account-client   | C::all                                    | C::all                                   | ACCOUNT    | false
            account-client   | C::all offline_access                     | C::all offline_access                    | ACCOUNT    | true
            account-client   | offline_access C::all                     | offline_access C::all                    | ACCOUNT    | true
            account-client   | C::all C::all                             | C::all                                   | ACCOUNT    | false
            account-client   | C:paas:stack::read                        | C:paas:stack::read                       | ACCOUNT    | false
            account-client   | C:paas::read C:paas:stack::write          | C:paas::read C:paas:stack::write         | ACCOUNT    | false
            account-client   | C:paas::all offline_access                | C:paas::all offline_access               | ACCOUNT    | true
            # hierarchy: paas::read allows paas::read and paas:analytics::read
            paas-reader      | C:paas::read                              | C:paas::read                             | ACCOUNT    | false
            paas-reader      | C:paas:analytics::read                    | C:paas:analytics::read                   | ACCOUNT    | false
            paas-reader      | C:paas:stack::read offline_access         | C:paas:stack::read offline_access        | ACCOUNT    | true
            paas-reader      | C:paas:analytics::read C:paas:stack::read | C:paas:analytics::read C:paas:stack::read | ACCOUNT   | false
            # paas:stack::all allows paas:stack::read and paas:stack::write
            stack-operator   | C:paas:stack::read                        | C:paas:stack::read                       | ACCOUNT    | false
            stack-operator   | C:paas:stack::write                       | C:paas:stack::write                      | ACCOUNT    | false
            stack-operator   | C:paas:stack::all                         | C:paas:stack::all                        | ACCOUNT    | false
            stack-operator   | C:paas:stack::read C:paas:stack::write    | C:paas:stack::read C:paas:stack::write   | ACCOUNT    | false
            analytics-reader | C:paas:analytics::read                    | C:paas:analytics::read                   | ACCOUNT    | false
            # the admin scope is for the resource server's audience
            idm-admin        | ADMIN                                     | ADMIN                                    | RS         | false
            # resource:action scopes, matched exactly; duplicates collapse, request order kept
            acme-console     | applications:read                         | applications:read                        | RS         | false
            acme-console     | applications:read applications:create     | applications:read applications:create    | RS         | false
            acme-console     | groups:update identities:read offline_access | groups:update identities:read offline_access | RS | true
            acme-console     | identities:read groups:update             | identities:read groups:update            | RS         | false
            acme-auditor     | applications:read groups:read identities:read | applications:read groups:read identities:read | RS | false
            globex-console   | applications:create                       | applications:create                      | RS         | false
            globex-console   | applications:read applications:read       | applications:read                        | RS         | false
            # both families: both audiences, account first
            mixed-client     | C:paas::read applications:read            | C:paas::read applications:read           | ACCOUNT RS | false
            mixed-client     | applications:read C:paas:stack::read      | applications:read C:paas:stack::read     | ACCOUNT RS | false
            mixed-client     | applications:read offline_access          | applications:read offline_access         | RS         | true
            """)
    void negotiateWhenAllowedRequestThenGranted(String clientId, String request, String scopes, String audiences,
                                                boolean refresh) {
        Granted granted = assertInstanceOf(Granted.class, NEGOTIATOR.negotiate(expand(request), client(clientId)));
        assertEquals(expand(scopes), granted.scopes().toSpaceDelimited());
        assertEquals(audiences(audiences), granted.audiences());
        assertEquals(refresh, granted.refreshToken());
    }

    /** {@code names} must appear in the description: the scope, or why. */
    @ParameterizedTest(name = "{0} asks [{1}] -> invalid_scope naming [{2}]")
    @CsvSource(delimiter = '|', textBlock = """
            # consumer::all with anything but offline_access
            account-client   | C::all C:paas::read                 | only offline_access may accompany it
            account-client   | C:paas::read C::all                 | only offline_access may accompany it
            account-client   | C::all applications:read            | 'applications:read'
            account-client   | C::all offline_access ADMIN         | only offline_access may accompany it
            # consumer::all never reaches the admin scope or resource:action scopes
            account-client   | ADMIN                               | 'urn:opc:idm:__myscopes__' is not allowed
            account-client   | applications:read                   | 'applications:read' is not allowed
            # not in the catalog, even where the hierarchy would allow it
            account-client   | C:paas:other::read                  | unknown scope: 'urn:opc:resource:consumer:paas:other::re...'
            account-client   | C::read                             | unknown scope
            account-client   | C:paasx::read                       | unknown scope
            paas-reader      | C:paas:analytics:x::read            | unknown scope
            acme-console     | applications:admin                  | unknown scope: 'applications:admin'
            acme-console     | Applications:read                   | unknown scope: 'Applications:read'
            acme-console     | openid                              | unknown scope: 'openid'
            # in the catalog, not allowed: a child never grants its parent, qualifiers differ, segment-wise
            paas-reader      | C:paas::write                       | 'urn:opc:resource:consumer:paas::write' is not allowed
            paas-reader      | C:paas:analytics::write             | is not allowed
            paas-reader      | C:paas::all                         | is not allowed
            paas-reader      | C::all                              | 'urn:opc:resource:consumer::all' is not allowed
            stack-operator   | C:paas::read                        | 'urn:opc:resource:consumer:paas::read' is not allowed
            stack-operator   | C:paas:analytics::read              | is not allowed
            analytics-reader | C:paas::read                        | is not allowed
            analytics-reader | C:paas:analytics::write             | is not allowed
            analytics-reader | C:paas:analytics::all               | is not allowed
            idm-admin        | C::all                              | is not allowed
            idm-admin        | applications:read                   | is not allowed
            acme-console     | roles:read                          | 'roles:read' is not allowed
            acme-console     | tenants:update                      | 'tenants:update' is not allowed
            acme-console     | applications:read applications:admin groups:delete | unknown scope: 'applications:admin'
            acme-console     | applications:read groups:delete applications:admin | 'groups:delete' is not allowed
            acme-auditor     | applications:create                 | 'applications:create' is not allowed
            globex-console   | applications:delete                 | 'applications:delete' is not allowed
            globex-console   | applications:read groups:read       | 'groups:read' is not allowed
            # offline_access: only for clients allowed refresh tokens, and never alone
            stack-operator   | C:paas:stack::read offline_access   | offline_access is not allowed
            analytics-reader | C:paas:analytics::read offline_access | offline_access is not allowed
            idm-admin        | ADMIN offline_access                | offline_access is not allowed
            acme-auditor     | applications:read offline_access    | offline_access is not allowed
            globex-console   | offline_access applications:read    | offline_access is not allowed
            account-client   | offline_access                      | offline_access alone grants nothing
            acme-console     | offline_access offline_access       | offline_access alone grants nothing
            # malformed URN consumer scopes are never grantable, even to consumer::all
            account-client   | C:paas:::read                       | malformed URN consumer scope
            account-client   | urn:opc:resource:consumer           | malformed URN consumer scope
            account-client   | C:                                  | malformed URN consumer scope
            account-client   | C::                                 | malformed URN consumer scope
            account-client   | C:::                                | malformed URN consumer scope
            account-client   | C:paas::read:                       | malformed URN consumer scope
            account-client   | C:paas                              | malformed URN consumer scope
            paas-reader      | C:paas::read C:paas:::read          | malformed URN consumer scope
            """)
    void negotiateWhenRequestNotAllowedThenInvalidScope(String clientId, String request, String names) {
        Refused refused = assertInstanceOf(Refused.class, NEGOTIATOR.negotiate(expand(request), client(clientId)));
        assertEquals("invalid_scope", refused.error());
        assertTrue(refused.description().contains(expand(names)), refused.description());
        assertRfc6749Description(refused.description());
    }

    /** RFC 6749 §3.3: scope = scope-token *( SP scope-token ), scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
    @ParameterizedTest(name = "[{0}] -> invalid_scope")
    @ValueSource(strings = {
        " ",
        " applications:read",
        "applications:read ",
        "applications:read  applications:create",
        "applications:read\tapplications:create",
        "applications:read\napplications:create",
        "applications:read\r\nX-Injected: 1",
        "applications:\"read\"",
        "applications:read\\",
        "applications:read\u007F",
        "applications:r\u00e9ad",
        "applications:read\u00a0",
        "applicat\u0130ons:read",
        "applications:read\u0000",
    })
    void negotiateWhenNotStrictScopeListThenInvalidScope(String request) {
        Refused refused = assertInstanceOf(Refused.class, NEGOTIATOR.negotiate(request, client("acme-console")));
        assertEquals("invalid_scope", refused.error());
        assertRfc6749Description(refused.description());
    }

    @Test
    void negotiateWhenLongHostileTokenThenDescriptionQuotesShortSanitizedFragment() {
        String hostile = "applications:read " + "x".repeat(10_000) + "\"\\\r\n<script>";
        Refused refused = assertInstanceOf(Refused.class, NEGOTIATOR.negotiate(hostile, client("acme-console")));
        assertEquals("invalid_scope", refused.error());
        assertTrue(refused.description().length() < 120, refused.description());
        assertFalse(refused.description().contains("script"), refused.description());
        assertRfc6749Description(refused.description());

        String unknown = "y".repeat(5_000);
        refused = assertInstanceOf(Refused.class, NEGOTIATOR.negotiate(unknown, client("acme-console")));
        assertTrue(refused.description().length() < 120, refused.description());
        assertTrue(refused.description().startsWith("unknown scope: 'yyyy"), refused.description());
    }

    /** Empty or absent request: the client's default scopes, through the same rules as a request. */
    @ParameterizedTest(name = "{0} asks nothing -> [{1}]")
    @CsvSource(delimiter = '|', textBlock = """
            paas-reader      | C:paas::read aud ACCOUNT
            stack-operator   | C:paas:stack::read aud ACCOUNT
            acme-console     | applications:read offline_access aud RS refresh
            acme-auditor     | applications:read groups:read identities:read aud RS
            account-client   | invalid_scope: no scope requested and the client has no default scopes
            analytics-reader | invalid_scope: no scope requested and the client has no default scopes
            idm-admin        | invalid_scope: no scope requested and the client has no default scopes
            globex-console   | invalid_scope: no scope requested and the client has no default scopes
            stale-defaults   | invalid_scope: unknown scope: 'legacy:read'
            """)
    void negotiateWhenNoScopeRequestedThenDefaultScopes(String clientId, String expected) {
        for (String request : new String[] {null, ""}) {
            NegotiationResult result = NEGOTIATOR.negotiate(request, client(clientId));
            assertEquals(expand(expected), describe(result));
            assertEquals(describe(result), describe(NEGOTIATOR.negotiate(request, client(clientId),
                    client(clientId).allowedScopes())));
        }
    }

    /**
     * authorization_code: the user's scopes (roles) drop what the user is not authorized for, hierarchically;
     * the grant says what is left; nothing left -> access_denied. Errors in the request itself stay
     * invalid_scope.
     */
    @ParameterizedTest(name = "{0} asks [{1}] for a user with [{2}] -> [{3}]")
    @CsvSource(delimiter = '|', textBlock = """
            paas-reader      | C:paas::read C:paas:analytics::read     | C:paas:analytics::read    | C:paas:analytics::read aud ACCOUNT
            paas-reader      | C:paas::read C:paas:analytics::read     | C:paas::read              | C:paas::read C:paas:analytics::read aud ACCOUNT
            paas-reader      | C:paas::read C:paas:analytics::read     | C::all                    | C:paas::read C:paas:analytics::read aud ACCOUNT
            paas-reader      | C:paas::read C:paas:analytics::read     | C:paas::all               | C:paas::read C:paas:analytics::read aud ACCOUNT
            paas-reader      | C:paas::read                            | C:paas:analytics::read    | access_denied
            paas-reader      | C:paas::read                            | C:paas::write             | access_denied
            paas-reader      | C:paas::read                            | C:paasx::read             | access_denied
            paas-reader      | C:paas::read offline_access             | C:paas:stack::read        | access_denied
            paas-reader      | C:paas:stack::read offline_access       | C:paas:stack::all         | C:paas:stack::read offline_access aud ACCOUNT refresh
            account-client   | C::all                                  | C:paas::read              | access_denied
            account-client   | C::all offline_access                   | C::all                    | C::all offline_access aud ACCOUNT refresh
            account-client   | C:paas:stack::write C:paas::read        | C:paas:stack::all         | C:paas:stack::write aud ACCOUNT
            stack-operator   | C:paas:stack::read C:paas:stack::write  | C:paas:stack::read applications:read | C:paas:stack::read aud ACCOUNT
            idm-admin        | ADMIN                                   | C::all                    | access_denied
            idm-admin        | ADMIN                                   | ADMIN                     | ADMIN aud RS
            acme-console     | applications:read applications:create offline_access | applications:read | applications:read offline_access aud RS refresh
            acme-console     | applications:create                     | applications:read         | access_denied
            acme-console     | groups:read offline_access              | applications:read         | access_denied
            acme-console     | applications:read                       | -                         | access_denied
            acme-console     | -                                       | applications:read         | applications:read offline_access aud RS refresh
            acme-console     | -                                       | groups:read               | access_denied
            mixed-client     | C:paas::read applications:read          | applications:read         | applications:read aud RS
            mixed-client     | C:paas::read applications:read          | C:paas::read              | C:paas::read aud ACCOUNT
            mixed-client     | C:paas::read applications:read          | C::all applications:read  | C:paas::read applications:read aud ACCOUNT RS
            # the request itself is wrong: invalid_scope, whatever the user may do
            acme-console     | applications:admin                      | applications:admin        | invalid_scope: unknown scope: 'applications:admin'
            acme-console     | roles:read                              | roles:read                | invalid_scope: scope 'roles:read' is not allowed for this client
            acme-auditor     | applications:read offline_access        | applications:read         | invalid_scope: offline_access is not allowed: this client may not have refresh tokens
            account-client   | C::all C:paas::read                     | C::all                    | invalid_scope: urn:opc:resource:consumer::all cannot be requested with 'urn:opc:resource:consumer:paas::read'; only offline_access may accompany it
            """)
    void negotiateWhenUserThenDownscopedToWhatTheUserMayDo(String clientId, String request, String user,
                                                          String expected) {
        String requested = request.equals("-") ? null : expand(request);
        ScopeSet userScopes = user.equals("-") ? ScopeSet.empty() : ScopeSet.parse(expand(user));
        NegotiationResult result = NEGOTIATOR.negotiate(requested, client(clientId), userScopes);
        assertEquals(expand(expected), describe(result));
        if (result instanceof Refused refused) {
            assertRfc6749Description(refused.description());
        }
    }

    @Test
    void negotiateWhenUserHasMalformedOrOfflineScopesThenTheyAuthorizeNothing() {
        ScopeSet user = io.scopeenforcer.internal.ScopeAccess.scopes().fromClaim("urn:opc:resource:consumer:paas:::read offline_access");
        NegotiationResult result = NEGOTIATOR.negotiate("urn:opc:resource:consumer:paas::read offline_access",
                client("paas-reader"), user);
        assertEquals("access_denied", ((Refused) result).error());
    }

    @Test
    void negotiateWhenNullArgumentsThenThrowsNpe() {
        assertThrows(NullPointerException.class, () -> NEGOTIATOR.negotiate("openid", null));
        assertThrows(NullPointerException.class, () -> NEGOTIATOR.negotiate("openid", null, ScopeSet.empty()));
        assertThrows(NullPointerException.class, () -> NEGOTIATOR.negotiate("openid", client("idm-admin"), null));
    }

    @Test
    void negotiateWhenCatalogHasOnlyConsumerScopesThenNoResourceServerAudienceNeeded() {
        Negotiator consumerOnly = Negotiator.newBuilder()
                .catalog(ScopeSet.parse("urn:opc:resource:consumer::all urn:opc:resource:consumer:paas::read"
                        + " offline_access"))
                .build();
        Granted granted = assertInstanceOf(Granted.class, consumerOnly.negotiate(
                "urn:opc:resource:consumer:paas::read offline_access", client("account-client")));
        assertEquals(List.of(Negotiator.ACCOUNT_AUDIENCE), granted.audiences());
        assertTrue(granted.refreshToken());
    }

    @Test
    void negotiateWhenCatalogLacksOfflineAccessThenNoRefreshTokenForAnyone() {
        Negotiator noRefresh = Negotiator.newBuilder()
                .catalog(ScopeSet.parse("urn:opc:resource:consumer::all"))
                .build();
        Refused refused = assertInstanceOf(Refused.class,
                noRefresh.negotiate("urn:opc:resource:consumer::all offline_access", client("account-client")));
        assertEquals("unknown scope: 'offline_access'", refused.description());
    }

    @Test
    void grantedWhenModifiedThenImmutable() {
        Granted granted = (Granted) NEGOTIATOR.negotiate("applications:read", client("acme-console"));
        assertThrows(UnsupportedOperationException.class, () -> granted.audiences().add("x"));
        assertThrows(UnsupportedOperationException.class, () -> granted.scopes().values().add("x"));
    }

    @ParameterizedTest(name = "Refused rejects error [{0}]")
    @ValueSource(strings = {"invalid_request", "INVALID_SCOPE", "server_error", ""})
    void refusedWhenUnknownErrorCodeThenThrows(String error) {
        assertThrows(IllegalArgumentException.class, () -> new Refused(error, "x"));
    }

    @Test
    void grantedWhenEmptyThenThrows() {
        assertThrows(IllegalArgumentException.class, () -> new Granted(ScopeSet.empty(), List.of("a"), false));
        assertThrows(IllegalArgumentException.class,
                () -> new Granted(ScopeSet.parse("openid"), List.of(), false));
        assertThrows(NullPointerException.class, () -> new Granted(null, List.of("a"), false));
        assertThrows(NullPointerException.class, () -> new Refused(null, "x"));
        assertThrows(NullPointerException.class, () -> new Refused("invalid_scope", null));
    }

    /** One line per result, for the tables. */
    private static String describe(NegotiationResult result) {
        if (result instanceof Refused refused) {
            return refused.error().equals("access_denied")
                    ? "access_denied"
                    : refused.error() + ": " + refused.description();
        }
        Granted granted = (Granted) result;
        StringBuilder out = new StringBuilder(granted.scopes().toSpaceDelimited()).append(" aud");
        for (String audience : granted.audiences()) {
            out.append(' ').append(audience.equals(Negotiator.ACCOUNT_AUDIENCE) ? "ACCOUNT" : "RS");
        }
        return out.append(granted.refreshToken() ? " refresh" : "").toString();
    }

    /** RFC 6749 §5.2: error_description is %x20-21 / %x23-5B / %x5D-7E; and it stays short. */
    private static void assertRfc6749Description(String description) {
        assertTrue(description.chars().allMatch(c -> c == 0x20 || c == 0x21 || (c >= 0x23 && c <= 0x5B)
                || (c >= 0x5D && c <= 0x7E)), description);
        assertTrue(description.length() <= 160, description);
    }
}
