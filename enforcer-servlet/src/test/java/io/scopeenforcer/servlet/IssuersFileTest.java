package io.scopeenforcer.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import io.scopeenforcer.servlet.FilterServer.Reply;
import io.scopeenforcer.testing.JwksServer;
import io.scopeenforcer.testing.TestIssuer;
import io.scopeenforcer.token.TrustedIssuer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Several issuers from one issuers file ({@code issuers} parameter): an IDCS-like issuer with a JWKS URI, scopes in
 * {@code scp} and its tenant in {@code tenant}, and a Beyond-Identity-like issuer found by discovery, with the
 * default {@code scope} and {@code bi_t}; each enforced with its own audience and claim names. Real Jetty, real
 * JWKS and metadata servers, real HTTP client. Then the file's format errors, each naming file, line and setting.
 */
class IssuersFileTest {

    private static final String PATH = "/paas/analytics/reports";
    private static final String SCOPE = "urn:opc:resource:consumer:paas:analytics::read";
    private static final String AUD_IDCS = "https://idcs-api.example.test";
    private static final String AUD_BI = "https://bi-api.example.test";

    @TempDir
    static Path dir;
    private static JwksServer idcsKeys;
    private static JwksServer biServer;
    private static TestIssuer idcs;
    private static TestIssuer bi;
    private static FilterServer app;

    @BeforeAll
    static void start() throws IOException {
        idcs = TestIssuer.create("https://idcs-tenant1.identity.example.test");
        idcsKeys = JwksServer.start(idcs.publicJwkSet());
        biServer = JwksServer.start(new JWKSet());
        bi = TestIssuer.create(biServer.base("/v1/tenants/t2/realms/r2/applications/a1"));
        biServer.serve(bi.publicJwkSet());
        biServer.serveDocument("/v1/tenants/t2/realms/r2/applications/a1/.well-known/openid-configuration",
                "{\"issuer\":\"" + bi.issuer() + "\",\"jwks_uri\":\"" + biServer.uri() + "\"}");
        Path file = Files.writeString(dir.resolve("issuers.properties"), """
                # IDCS: scopes in scp, the tenant in "tenant"
                issuer.idcs.issuer=%s
                issuer.idcs.jwks-uri=%s
                issuer.idcs.audience=%s
                issuer.idcs.scope-claims=scp
                issuer.idcs.tenant-claim=tenant
                issuer.idcs.clock-skew=30

                # Beyond Identity: keys by discovery, default claim names (scope, bi_t, bi_r)
                issuer.bi.issuer=%s
                issuer.bi.audience=%s
                issuer.bi.algorithms=RS256,ES256
                """.formatted(idcs.issuer(), idcsKeys.uri(), AUD_IDCS, bi.issuer(), AUD_BI), StandardCharsets.UTF_8);
        Map<String, String> params = FilterServer.params(idcs, idcsKeys, dir);
        params.remove("issuer");
        params.remove("jwks-uri");
        params.remove("audience");
        params.put("issuers", file.toString());
        app = FilterServer.start("/", params);
    }

    @AfterAll
    static void stop() {
        app.close();
        idcsKeys.close();
        biServer.close();
    }

    /** Issuer, how its token is shaped, then status and the tenant the application sees. */
    static Stream<Arguments> requests() {
        return Stream.of(
                Arguments.of("IDCS token, scp and tenant", (Issuer) () -> idcs,
                        (UnaryOperator<TestIssuer.TokenBuilder>) t -> t.audience(AUD_IDCS).scp(SCOPE)
                                .claim("tenant", "t1"), 200, "t1"),
                Arguments.of("Beyond Identity token, scope and bi_t", (Issuer) () -> bi,
                        (UnaryOperator<TestIssuer.TokenBuilder>) t -> t.audience(AUD_BI).scope(SCOPE).tenant("t2"),
                        200, "t2"),
                Arguments.of("IDCS token with the other issuer's audience", (Issuer) () -> idcs,
                        (UnaryOperator<TestIssuer.TokenBuilder>) t -> t.audience(AUD_BI).scp(SCOPE), 401, null),
                Arguments.of("Beyond Identity token with IDCS's audience", (Issuer) () -> bi,
                        (UnaryOperator<TestIssuer.TokenBuilder>) t -> t.audience(AUD_IDCS).scope(SCOPE), 401, null),
                // IDCS's scopes are read from scp only: a scope claim grants nothing there.
                Arguments.of("IDCS token with its scope in scope", (Issuer) () -> idcs,
                        (UnaryOperator<TestIssuer.TokenBuilder>) t -> t.audience(AUD_IDCS).scope(SCOPE), 403, null),
                Arguments.of("IDCS token with bi_t: not its tenant claim", (Issuer) () -> idcs,
                        (UnaryOperator<TestIssuer.TokenBuilder>) t -> t.audience(AUD_IDCS).scp(SCOPE).tenant("t9"),
                        200, ""),
                Arguments.of("issuer in neither entry", (Issuer) () -> TestIssuer.create("https://evil.example.test"),
                        (UnaryOperator<TestIssuer.TokenBuilder>) t -> t.audience(AUD_IDCS).scp(SCOPE), 401, null));
    }

