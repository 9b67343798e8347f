package io.scopeenforcer.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scopeenforcer.example.issuer.DemoClients;
import io.scopeenforcer.example.issuer.IntrospectionEndpoint;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code legacy-reader} demo client's opaque access tokens, checked by the filter at the development issuer's
 * RFC 7662 introspection endpoint, over real HTTP; and that endpoint's own answers.
 */
class OpaqueTokenTest {

    private final Api api = Api.shared();

    private String opaqueToken() {
        return (String) api.grant("legacy-reader", null).get("access_token");
    }

    /**
     * Method, path, then the status and the challenge's {@code error} (null: none) for legacy-reader's opaque
     * {@code urn:opc:resource:consumer:paas::read} token: {@code paas} reads open, nothing else does (docs:
     * README "Routes").
     */
    static Stream<Arguments> routes() {
        return Stream.of(
                Arguments.of("GET", "/paas/analytics/reports", 200, null),
                Arguments.of("GET", "/paas/stack/instances", 200, null),
                Arguments.of("HEAD", "/paas/stack/instances", 200, null),
                Arguments.of("POST", "/paas/analytics/reports", 403, "insufficient_scope"),
                Arguments.of("PUT", "/paas/stack/instances/i-1", 403, "insufficient_scope"),
                Arguments.of("PATCH", "/paas/stack/instances/i-1", 403, "insufficient_scope"),
                Arguments.of("DELETE", "/paas/analytics/reports", 403, "insufficient_scope"),
                Arguments.of("GET", "/v1/tenants/acme/realms/prod/applications", 403, "insufficient_scope"),
                Arguments.of("POST", "/v1/tenants/acme/realms/prod/applications", 403, "insufficient_scope"),
                Arguments.of("GET", "/v1/tenants/acme", 403, "insufficient_scope"),
                Arguments.of("GET", "/admin/v1/Users", 403, "insufficient_scope"),
                Arguments.of("DELETE", "/admin/v1/Groups/g-1", 403, "insufficient_scope"));
    }

    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @MethodSource("routes")
    void requestWhenOpaqueTokenThenIntrospectedAndEnforced(String method, String path, int status, String error) {
        String token = opaqueToken();
        assertFalse(token.contains("."), "an opaque token, not a JWT");

        HttpResponse<String> response = api.send(method, path, token,
                List.of("POST", "PUT", "PATCH").contains(method) ? "{}" : null);

        assertEquals(status, response.statusCode(), response.body());
        String challenge = Api.header(response, "WWW-Authenticate");
        assertEquals(error, challenge == null ? null : errorOf(challenge), challenge);
    }

    /** The {@code error} attribute of a Bearer challenge, or null without one. */
    private static String errorOf(String challenge) {
        int at = challenge.indexOf("error=\"");
        return at < 0 ? null : challenge.substring(at + 7, challenge.indexOf('"', at + 7));
    }

    @Test
    void requestWhenOpaqueTokenUnknownThenInvalidToken() {
        HttpResponse<String> response = api.send("GET", "/paas/analytics/reports", "2YotnFZFEjr1zCsicMWpAA", null);

        assertEquals(401, response.statusCode(), response.body());
        assertTrue(Api.header(response, "WWW-Authenticate").contains("error=\"invalid_token\""));
    }

    private HttpResponse<String> introspect(String authorization, String form) {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.base().resolve(IntrospectionEndpoint.PATH))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return Api.send(request);
    }

    @Test
    void introspectWhenResourceServerAsksThenActiveWithClaimsOrOnlyInactive() {
        String auth = Api.basic(DemoClients.INTROSPECTION_CLIENT, DemoClients.secretOf(DemoClients.INTROSPECTION_CLIENT));

        Map<String, Object> active = Api.json(introspect(auth, "token=" + Api.form(opaqueToken())));
        Map<String, Object> inactive = Api.json(introspect(auth, "token=unknown"));

        assertEquals(true, active.get("active"));
        assertEquals("legacy-reader", active.get("client_id"));
        assertEquals("urn:opc:resource:consumer:paas::read", active.get("scope"));
        assertEquals(api.base().toString(), active.get("iss"));
        assertEquals(Map.of("active", false), inactive, "an inactive answer says nothing more (RFC 7662 §2.2)");
    }

    /** Authorization header, form, then status and error. */
    static Stream<Arguments> refusedIntrospections() {
        return Stream.of(
                Arguments.of(null, "token=x", 401, "invalid_client"),
                Arguments.of(Api.basic("paas-reader", "paas-reader-secret"), "token=x", 401, "invalid_client"),
                Arguments.of(Api.basic(DemoClients.INTROSPECTION_CLIENT, "wrong"), "token=x", 401, "invalid_client"),
                Arguments.of(Api.basic(DemoClients.INTROSPECTION_CLIENT,
                        DemoClients.secretOf(DemoClients.INTROSPECTION_CLIENT)), "", 400, "invalid_request"),
                Arguments.of(Api.basic(DemoClients.INTROSPECTION_CLIENT,
                        DemoClients.secretOf(DemoClients.INTROSPECTION_CLIENT)), "token=a&token=b", 400,
                        "invalid_request"));
    }

    @ParameterizedTest(name = "[{index}] {2} {3}")
    @MethodSource("refusedIntrospections")
    void introspectWhenNotTheResourceServerOrBadFormThenRefused(String authorization, String form, int status,
            String error) {
        HttpResponse<String> response = introspect(authorization, form);

        assertEquals(status, response.statusCode(), response.body());
        assertEquals(error, Api.json(response).get("error"));
        assertEquals("no-store", Api.header(response, "Cache-Control"));
    }
}
