package io.scopeenforcer.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Discovery and several issuers against a third-party issuer, {@code no.nav.security:mock-oauth2-server}, which
 * serves OpenID Connect discovery, JWKS and signed tokens for any issuer id on one port. Two of its issuers are
 * trusted from one issuers file, both by discovery, each with its own audience and claim names: {@code idcs}
 * (scopes in {@code scp}, tenant in {@code tenant}) and {@code bi} (default {@code scope} and {@code bi_t}).
 */
class MockOAuth2ServerTest {

    private static final String READ = "urn:opc:resource:consumer:paas::read";
    private static final String AUD_IDCS = "https://idcs-api.example.test";
    private static final String AUD_BI = "https://bi-api.example.test";

    private static MockOAuth2Server idp;
    private static ExampleApp.Running app;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getLoopbackAddress(), 0);
        Path file = Files.createTempFile("issuers", ".properties");
        file.toFile().deleteOnExit();
        Files.writeString(file, """
                issuer.idcs.issuer=%s
                issuer.idcs.audience=%s
                issuer.idcs.scope-claims=scp
                issuer.idcs.tenant-claim=tenant
                issuer.bi.issuer=%s
                issuer.bi.audience=%s
                """.formatted(issuer("idcs"), AUD_IDCS, issuer("bi"), AUD_BI));
        app = ExampleApp.start("--port=0", "--issuers=" + file);
        api = new Api(app.baseUri());
    }

    @AfterAll
    static void stop() {
        app.close();
        idp.shutdown();
    }

    private static String issuer(String id) {
        return idp.issuerUrl(id).toString();
    }

    /** Issuer id, audience, claims, then the status. */
    static Stream<Arguments> tokens() {
        return Stream.of(
                Arguments.of("idcs", AUD_IDCS, Map.of("scp", List.of(READ), "tenant", "t1"), 200),
                Arguments.of("bi", AUD_BI, Map.of("scope", READ, "bi_t", "t2"), 200),
                Arguments.of("idcs", AUD_BI, Map.of("scp", List.of(READ)), 401),
                Arguments.of("bi", AUD_IDCS, Map.of("scope", READ), 401),
                // idcs reads scp only, bi reads scope and scp (the defaults)
                Arguments.of("idcs", AUD_IDCS, Map.of("scope", READ), 403),
                Arguments.of("bi", AUD_BI, Map.of("scp", List.of(READ)), 200),
                Arguments.of("untrusted", AUD_IDCS, Map.of("scp", List.of(READ)), 401));
    }

    @ParameterizedTest(name = "{0} aud {1} {2} -> {3}")
    @MethodSource("tokens")
    void requestWhenTokenOfMockIssuerThenEnforcedWithThatIssuersSettings(String issuerId, String audience,
            Map<String, Object> claims, int status) {
        String token = idp.issueToken(issuerId, "user-1", audience, claims, 300).serialize();

        HttpResponse<String> response = api.send("GET", "/paas/analytics/reports", token, null);

        assertEquals(status, response.statusCode(), response.body());
    }
}