    interface Issuer {
        TestIssuer get();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void requestWhenIssuersFileThenEachIssuerWithItsOwnAudienceAndClaimNames(String name, Issuer issuer,
            UnaryOperator<TestIssuer.TokenBuilder> shape, int status, String tenant) {
        Reply reply = app.get(PATH, "Authorization", "Bearer " + shape.apply(issuer.get().token()).sign());

        assertEquals(status, reply.status(), reply::toString);
        if (tenant != null) {
            assertTrue(reply.body().contains("\ntenant=" + tenant + "\n"), reply::body);
        }
    }

    @Test
    void metadataWhenIssuersFileThenEveryIssuerIsAnAuthorizationServer() throws Exception {
        Reply reply = app.get("/.well-known/oauth-protected-resource");

        assertEquals(200, reply.status(), reply::toString);
        assertEquals(List.of(idcs.issuer(), bi.issuer()),
                com.nimbusds.jose.util.JSONObjectUtils.parse(reply.body()).get("authorization_servers"));
    }

    /** File text, then the message. */
    static Stream<Arguments> badFiles() {
        return Stream.of(
                Arguments.of("", "f.properties: no issuer (expected issuer.<name>.<setting>=value lines)"),
                Arguments.of("# only a comment\n", "f.properties: no issuer (expected issuer.<name>.<setting>=value lines)"),
                Arguments.of("issuer.a.issuer https://a.example.test",
                        "f.properties:1: expected issuer.<name>.<setting>=value, got 'issuer.a.issuer https://a.example.test'"),
                Arguments.of("issuers.a.issuer=https://a.example.test",
                        "f.properties:1: expected issuer.<name>.<setting>, got 'issuers.a.issuer'"),
                Arguments.of("issuer.a.jwks_uri=https://a.example.test/k",
                        "f.properties:1: unknown setting 'jwks_uri'; did you mean jwks-uri?"),
                Arguments.of("issuer.a.policy=/x", "f.properties:1: unknown setting 'policy'; an issuer takes issuer,"
                        + " jwks-uri, jwks-file, max-concrete-issuers, introspection-endpoint, introspection-client-id,"
                        + " introspection-client-secret, introspection-cache-ttl, audience, algorithms, clock-skew,"
                        + " strict-token-type,"
                        + " signature-provider, scope-claims, tenant-claim, realm-claim"),
                Arguments.of("issuer.a.audience=", "f.properties:1: issuer.a.audience needs a value"),
                Arguments.of("issuer.a.issuer=https://a.example.test\n\nissuer.a.issuer=https://b.example.test",
                        "f.properties:3: issuer.a.issuer is already set on line 1"),
                Arguments.of("issuer.a.audience=api", "f.properties: issuer.a.issuer: is required"),
                Arguments.of("issuer.a.issuer=https://a.example.test\nissuer.a.jwks-uri=https://a.example.test/k",
                        "f.properties: issuer.a.audience: is required"),
                Arguments.of("issuer.a.issuer=https://a.example.test\nissuer.a.audience=api\nissuer.a.clock-skew=3600",
                        "f.properties:3: issuer.a.clock-skew: clockSkew must be between 0 and PT5M, got PT1H"),
                Arguments.of("issuer.a.issuer=https://a.example.test\nissuer.a.audience=api\nissuer.a.algorithms=none",
                        "f.properties:3: issuer.a.algorithms: algorithms: \"none\" is never accepted"),
                Arguments.of("issuer.a.issuer=http://a.example.test\nissuer.a.audience=api",
                        "f.properties:1: issuer.a.issuer: issuer http://a.example.test: discovery needs an https issuer"
                                + " (http only on a loopback host, or set allowUnsafeHttpJwksUri)"),
                Arguments.of("issuer.a.issuer=https://a.example.test\nissuer.a.audience=api\n"
                                + "issuer.b.issuer=https://a.example.test\nissuer.b.audience=api2",
                        "f.properties:3: issuer.b.issuer: the same issuer as issuer.a"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badFiles")
    void parseWhenFileBadThenRefusedNamingLineAndSetting(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IssuersFile.parse(text, "f.properties"));
        assertEquals(message, e.getMessage());
    }

    @Test
    void parseWhenGoodThenIssuersInFileOrderWithTheirSettings() {
        List<TrustedIssuer> issuers = IssuersFile.parse("""
                issuer.z.issuer=https://z.example.test
                issuer.z.audience=z1, z2
                issuer.a.issuer=https://a.example.test
                  issuer.a.audience = a1
                issuer.a.tenant-claim=tenant
                issuer.z.scope-claims=scp
                """, "f.properties");

        assertEquals(List.of("https://z.example.test", "https://a.example.test"),
                issuers.stream().map(TrustedIssuer::issuer).toList());
        assertEquals(java.util.Set.of("z1", "z2"), issuers.get(0).audiences());
        assertEquals(List.of("scp"), issuers.get(0).scopeClaims().orElseThrow());
        assertEquals("tenant", issuers.get(1).tenantClaim().orElseThrow());
        assertEquals("discovery https://a.example.test", issuers.get(1).keyStatus().source());
    }

    @Test
    void fromParametersWhenIssuersAndAudienceThenRefusedNamingAudience() {
        Map<String, String> params = Map.of("issuers", dir.resolve("issuers.properties").toString(),
                "audience", "api", "policy", dir.resolve("policy.txt").toString());
        FilterSettings.BadParameter e = assertThrows(FilterSettings.BadParameter.class,
                () -> FilterSettings.fromParameters(p -> params.get(p.parameterName()), null));
        assertEquals("audience", e.parameter());
    }
}
