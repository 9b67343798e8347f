package io.scopeenforcer.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scopeenforcer.example.issuer.DemoClients;
import io.scopeenforcer.example.issuer.IntrospectionEndpoint;
import io.scopeenforcer.example.issuer.RevocationEndpoint;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The development issuer's RFC 7009 revocation endpoint, end to end: {@code legacy-reader}'s opaque token opens
 * {@code paas} reads until it is revoked, and then stops working within the filter's cache lifetime
 * ({@code introspection-cache-ttl}, set short here); the endpoint's refusals, and tokens it leaves alone.
 */
class TokenRevocationTest {

    /** The filter's longest cache lifetime for this app: how stale an introspection answer may be. */
    private static final Duration CACHE_TTL = Duration.ofSeconds(2);
    private static final String READ = "/paas/analytics/reports";
    private static final String LEGACY = DemoClients.LEGACY_READER.clientId();

    private static ExampleApp.Running app;
    private static Api api;

    @BeforeAll
    static void start() {
        app = ExampleApp.start("--port=0", "--introspection-cache-ttl=" + CACHE_TTL);
        api = new Api(app.baseUri());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void revokeWhenOpaqueTokenThenInactiveAndRefusedWithinTheCacheLifetime() throws InterruptedException {
        String token = api.token(LEGACY, null);
        assertEquals(200, api.send("GET", READ, token, null).statusCode(), "introspected, then cached");
        Instant cached = Instant.now();

        HttpResponse<String> revoked = revoke(Api.basic(LEGACY, DemoClients.secretOf(LEGACY)),
                "token=" + Api.form(token) + "&token_type_hint=access_token");

        assertEquals(200, revoked.statusCode(), revoked.body());
        assertEquals("", revoked.body(), "RFC 7009 section 2.2: the content of the answer is ignored");
        assertEquals(Map.of("active", false), introspect(token), "the issuer forgot it at once");
        // The filter may go on accepting the token from its cache until the entry ends (RFC 7662 section 4: a
        // cached answer is as stale as its lifetime; README "Development issuer"). Right after the revoke it
        // still does, as long as the entry cannot have ended yet.
        HttpResponse<String> stale = api.send("GET", READ, token, null);
        if (Duration.between(cached, Instant.now()).compareTo(CACHE_TTL.dividedBy(2)) < 0) {
            assertEquals(200, stale.statusCode(), "served from the cache, within its lifetime");
        }

        Instant deadline = cached.plus(CACHE_TTL).plusSeconds(5);
        HttpResponse<String> refused = stale;
        while (refused.statusCode() == 200 && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            refused = api.send("GET", READ, token, null);
        }

        assertEquals(401, refused.statusCode(), "refused within the cache lifetime: " + refused.body());
        assertTrue(Api.header(refused, "WWW-Authenticate").contains("error=\"invalid_token\""),
                Api.header(refused, "WWW-Authenticate"));
    }

    /**
     * One revocation request: the client's authentication, the form ({@code {token}}: a fresh legacy-reader token),
     * the status, the error (null: 200 with an empty body) and whether the token is still active afterwards.
     */
    record Revocation(String name, String authorization, String form, int status, String error, boolean active) {

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Revocation> revocations() {
        String legacy = Api.basic(LEGACY, DemoClients.secretOf(LEGACY));
        return Stream.of(
                new Revocation("own token, HTTP Basic", legacy, "token={token}", 200, null, false),
                new Revocation("own token, client_secret_post", null, "client_id=" + LEGACY + "&client_secret="
                        + DemoClients.secretOf(LEGACY) + "&token={token}", 200, null, false),
                new Revocation("own token, refresh_token hint (searched anyway)", legacy,
                        "token={token}&token_type_hint=refresh_token", 200, null, false),
                new Revocation("another client's token: 200, left alone (RFC 7009 section 2.1)",
                        Api.basic("paas-reader", "paas-reader-secret"), "token={token}", 200, null, true),
                new Revocation("unknown token", legacy, "token=2YotnFZFEjr1zCsicMWpAA", 200, null, true),
                new Revocation("bad client secret", Api.basic(LEGACY, "wrong"), "token={token}", 401,
                        "invalid_client", true),
                new Revocation("no client authentication", null, "token={token}", 401, "invalid_client", true),
                new Revocation("unknown client", Api.basic("nobody", "nobody-secret"), "token={token}", 401,
                        "invalid_client", true),
                new Revocation("no token", legacy, "token_type_hint=access_token", 400, "invalid_request", true),
                new Revocation("empty token", legacy, "token=", 400, "invalid_request", true),
                new Revocation("token twice", legacy, "token={token}&token={token}", 400, "invalid_request", true),
                new Revocation("Basic and client_secret", legacy, "client_secret=x&token={token}", 400,
                        "invalid_request", true),
                new Revocation("bad percent escape", legacy, "token=%zz", 400, "invalid_request", true));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("revocations")
    void revokeWhenRequestThenAnswerAndTokenState(Revocation row) {
        String token = api.token(LEGACY, null);

        HttpResponse<String> response = revoke(row.authorization(), row.form().replace("{token}", Api.form(token)));

        assertEquals(row.status(), response.statusCode(), response.body());
        assertEquals("no-store", Api.header(response, "Cache-Control"));
        if (row.error() == null) {
            assertEquals("", response.body());
        } else {
            assertEquals(row.error(), Api.json(response).get("error"), response.body());
        }
        assertEquals(row.active(), introspect(token).get("active"));
    }

    @Test
    void revokeWhenNotAFormPostThenRefused() {
        HttpResponse<String> json = Api.send(HttpRequest.newBuilder(api.base().resolve(RevocationEndpoint.PATH))
                .header("Content-Type", "application/json")
                .header("Authorization", Api.basic(LEGACY, DemoClients.secretOf(LEGACY)))
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"x\"}")));
        HttpResponse<String> get = Api.send(HttpRequest.newBuilder(api.base().resolve(RevocationEndpoint.PATH)));

        assertEquals(400, json.statusCode(), json.body());
        assertEquals("invalid_request", Api.json(json).get("error"));
        // policy.txt lets POST through only, like the token endpoint's: any other method meets no rule.
        assertEquals(403, get.statusCode(), get.body());
        assertEquals("no_rule", Api.json(get).get("reason"));
    }

    @Test
    void revokeWhenRefreshTokenThenRefreshRefusedAndAnotherClientCannot() {
        String scope = "urn:opc:resource:consumer:paas::read offline_access";
        String kept = (String) api.grant("paas-reader", scope).get("refresh_token");
        String ended = (String) api.grant("paas-reader", scope).get("refresh_token");
        assertNotNull(kept);

        HttpResponse<String> byOther = revoke(Api.basic(LEGACY, DemoClients.secretOf(LEGACY)),
                "token=" + Api.form(kept));
        HttpResponse<String> byOwner = revoke(Api.basic("paas-reader", "paas-reader-secret"),
                "token=" + Api.form(ended) + "&token_type_hint=refresh_token");

        assertEquals(200, byOther.statusCode(), byOther.body());
        assertEquals(200, byOwner.statusCode(), byOwner.body());
        assertEquals(200, api.tokenRequest("paas-reader", "grant_type=refresh_token&refresh_token="
                + Api.form(kept)).statusCode(), "another client's revocation left it alone");
        HttpResponse<String> refresh = api.tokenRequest("paas-reader", "grant_type=refresh_token&refresh_token="
                + Api.form(ended));
        assertEquals(400, refresh.statusCode(), refresh.body());
        assertEquals("invalid_grant", Api.json(refresh).get("error"));
    }

    @Test
    void metadataWhenFetchedThenNamesTheRevocationEndpoint() {
        for (String path : List.of("/.well-known/oauth-authorization-server", "/.well-known/openid-configuration")) {
            Map<String, Object> metadata = Api.json(api.send("GET", path, null, null));

            assertEquals(api.base() + RevocationEndpoint.PATH, metadata.get("revocation_endpoint"), path);
            assertEquals(metadata.get("token_endpoint_auth_methods_supported"),
                    metadata.get("revocation_endpoint_auth_methods_supported"), path);
        }
    }

    private static HttpResponse<String> revoke(String authorization, String form) {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.base().resolve(RevocationEndpoint.PATH))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return Api.send(request);
    }

    private static Map<String, Object> introspect(String token) {
        return Api.json(Api.send(HttpRequest.newBuilder(api.base().resolve(IntrospectionEndpoint.PATH))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", Api.basic(DemoClients.INTROSPECTION_CLIENT,
                        DemoClients.secretOf(DemoClients.INTROSPECTION_CLIENT)))
                .POST(HttpRequest.BodyPublishers.ofString("token=" + Api.form(token)))));
    }
}
