package io.scopeenforcer.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.scopeenforcer.example.issuer.DemoClients;
import io.scopeenforcer.example.issuer.TokenEndpoint;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The development issuer's token endpoint, JWKS and metadata (docs/architecture.md §6, §12; RFC 6749, RFC 8414). */
class TokenEndpointTest {

    private static final String PAAS_READ = "urn:opc:resource:consumer:paas::read";
    private static final String FORM = "application/x-www-form-urlencoded";

    private final Api api = Api.shared();

    /** A token request: the Authorization header (or null), the Content-Type (or null), path suffix and body. */
    private record Request(String authorization, String contentType, String query, String body) {
    }

    private static Request basic(String client, String body) {
        return new Request(Api.basic(client, DemoClients.secretOf(client)), FORM, "", body);
    }

    private static Request plain(String body) {
        return new Request(null, FORM, "", body);
    }

    static Stream<Arguments> errors() {
        String cc = "grant_type=client_credentials";
        String paasReader = "client_id=paas-reader&client_secret=paas-reader-secret";
        return Stream.of(
                // why | request | status | error
                Arguments.of("JSON body", new Request(Api.basic("paas-reader", "paas-reader-secret"),
                        "application/json", "", "{\"grant_type\":\"client_credentials\"}"), 400, "invalid_request"),
                Arguments.of("no content type", new Request(Api.basic("paas-reader", "paas-reader-secret"), null, "",
                        cc), 400, "invalid_request"),
                Arguments.of("parameters in the query string", new Request(null, FORM, "?" + paasReader, cc),
                        400, "invalid_request"),
                Arguments.of("grant_type twice", basic("paas-reader", cc + "&" + cc), 400, "invalid_request"),
                Arguments.of("scope twice", basic("paas-reader", cc + "&scope=" + PAAS_READ + "&scope=" + PAAS_READ),
                        400, "invalid_request"),
                Arguments.of("client_secret twice", plain(cc + "&" + paasReader + "&client_secret=x"),
                        400, "invalid_request"),
                Arguments.of("Basic and client_secret", basic("paas-reader", cc + "&client_secret=paas-reader-secret"),
                        400, "invalid_request"),
                Arguments.of("Basic and another client_id", basic("paas-reader", cc + "&client_id=idm-admin"),
                        400, "invalid_request"),
                Arguments.of("no client authentication", plain(cc), 401, "invalid_client"),
                Arguments.of("client_id without secret", plain(cc + "&client_id=paas-reader"), 401, "invalid_client"),
                Arguments.of("wrong secret, Basic", new Request(Api.basic("paas-reader", "idm-admin-secret"), FORM,
                        "", cc), 401, "invalid_client"),
                Arguments.of("wrong secret, form", plain(cc + "&client_id=paas-reader&client_secret=paas-reader"),
                        401, "invalid_client"),
                Arguments.of("unknown client", new Request(Api.basic("mallory", "mallory-secret"), FORM, "", cc),
                        401, "invalid_client"),
                Arguments.of("Basic not base64", new Request("Basic %%%", FORM, "", cc), 401, "invalid_client"),
                Arguments.of("Basic without colon", new Request("Basic cGFhcy1yZWFkZXI=", FORM, "", cc),
                        401, "invalid_client"),
                Arguments.of("Bearer scheme", new Request("Bearer abc", FORM, "", cc), 401, "invalid_client"),
                Arguments.of("no grant_type", basic("paas-reader", "scope=" + PAAS_READ), 400, "invalid_request"),
                Arguments.of("empty grant_type", basic("paas-reader", "grant_type="), 400, "invalid_request"),
                Arguments.of("password grant", basic("paas-reader", "grant_type=password&username=a&password=b"),
                        400, "unsupported_grant_type"),
                Arguments.of("authorization_code grant, client_credentials client",
                        basic("paas-reader", "grant_type=authorization_code&code=x"), 400, "unauthorized_client"),
                Arguments.of("refresh without refresh_token", basic("paas-reader", "grant_type=refresh_token"),
                        400, "invalid_request"),
                Arguments.of("unknown refresh_token", basic("paas-reader", "grant_type=refresh_token&refresh_token=x"),
                        400, "invalid_grant"),
                Arguments.of("unknown scope", basic("paas-reader", cc + "&scope=photos:read"), 400, "invalid_scope"),
                Arguments.of("scope beyond the client", basic("paas-reader", cc + "&scope="
                        + Api.form("urn:opc:resource:consumer:paas::write")), 400, "invalid_scope"),
                Arguments.of("consumer::all with another scope", basic("account-client", cc + "&scope="
                        + Api.form("urn:opc:resource:consumer::all " + PAAS_READ)), 400, "invalid_scope"),
                Arguments.of("offline_access without refresh tokens", basic("stack-operator", cc + "&scope="
                        + Api.form("urn:opc:resource:consumer:paas:stack::all offline_access")), 400, "invalid_scope"),
                Arguments.of("admin scope for a tenant client", basic("acme-console", cc + "&scope="
                        + Api.form("urn:opc:idm:__myscopes__")), 400, "invalid_scope"),
                Arguments.of("doubled space in scope", basic("paas-reader", cc + "&scope="
                        + Api.form(PAAS_READ + "  offline_access")), 400, "invalid_scope"));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {2} {3}")
    @MethodSource("errors")
    void tokenWhenRequestWrongThenRfc6749Error(String why, Request request, int status, String error) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(api.base().resolve(TokenEndpoint.PATH + request.query()))
                .POST(HttpRequest.BodyPublishers.ofString(request.body()));
        if (request.authorization() != null) {
            builder.header("Authorization", request.authorization());
        }
        if (request.contentType() != null) {
            builder.header("Content-Type", request.contentType());
        }
        HttpResponse<String> response = Api.send(builder);

        assertEquals(status, response.statusCode(), response.body());
        Map<String, Object> body = Api.json(response);
        assertEquals(error, body.get("error"));
        String description = (String) body.get("error_description");
        // RFC 6749 §5.2: error_description is %x20-21 / %x23-5B / %x5D-7E.
        assertTrue(description.chars().allMatch(c -> c >= 0x20 && c <= 0x7E && c != '"' && c != '\\'), description);
        assertEquals("no-store", Api.header(response, "Cache-Control"));
        assertEquals("application/json", Api.mediaType(Api.header(response, "Content-Type")));
        if (status == 401) {
            assertEquals("Basic realm=\"" + TokenEndpoint.BASIC_REALM + "\"", Api.header(response, "WWW-Authenticate"));
        }
        assertFalse(response.body().contains("-secret"), "a secret is never echoed");
    }

