package io.scopeenforcer.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What each demo client of docs/architecture.md §12 can and cannot do, over real HTTP against the app with its development
 * issuer: status and {@code WWW-Authenticate} exactly as RFC 6750 says.
 */
class DemoClientStoriesTest {

    private static final String URN = "urn:opc:resource:consumer:";
    private static final String ACME_PROD = "/v1/tenants/acme/realms/prod";
    private static final String ACME_DEV = "/v1/tenants/acme/realms/dev";
    private static final String GLOBEX = "/v1/tenants/globex/realms/main";
    private static final String BODY = "{\"name\":\"made-by-a-test\"}";

    private final Api api = Api.shared();

    static Stream<Arguments> stories() {
        return Stream.of(
                // client | method | path | status | error in WWW-Authenticate | scope="..." in it
                Arguments.of("paas-reader", "GET", "/paas/analytics/reports", 200, null, null),
                Arguments.of("paas-reader", "HEAD", "/paas/analytics/reports", 200, null, null),
                Arguments.of("paas-reader", "GET", "/paas/stack/instances", 200, null, null),
                Arguments.of("paas-reader", "POST", "/paas/analytics/reports", 403, "insufficient_scope",
                        URN + "paas:analytics::write"),
                Arguments.of("paas-reader", "DELETE", "/paas/stack/instances/inst-3", 403, "insufficient_scope",
                        URN + "paas:stack::write"),
                Arguments.of("paas-reader", "GET", "/admin/v1/Users", 403, "insufficient_scope",
                        "urn:opc:idm:__myscopes__"),
                Arguments.of("analytics-reader", "GET", "/paas/analytics/reports/rpt-1", 200, null, null),
                Arguments.of("analytics-reader", "GET", "/paas/stack/instances", 403, "insufficient_scope",
                        URN + "paas:stack::read"),
                Arguments.of("stack-operator", "GET", "/paas/stack/instances", 200, null, null),
                Arguments.of("stack-operator", "POST", "/paas/stack/instances", 201, null, null),
                Arguments.of("stack-operator", "GET", "/paas/analytics/reports", 403, "insufficient_scope",
                        URN + "paas:analytics::read"),
                Arguments.of("stack-operator", "POST", "/paas/analytics/reports", 403, "insufficient_scope",
                        URN + "paas:analytics::write"),
                Arguments.of("account-client", "GET", "/paas/analytics/reports", 200, null, null),
                Arguments.of("account-client", "POST", "/paas/stack/instances", 201, null, null),
                // consumer::all is account-wide, and yet never opens an admin API.
                Arguments.of("account-client", "GET", "/admin/v1/Users", 403, "insufficient_scope",
                        "urn:opc:idm:__myscopes__"),
                Arguments.of("account-client", "GET", ACME_PROD + "/applications", 403, "insufficient_scope",
                        "applications:read"),
                Arguments.of("idm-admin", "GET", "/admin/v1/Users", 200, null, null),
                Arguments.of("idm-admin", "POST", "/admin/v1/Groups", 201, null, null),
                Arguments.of("idm-admin", "GET", "/paas/analytics/reports", 403, "insufficient_scope",
                        URN + "paas:analytics::read"),
                Arguments.of("acme-console", "GET", "/v1/tenants/acme", 200, null, null),
                Arguments.of("acme-console", "GET", ACME_PROD + "/applications", 200, null, null),
                Arguments.of("acme-console", "POST", ACME_PROD + "/applications", 201, null, null),
                Arguments.of("acme-console", "GET", ACME_PROD + "/groups/grp-7:listMembers", 200, null, null),
                Arguments.of("acme-console", "GET", ACME_PROD + "/identities", 200, null, null),
                Arguments.of("acme-console", "POST", ACME_PROD + "/identities", 403, "insufficient_scope",
                        "identities:create"),
                Arguments.of("acme-console", "DELETE", ACME_PROD, 403, "insufficient_scope", "realms:delete"),
                Arguments.of("acme-console", "GET", GLOBEX + "/applications", 403, "insufficient_scope", null),
                Arguments.of("acme-console", "POST", GLOBEX + "/applications", 403, "insufficient_scope", null),
                Arguments.of("acme-console", "GET", ACME_DEV + "/applications", 403, "insufficient_scope", null),
                Arguments.of("acme-auditor", "GET", ACME_DEV + "/applications", 200, null, null),
                Arguments.of("acme-auditor", "GET", ACME_PROD + "/groups", 200, null, null),
                Arguments.of("acme-auditor", "POST", ACME_DEV + "/applications", 403, "insufficient_scope",
                        "applications:create"),
                Arguments.of("acme-auditor", "GET", GLOBEX + "/applications", 403, "insufficient_scope", null),
                Arguments.of("globex-console", "GET", GLOBEX + "/applications", 200, null, null),
                Arguments.of("globex-console", "POST", GLOBEX + "/applications", 201, null, null),
                Arguments.of("globex-console", "GET", ACME_PROD + "/applications", 403, "insufficient_scope", null),
                Arguments.of("globex-console", "GET", GLOBEX + "/groups", 403, "insufficient_scope", "groups:read"));
    }

