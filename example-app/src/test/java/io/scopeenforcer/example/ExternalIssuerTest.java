package io.scopeenforcer.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code --issuer --jwks-file --audience}: the app trusts that issuer, and the development issuer is off. */
class ExternalIssuerTest {

    private static final String PAAS_READ = "urn:opc:resource:consumer:paas::read";

    private final ExternalIssuer issuer = ExternalIssuer.shared();
    private final Api api = issuer.api();

    @Test
    void requestWhenTokenFromTrustedIssuerThenAllowed() {
        HttpResponse<String> response = api.send("GET", "/paas/analytics/reports", issuer.token(PAAS_READ, null, null),
                null);

        assertEquals(200, response.statusCode(), response.body());
    }

    static Stream<Arguments> untrusted() {
        return Stream.of(
                // why | token
                Arguments.of("the development issuer's token", (TokenSource) i -> Api.shared().token("paas-reader")),
                Arguments.of("right claims, unknown key", (TokenSource) i -> ExternalIssuer.sign(
                        ExternalIssuer.rsaKey("test-key"), ExternalIssuer.claims(PAAS_READ, null, null,
                                Instant.now().plusSeconds(300)))),
                Arguments.of("expired two minutes ago", (TokenSource) i -> ExternalIssuer.sign(
                        i.key(), ExternalIssuer.claims(PAAS_READ, null, null,
                                Instant.now().minusSeconds(120)))));
    }

    /** A token made for one row of a table, given the shared issuer. */
    interface TokenSource {
        String token(ExternalIssuer issuer);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("untrusted")
    void requestWhenTokenNotFromTrustedIssuerThenInvalidToken(String why, TokenSource source) {
        HttpResponse<String> response = api.send("GET", "/paas/analytics/reports", source.token(issuer), null);

        assertEquals(401, response.statusCode(), response.body());
        String challenge = Api.header(response, "WWW-Authenticate");
        assertTrue(challenge.contains("error=\"invalid_token\""), challenge);
    }

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @MethodSource("devIssuerRoutes")
    void requestWhenDevIssuerRouteThenNotFound(String method, String path) {
        HttpResponse<String> response = method.equals("POST")
                ? api.tokenRequest("paas-reader", "grant_type=client_credentials")
                : api.send(method, path, null, null);

        assertEquals(404, response.statusCode(), response.body());
    }

    static Stream<Arguments> devIssuerRoutes() {
        return Stream.of(
                Arguments.of("POST", "/oauth2/v1/token"),
                Arguments.of("GET", "/.well-known/jwks.json"),
                Arguments.of("GET", "/.well-known/oauth-authorization-server"));
    }
}
