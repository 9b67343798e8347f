package io.scopeenforcer.example.issuer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.scopeenforcer.example.ExampleApp;
import io.scopeenforcer.token.TokenResult;
import io.scopeenforcer.token.TokenVerifier;
import io.scopeenforcer.token.TrustedIssuer;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The development issuer's OpenID Connect Discovery document ({@code /.well-known/openid-configuration}) over real
 * HTTP: the RFC 8414 metadata's issuer, keys and endpoints, {@code subject_types_supported}, and nothing that
 * promises ID tokens; and the enforcer's own discovery ({@link TrustedIssuer#discovery}, which looks there first)
 * finds the keys through it and verifies the issuer's tokens.
 */
class OpenidConfigurationTest {

    private static ExampleApp.Running app;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        app = ExampleApp.start("--port=0");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static Map<String, Object> get(String path) throws Exception {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(app.baseUri().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow()
                .split(";")[0]);
        return JSONObjectUtils.parse(response.body());
    }

    @Test
    void getWhenOpenidConfigurationThenTheIssuersMetadataWithoutIdTokens() throws Exception {
        String issuer = app.baseUri().toString().replaceAll("/$", "");
        Map<String, Object> oidc = get("/.well-known/openid-configuration");
        Map<String, Object> oauth = get("/.well-known/oauth-authorization-server");
        assertEquals(issuer, oidc.get("issuer"));
        assertEquals(issuer + "/.well-known/jwks.json", oidc.get("jwks_uri"));
        assertEquals(issuer + "/oauth2/v1/token", oidc.get("token_endpoint"));
        assertEquals(issuer + "/oauth2/v1/introspect", oidc.get("introspection_endpoint"));
        assertEquals(issuer + "/oauth2/v1/revoke", oidc.get("revocation_endpoint"));
        assertEquals(issuer + "/oauth2/v1/authorize", oidc.get("authorization_endpoint"));
        assertEquals(List.of("public"), oidc.get("subject_types_supported"));
        assertEquals(List.of("code"), oidc.get("response_types_supported"));
        assertFalse(oidc.containsKey("id_token_signing_alg_values_supported"));
        assertFalse(oidc.containsKey("userinfo_endpoint"));
        assertFalse(((List<?>) oidc.get("scopes_supported")).contains("openid"));
        // Everything else as RFC 8414 says it.
        Map<String, Object> rest = new java.util.LinkedHashMap<>(oidc);
        rest.remove("subject_types_supported");
        assertEquals(oauth, rest);
    }

    @Test
    void discoveryWhenIssuerServesOpenidConfigurationThenItsTokensVerify() throws Exception {
        String issuer = app.baseUri().toString().replaceAll("/$", "");
        TokenVerifier verifier = TokenVerifier.newBuilder().trust(TrustedIssuer.discovery(URI.create(issuer).toString())
                .audience(io.scopeenforcer.negotiation.Negotiator.ACCOUNT_AUDIENCE).build()).build();
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(app.baseUri().resolve("/oauth2/v1/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + java.util.Base64.getEncoder()
                        .encodeToString("paas-reader:paas-reader-secret".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        String token = (String) JSONObjectUtils.parse(response.body()).get("access_token");
        TokenResult result = verifier.verify(token);
        assertInstanceOf(TokenResult.Valid.class, result, result::toString);
        assertEquals("discovery " + issuer, verifier.trustedIssuers().get(0).keyStatus().source());
    }
}
