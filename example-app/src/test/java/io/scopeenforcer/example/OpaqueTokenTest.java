package io.scopeenforcer.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scopeenforcer.example.issuer.DemoClients;
import io.scopeenforcer.example.issuer.IntrospectionEndpoint;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

    /** Method, path, then the status for legacy-reader's paas read token. */
    static Stream<Arguments> routes() {
        return Stream.of(
                Arguments.of("GET", "/paas/analytics/reports", 200),
                Arguments.of("GET", "/paas/stack/instances", 200),
                Arguments.of("DELETE", "/paas/analytics/reports", 403));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("routes")
    void requestWhenOpaqueTokenThenIntrospectedAndEnforced(String method, String path, int status) {
        String token = opaqueToken();
        assertFalse(token.contains("."), "an opaque token, not a JWT");

        HttpResponse<String> response = api.send(method, path, token, null);

        assertEquals(status, response.statusCode(), response.body());
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