    @ParameterizedTest(name = "[{index}] {0} {1} {2} -> {3}")
    @MethodSource("stories")
    void requestWhenDemoClientCallsRouteThenStatusAndChallenge(String client, String method, String path, int status,
                                                               String error, String scope) {
        String body = method.equals("POST") ? BODY : null;
        HttpResponse<String> response = api.send(method, path, api.token(client), body);

        assertEquals(status, response.statusCode(), response.body());
        String challenge = Api.header(response, "WWW-Authenticate");
        if (error == null) {
            assertNull(challenge);
            return;
        }
        assertTrue(challenge.startsWith("Bearer "), challenge);
        assertTrue(challenge.contains("error=\"" + error + "\""), challenge);
        if (scope != null) {
            assertTrue(challenge.contains("scope=\"" + scope + "\""), challenge);
        }
        assertEquals("application/problem+json", mediaType(response));
    }

    @Test
    void requestWhenNoTokenThenBearerChallengeWithoutError() {
        HttpResponse<String> response = api.send("GET", "/paas/analytics/reports", null, null);

        assertEquals(401, response.statusCode());
        String challenge = Api.header(response, "WWW-Authenticate");
        assertTrue(challenge.startsWith("Bearer realm=\"scope-enforcer-example\""), challenge);
        assertTrue(challenge.contains("resource_metadata=\"" + api.base()
                + "/.well-known/oauth-protected-resource\""), challenge);
        assertFalse(challenge.contains("error="), challenge);
    }

    @Test
    void requestWhenGarbageTokenThenInvalidToken() {
        HttpResponse<String> response = api.send("GET", "/paas/analytics/reports", "not.a.token", null);

        assertEquals(401, response.statusCode());
        String challenge = Api.header(response, "WWW-Authenticate");
        assertTrue(challenge.startsWith("Bearer "), challenge);
        assertTrue(challenge.contains("error=\"invalid_token\""), challenge);
        assertFalse(response.body().contains("not.a.token"), "the token is never echoed");
    }

    @Test
    void listWhenTenantBoundClientReadsThenOnlyItsTenantAndRealm() {
        String acmeProd = api.send("GET", ACME_PROD + "/applications", api.token("acme-console"), null).body();
        String acmeDev = api.send("GET", ACME_DEV + "/applications", api.token("acme-auditor"), null).body();
        String globex = api.send("GET", GLOBEX + "/applications", api.token("globex-console"), null).body();

        assertTrue(acmeProd.contains("\"payroll\"") && acmeProd.contains("\"crm\""), acmeProd);
        assertFalse(acmeProd.contains("payroll-dev") || acmeProd.contains("\"erp\""), acmeProd);
        assertTrue(acmeDev.contains("payroll-dev") && !acmeDev.contains("\"crm\""), acmeDev);
        assertTrue(globex.contains("\"erp\"") && !globex.contains("payroll"), globex);
    }

    @Test
    void requestWhenPublicRoutesThenNoTokenNeeded() {
        assertEquals(200, api.send("GET", "/health", null, null).statusCode());
        assertEquals(200, api.send("GET", "/.well-known/jwks.json", null, null).statusCode());
        assertEquals(200, api.send("GET", "/.well-known/oauth-authorization-server", null, null).statusCode());
        HttpResponse<String> metadata = api.send("GET", "/.well-known/oauth-protected-resource", null, null);
        assertEquals(200, metadata.statusCode());
        assertEquals(api.base().toString(), Api.json(metadata).get("resource"));
    }

    @Test
    void requestWhenNoRuleMatchesThenDenied() {
        HttpResponse<String> response = api.send("GET", "/paas/billing/invoices", api.token("account-client"), null);

        assertEquals(403, response.statusCode());
    }

    private static String mediaType(HttpResponse<String> response) {
        return Api.mediaType(Api.header(response, "Content-Type"));
    }
}