    static Stream<Arguments> malformedBodies() {
        String cc = "grant_type=client_credentials";
        String manyKeys = String.join("&", java.util.stream.IntStream.range(0, 2000).mapToObj(i -> "k" + i + "=v")
                .toList());
        return Stream.of(
                // why | content type | body | error_description
                Arguments.of("bad percent escape", FORM, "a=%ZZ&" + cc,
                        "the body has a % not followed by two hex digits"),
                Arguments.of("percent at the end", FORM, cc + "&a=%", "the body has a % not followed by two hex digits"),
                Arguments.of("percent with one digit", FORM, cc + "&a=%4", "the body has a % not followed by two hex digits"),
                Arguments.of("escape that is not UTF-8", FORM, cc + "&scope=%C3", "the body is not UTF-8 once percent-decoded"),
                Arguments.of("overlong UTF-8", FORM, cc + "&scope=%C0%AF", "the body is not UTF-8 once percent-decoded"),
                Arguments.of("300 KB body", FORM, cc + "&scope=" + "x".repeat(300 * 1024), "the body is over 8192 bytes"),
                // 2,000 keys are more bytes than the limit allows; 17 short ones are within it but too many.
                Arguments.of("2000 keys", FORM, manyKeys, "the body is over 8192 bytes"),
                Arguments.of("17 keys", FORM, cc + "&a=1".repeat(16), "the body has more than 16 parameters"),
                Arguments.of("charset=bogus", FORM + "; charset=bogus", cc,
                        "a form body is UTF-8; the charset parameter names another"),
                Arguments.of("charset=$$", FORM + "; charset=$$", cc,
                        "a form body is UTF-8; the charset parameter names another"),
                Arguments.of("charset=iso-8859-1", FORM + ";charset=iso-8859-1", cc,
                        "a form body is UTF-8; the charset parameter names another"),
                Arguments.of("JSON with charset=bogus", "application/json; charset=bogus", "{}",
                        "the body must be application/x-www-form-urlencoded (RFC 6749 section 3.2)"),
                Arguments.of("text/plain with charset=$$", "text/plain; charset=$$", cc,
                        "the body must be application/x-www-form-urlencoded (RFC 6749 section 3.2)"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("malformedBodies")
    void tokenWhenBodyMalformedThenInvalidRequestJson(String why, String contentType, String body, String description) {
        HttpResponse<String> response = Api.send(HttpRequest.newBuilder(api.base().resolve(TokenEndpoint.PATH))
                .header("Authorization", Api.basic("paas-reader", "paas-reader-secret"))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));

        assertEquals(400, response.statusCode(), response.body());
        assertEquals("application/json", Api.mediaType(Api.header(response, "Content-Type")));
        assertEquals(Map.of("error", "invalid_request", "error_description", description), Api.json(response));
        assertEquals("no-store", Api.header(response, "Cache-Control"));
    }

    @Test
    void tokenWhenFormBodyHasPlusEmptyPairsAndEscapesThenDecodedAsUtf8() {
        HttpResponse<String> response = api.tokenRequest("paas-reader",
                "&&grant_type=client%5Fcredentials&&scope=urn%3Aopc%3Aresource%3Aconsumer%3Apaas%3A%3Aread+offline_access&");

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(PAAS_READ + " offline_access", Api.json(response).get("scope"));
    }

    @Test
    void tokenWhenClientCredentialsThenAtJwtWithClaimsOfDesign7() throws Exception {
        HttpResponse<String> response = api.tokenRequest("acme-auditor", "grant_type=client_credentials");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("no-store", Api.header(response, "Cache-Control"));
        Map<String, Object> body = Api.json(response);
        assertEquals("Bearer", body.get("token_type"));
        assertEquals(300L, ((Number) body.get("expires_in")).longValue());
        assertEquals("applications:read groups:read identities:read", body.get("scope"));
        assertNull(body.get("refresh_token"));

        SignedJWT jwt = SignedJWT.parse((String) body.get("access_token"));
        JWKSet keys = JWKSet.parse(api.send("GET", "/.well-known/jwks.json", null, null).body());
        ECKey key = (ECKey) keys.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertNotNull(key, "the token's kid is in the JWKS");
        assertTrue(jwt.verify(new ECDSAVerifier(key)));
        assertEquals(new JOSEObjectType("at+jwt"), jwt.getHeader().getType());
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertEquals(api.base().toString(), claims.getIssuer());
        assertEquals("acme-auditor", claims.getSubject());
        assertEquals("acme-auditor", claims.getStringClaim("client_id"));
        assertEquals(List.of(api.base().toString()), claims.getAudience());
        assertEquals(List.of(api.base().toString()), jwt.getPayload().toJSONObject().get("aud"), "aud is an array");
        assertEquals(claims.getIssueTime(), claims.getNotBeforeTime());
        assertEquals(Duration.ofSeconds(300).toMillis(),
                claims.getExpirationTime().getTime() - claims.getIssueTime().getTime());
        assertNotNull(claims.getJWTID());
        assertEquals("applications:read groups:read identities:read", claims.getStringClaim("scope"));
        assertEquals("acme", claims.getStringClaim("bi_t"));
        assertEquals("*", claims.getStringClaim("bi_r"));
    }

    static Stream<Arguments> audiences() {
        return Stream.of(
                // client | requested scope | expected aud (BASE = the app's URL)
                Arguments.of("paas-reader", null, List.of("urn:opc:resource:scope:account")),
                Arguments.of("account-client", "urn:opc:resource:consumer:paas:analytics::write",
                        List.of("urn:opc:resource:scope:account")),
                Arguments.of("idm-admin", null, List.of("BASE")),
                Arguments.of("globex-console", "applications:read", List.of("BASE")));
    }

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @MethodSource("audiences")
    void tokenWhenScopesGrantedThenAudienceChosenByNegotiator(String client, String scope, List<String> audience)
            throws Exception {
        SignedJWT jwt = SignedJWT.parse(api.token(client, scope));

        List<String> expected = audience.stream().map(a -> a.replace("BASE", api.base().toString())).toList();
        assertEquals(expected, jwt.getPayload().toJSONObject().get("aud"), "an array, even of one");
    }

    @Test
    void tokenWhenFormAuthenticationThenSameAsBasic() {
        HttpResponse<String> response = api.tokenRequest(null,
                "grant_type=client_credentials&client_id=paas-reader&client_secret=paas-reader-secret");

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(PAAS_READ, Api.json(response).get("scope"));
    }

    @Test
    void refreshWhenUsedThenRotatedAndReplayRevokesTheChain() {
        Map<String, Object> first = api.grant("paas-reader", PAAS_READ + " offline_access");
        String refresh1 = (String) first.get("refresh_token");
        assertNotNull(refresh1);
        assertEquals(PAAS_READ + " offline_access", first.get("scope"));

        HttpResponse<String> second = refresh("paas-reader", refresh1, null);
        assertEquals(200, second.statusCode(), second.body());
        String refresh2 = (String) Api.json(second).get("refresh_token");
        String access2 = (String) Api.json(second).get("access_token");
        assertNotNull(refresh2);
        assertNotEquals(refresh1, refresh2);
        assertEquals(PAAS_READ + " offline_access", Api.json(second).get("scope"));
        assertEquals(200, api.send("GET", "/paas/analytics/reports", access2, null).statusCode());

        HttpResponse<String> replay = refresh("paas-reader", refresh1, null);
        assertEquals(400, replay.statusCode());
        assertEquals("invalid_grant", Api.json(replay).get("error"));

        // RFC 9700 §4.14.2: the replay revoked the whole chain, its live token too.
        assertEquals(400, refresh("paas-reader", refresh2, null).statusCode(), "the chain is revoked after a replay");
    }

    @Test
    void refreshWhenAnotherClientPresentsItThenInvalidGrantAndOwnerKeepsIt() {
        String refresh = (String) api.grant("paas-reader", PAAS_READ + " offline_access").get("refresh_token");

        HttpResponse<String> stolen = refresh("account-client", refresh, null);
        assertEquals(400, stolen.statusCode());
        assertEquals("invalid_grant", Api.json(stolen).get("error"));

        assertEquals(200, refresh("paas-reader", refresh, null).statusCode());
    }

    static Stream<Arguments> refreshScopes() {
        String analytics = "urn:opc:resource:consumer:paas:analytics::read";
        return Stream.of(
                // requested scope on refresh | status | granted scope or error
                Arguments.of(PAAS_READ, 200, PAAS_READ + " offline_access"),
                Arguments.of(PAAS_READ + " offline_access", 200, PAAS_READ + " offline_access"),
                // Only the original scopes themselves: RFC 6749 §6 "not originally granted", however they relate.
                Arguments.of(analytics, 400, "invalid_scope"),
                Arguments.of("urn:opc:resource:consumer:paas::write", 400, "invalid_scope"),
                Arguments.of("applications:read", 400, "invalid_scope"),
                Arguments.of(PAAS_READ + "  offline_access", 400, "invalid_scope"));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @MethodSource("refreshScopes")
    void refreshWhenScopeRequestedThenSubsetOfOriginalOnly(String scope, int status, String expected) {
        String refresh = (String) api.grant("paas-reader", PAAS_READ + " offline_access").get("refresh_token");

        HttpResponse<String> response = refresh("paas-reader", refresh, scope);

        assertEquals(status, response.statusCode(), response.body());
        assertEquals(expected, Api.json(response).get(status == 200 ? "scope" : "error"));
        if (status != 200) {
            assertEquals(200, refresh("paas-reader", refresh, null).statusCode(), "a refused refresh keeps the token");
        }
    }

    @Test
    void refreshWhenTenantClientThenBindingKept() throws Exception {
        String refresh = (String) api.grant("acme-console", "applications:read offline_access").get("refresh_token");

        HttpResponse<String> response = refresh("acme-console", refresh, null);

        assertEquals(200, response.statusCode(), response.body());
        JWTClaimsSet claims = SignedJWT.parse((String) Api.json(response).get("access_token")).getJWTClaimsSet();
        assertEquals("acme", claims.getStringClaim("bi_t"));
        assertEquals("prod", claims.getStringClaim("bi_r"));
    }

    @Test
    void jwksWhenFetchedThenPublicKeysOnly() {
        HttpResponse<String> response = api.send("GET", "/.well-known/jwks.json", null, null);

        assertEquals(200, response.statusCode());
        List<?> keys = (List<?>) Api.json(response).get("keys");
        assertEquals(1, keys.size());
        Map<?, ?> key = (Map<?, ?>) keys.get(0);
        assertEquals("EC", key.get("kty"));
        assertNotNull(key.get("kid"));
        assertNull(key.get("d"), "no private part");
    }

    @Test
    void metadataWhenFetchedThenRfc8414Document() {
        Map<String, Object> metadata = Api.json(api.send("GET", "/.well-known/oauth-authorization-server", null, null));
        Function<String, Object> get = metadata::get;

        assertEquals(api.base().toString(), get.apply("issuer"));
        assertEquals(api.base() + TokenEndpoint.PATH, get.apply("token_endpoint"));
        assertEquals(api.base() + "/.well-known/jwks.json", get.apply("jwks_uri"));
        assertEquals(List.of("client_credentials", "refresh_token", "authorization_code"),
                get.apply("grant_types_supported"));
        assertTrue(((List<?>) get.apply("scopes_supported")).contains("urn:opc:idm:__myscopes__"));
    }

    private HttpResponse<String> refresh(String client, String refreshToken, String scope) {
        return api.tokenRequest(client, "grant_type=refresh_token&refresh_token=" + Api.form(refreshToken)
                + (scope == null ? "" : "&scope=" + Api.form(scope)));
    }
}
