package io.scopeenforcer.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.scopeenforcer.negotiation.Negotiator;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The app trusting an external issuer as the ecosystem configures it: {@code --issuer --audience} alone, keys
 * found from the issuer's metadata (here the development issuer of another app, over real HTTP, whose RFC 8414
 * document is at {@code /.well-known/oauth-authorization-server}); and RFC 9728 metadata served in external-issuer
 * mode too.
 */
class IssuerSourcesTest {

    private static ExampleApp.Running discovering;
    private static Api devIssuer;
    private static Api api;

    @BeforeAll
    static void start() {
        devIssuer = Api.shared();
        String issuer = devIssuer.base().toString();
        discovering = ExampleApp.start("--port=0", "--issuer=" + issuer,
                "--audience=" + issuer + "," + Negotiator.ACCOUNT_AUDIENCE);
        api = new Api(discovering.baseUri());
    }

    @AfterAll
    static void stop() {
        discovering.close();
    }

    @Test
    void requestWhenIssuerAloneThenKeysDiscoveredAndTokenAccepted() {
        HttpResponse<String> response = api.send("GET", "/paas/analytics/reports", devIssuer.token("paas-reader"),
                null);

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("discovery " + devIssuer.base(),
                discovering.filter().keyStatus().get(0).source());
    }

    @Test
    void requestWhenWrongScopeThenStillForbiddenByPolicy() {
        HttpResponse<String> response = api.send("DELETE", "/paas/analytics/reports", devIssuer.token("paas-reader"),
                null);

        assertEquals(403, response.statusCode(), response.body());
    }

    /** The app, and the RFC 9728 document it must serve. */
    static Stream<Arguments> resourceMetadata() {
        return Stream.of(
                Arguments.of("discovery, resource = first audience", (AppSource) () -> api,
                        (Expected) () -> Map.of("resource", devIssuer.base().toString(),
                                "authorization_servers", List.of(devIssuer.base().toString()))),
                Arguments.of("jwks-file, resource = first audience", (AppSource) () -> ExternalIssuer.shared().api(),
                        (Expected) () -> Map.of("resource", ExternalIssuer.AUDIENCE,
                                "authorization_servers", List.of(ExternalIssuer.ISSUER))));
    }

    interface AppSource {
        Api app();
    }

    interface Expected {
        Map<String, Object> fields();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resourceMetadata")
    void metadataWhenExternalIssuerThenRfc9728Document(String name, AppSource app, Expected expected) {
        HttpResponse<String> response = app.app().send("GET", "/.well-known/oauth-protected-resource", null, null);

        assertEquals(200, response.statusCode(), response.body());
        Map<String, Object> document = Api.json(response);
        expected.fields().forEach((field, value) -> assertEquals(value, document.get(field), field));
        assertEquals(List.of("header"), document.get("bearer_methods_supported"));
    }

    @Test
    void metadataWhenResourceMetadataGivenThenThatResource() {
        try (ExampleApp.Running app = ExampleApp.start("--port=0", "--issuer=" + devIssuer.base(),
                "--audience=urn:example:not-a-url", "--resource-metadata=https://api.example.test/v1")) {
            HttpResponse<String> response = new Api(app.baseUri()).send("GET",
                    "/.well-known/oauth-protected-resource/v1", null, null);

            assertEquals(200, response.statusCode(), response.body());
            assertEquals("https://api.example.test/v1", Api.json(response).get("resource"));
        }
    }

    /**
     * {@code --issuers}: the development issuer by discovery (its defaults: {@code scope}, {@code bi_t}) and an IDCS-like
     * issuer with a JWKS file, scopes in {@code scp} and its tenant in {@code tenant}; each enforced with its own
     * audience and claim names, both listed in the RFC 9728 metadata.
     */
    @Test
    void requestWhenIssuersFileThenEachIssuerEnforcedWithItsOwnAudienceAndClaimNames() throws Exception {
        com.nimbusds.jose.jwk.RSAKey key = ExternalIssuer.rsaKey("idcs-key");
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("issuers");
        java.nio.file.Path jwks = java.nio.file.Files.writeString(dir.resolve("idcs.json"),
                new com.nimbusds.jose.jwk.JWKSet(key).toPublicJWKSet().toString());
        String dev = devIssuer.base().toString();
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("issuers.properties"), """
                issuer.dev.issuer=%s
                issuer.dev.audience=%s,%s
                issuer.idcs.issuer=https://idcs.example.test
                issuer.idcs.jwks-file=%s
                issuer.idcs.audience=https://idcs-api.example.test
                issuer.idcs.scope-claims=scp
                issuer.idcs.tenant-claim=tenant
                """.formatted(dev, dev, Negotiator.ACCOUNT_AUDIENCE, jwks));
        try (ExampleApp.Running app = ExampleApp.start("--port=0", "--issuers=" + file)) {
            Api both = new Api(app.baseUri());
            java.time.Instant now = java.time.Instant.now();
            com.nimbusds.jwt.JWTClaimsSet.Builder idcs = new com.nimbusds.jwt.JWTClaimsSet.Builder()
                    .issuer("https://idcs.example.test").subject("u1").issueTime(java.util.Date.from(now))
                    .expirationTime(java.util.Date.from(now.plusSeconds(300)))
                    .claim("scp", List.of("urn:opc:resource:consumer:paas::read")).claim("tenant", "t1");

            assertEquals(200, both.send("GET", "/paas/analytics/reports", devIssuer.token("paas-reader"), null)
                    .statusCode(), "the development issuer's token");
            assertEquals(200, both.send("GET", "/paas/analytics/reports", ExternalIssuer.sign(key,
                    idcs.audience("https://idcs-api.example.test").build()), null).statusCode(), "IDCS token, scp");
            assertEquals(401, both.send("GET", "/paas/analytics/reports", ExternalIssuer.sign(key,
                    idcs.audience(dev).build()), null).statusCode(), "IDCS token with the other issuer's audience");
            assertEquals(403, both.send("GET", "/paas/analytics/reports", ExternalIssuer.sign(key,
                    idcs.audience("https://idcs-api.example.test").claim("scp", null)
                            .claim("scope", "urn:opc:resource:consumer:paas::read").build()), null).statusCode(),
                    "IDCS scopes are read from scp only");

            HttpResponse<String> metadata = both.send("GET", "/.well-known/oauth-protected-resource", null, null);
            assertEquals(200, metadata.statusCode(), metadata.body());
            assertEquals(dev, Api.json(metadata).get("resource"), "the first issuer's first audience");
            assertEquals(List.of(dev, "https://idcs.example.test"), Api.json(metadata).get("authorization_servers"));
        }
    }

    @Test
    void firstUrlAudienceWhenNotAUrlThenNone() {
        assertEquals(null, ExampleApp.firstUrlAudience("urn:opc:resource:scope:account,https://api.example.test"));
        assertEquals(null, ExampleApp.firstUrlAudience("https://api.example.test/?a=b"));
        assertEquals("https://api.example.test", ExampleApp.firstUrlAudience(" https://api.example.test ,x"));
    }
}
