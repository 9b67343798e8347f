package io.scopeenforcer.token;

import static io.scopeenforcer.token.Fixtures.AUDIENCE;
import static io.scopeenforcer.token.Fixtures.failureOf;
import static io.scopeenforcer.token.Fixtures.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import io.scopeenforcer.testing.JwksServer;
import io.scopeenforcer.testing.TestIssuer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link TrustedIssuer#issuerTemplate(String)}: the template's syntax (each fault with its exact message), which
 * {@code iss} values match and what they capture, the JWKS URI template's filling, and, against real metadata and
 * JWKS servers on loopback, per-tenant keys by discovery and by template, the SSRF guards (RFC 8725 §3.10: no fetch
 * to a host the template does not name, counted at that host), and the bounds on concrete issuers.
 */
class IssuerTemplateTest {

    static final String TEMPLATE = "https://auth.example.test/v1/tenants/{tenant}/realms/{realm}/applications/*";
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    static Stream<Arguments> badTemplates() {
        return Stream.of(
                Arguments.of("auth.example.test/v1/tenants/{tenant}",
                        "issuer template must be an absolute http(s) URL: 'auth.example.test/v1/tenants/{tenant}'"),
                Arguments.of("ftp://auth.example.test/{tenant}",
                        "issuer template must be an absolute http(s) URL: 'ftp://auth.example.test/{tenant}'"),
                Arguments.of("https://{tenant}.auth.example.test/x", "issuer template: the scheme, host and port must"
                        + " be literal, without user info: 'https://{tenant}.auth.example.test/x'"),
                Arguments.of("https://auth.example.test:{realm}/{tenant}", "issuer template: the scheme, host and port"
                        + " must be literal, without user info: 'https://auth.example.test:{realm}/{tenant}'"),
                Arguments.of("https://user@auth.example.test/{tenant}", "issuer template: the scheme, host and port"
                        + " must be literal, without user info: 'https://user@auth.example.test/{tenant}'"),
                Arguments.of("https://auth.example.test", "issuer template has no path to hold a variable:"
                        + " 'https://auth.example.test'"),
                Arguments.of("https://auth.example.test/v1/tenants/{tenant}?x=1", "issuer template: a variable or * must"
                        + " be a whole path segment, got '{tenant}?x=1'"),
                Arguments.of("https://auth.example.test/t-{tenant}", "issuer template: a variable or * must be a whole"
                        + " path segment, got 't-{tenant}'"),
                Arguments.of("https://auth.example.test/{org}/{tenant}", "issuer template: unknown variable '{org}';"
                        + " the policy binds {tenant} and {realm}"),
                Arguments.of("https://auth.example.test/{tenant}/{tenant}", "issuer template: {tenant} appears twice"),
                Arguments.of("https://auth.example.test/{realm}/*", "issuer template must hold {tenant}:"
                        + " 'https://auth.example.test/{realm}/*'"),
                Arguments.of("https://auth.example.test/a/../{tenant}", "issuer template: bad path segment '..' (RFC"
                        + " 3986 characters without %, no dot-segment, no empty segment but a trailing /)"),
                Arguments.of("https://auth.example.test/a%2F/{tenant}", "issuer template: bad path segment 'a%2F'"
                        + " (RFC 3986 characters without %, no dot-segment, no empty segment but a trailing /)"),
                Arguments.of("https://auth.example.test//{tenant}", "issuer template: bad path segment '' (RFC 3986"
                        + " characters without %, no dot-segment, no empty segment but a trailing /)"),
                Arguments.of("https://auth.example.test/{tenant}#f", "issuer template: a variable or * must be a whole"
                        + " path segment, got '{tenant}#f'"));
    }

    @ParameterizedTest
    @MethodSource("badTemplates")
    void issuerTemplateWhenMalformedThenExactMessage(String template, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrustedIssuer.issuerTemplate(template));
        assertEquals(message, e.getMessage());
    }

    static Stream<Arguments> issValues() {
        String base = "https://auth.example.test/v1/tenants/";
        Map<String, String> acmeProd = Map.of("tenant", "acme", "realm", "prod");
        return Stream.of(
                // iss, captured values (null: no match)
                Arguments.of(base + "acme/realms/prod/applications/app1", acmeProd),
                Arguments.of(base + "a.b_c~d-9/realms/R-1/applications/x", Map.of("tenant", "a.b_c~d-9", "realm", "R-1")),
                Arguments.of(base + "acme/realms/prod/applications/app1/extra", null),
                Arguments.of(base + "acme/realms/prod/applications/app1/", null),
                Arguments.of(base + "acme/realms/prod/applications", null),
                Arguments.of(base + "acme/realms/prod/applications/", null),
                Arguments.of(base + "acme/realms//applications/app1", null),
                Arguments.of(base + "ac%6De/realms/prod/applications/app1", null),
                Arguments.of(base + "acme%2Fglobex/realms/prod/applications/app1", null),
                Arguments.of(base + "../realms/prod/applications/app1", null),
                Arguments.of(base + "./realms/prod/applications/app1", null),
                Arguments.of(base + "acme/realms/../applications/app1", null),
                Arguments.of(base + "acme/realms/prod/applications/..", null),
                Arguments.of(base + "acme/realms/prod/applications/app1?x=1", null),
                Arguments.of(base + "acme/realms/prod/applications/app1#f", null),
                Arguments.of(base + "acme/realms/prod/applications/a@b", null),
                Arguments.of(base + "ac me/realms/prod/applications/app1", null),
                Arguments.of(base + "acmé/realms/prod/applications/app1", null),
                Arguments.of(base + "acme\n/realms/prod/applications/app1", null),
                Arguments.of(base + "*/realms/prod/applications/app1", null),
                Arguments.of("https://auth.example.test/v1/Tenants/acme/realms/prod/applications/app1", null),
                Arguments.of("https://evil.example/v1/tenants/acme/realms/prod/applications/app1", null),
                Arguments.of("https://auth.example.test.evil.example/v1/tenants/acme/realms/prod/applications/a", null),
                Arguments.of("https://auth.example.test@evil.example/v1/tenants/acme/realms/prod/applications/a", null),
                Arguments.of("https://evil.example@auth.example.test/v1/tenants/acme/realms/prod/applications/a", null),
                Arguments.of("https://auth.example.test:8443/v1/tenants/acme/realms/prod/applications/a", null),
                Arguments.of("https://auth.example.test:443/v1/tenants/acme/realms/prod/applications/a", null),
                Arguments.of("https://AUTH.example.test/v1/tenants/acme/realms/prod/applications/a", null),
                Arguments.of("http://auth.example.test/v1/tenants/acme/realms/prod/applications/a", null),
                Arguments.of("https://auth.example.test", null),
                Arguments.of("https://auth.example.test/", null),
                Arguments.of("", null));
    }

    @ParameterizedTest
    @MethodSource("issValues")
    void matchWhenIssThenCapturedValuesOrNoMatch(String iss, Map<String, String> expected) {
        assertEquals(expected, IssuerTemplate.parse(TEMPLATE, "issuer template", true).match(iss));
    }

    static Stream<Arguments> jwksTemplates() {
        return Stream.of(
                // jwks template, filled URI or the exact message
                Arguments.of("https://keys.example.test/{tenant}/{realm}/jwks.json",
                        "https://keys.example.test/acme/prod/jwks.json"),
                Arguments.of("https://auth.example.test/v1/tenants/{tenant}/.well-known/jwks.json",
                        "https://auth.example.test/v1/tenants/acme/.well-known/jwks.json"),
                Arguments.of("https://auth.example.test/jwks.json", "jwksUriTemplate must hold {tenant}: keys shared by"
                        + " every tenant would let one tenant's issuer sign for another"),
                Arguments.of("https://auth.example.test/{tenant}/*/jwks.json", "jwksUriTemplate: * cannot be filled;"
                        + " name the segment's variable"),
                Arguments.of("https://{tenant}.example.test/jwks.json", "jwksUriTemplate: the scheme, host and port"
                        + " must be literal, without user info: 'https://{tenant}.example.test/jwks.json'"),
                Arguments.of("https://auth.example.test/{tenant}/jwks?kid=1", "jwksUriTemplate: bad path segment"
                        + " 'jwks?kid=1' (RFC 3986 characters without %, no dot-segment, no empty segment but a"
                        + " trailing /)"));
    }

    @ParameterizedTest
    @MethodSource("jwksTemplates")
    void jwksUriTemplateWhenGivenThenFilledOrExactMessage(String template, String expected) {
        TrustedIssuer.JwksUriBuilder builder = TrustedIssuer.issuerTemplate(TEMPLATE);
        if (expected.startsWith("https://")) {
            builder.jwksUriTemplate(template);
            assertEquals(URI.create(expected), IssuerTemplate.parse(template, "jwksUriTemplate", false)
                    .fill(Map.of("tenant", "acme", "realm", "prod")));
        } else {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> builder.jwksUriTemplate(template));
            assertEquals(expected, e.getMessage());
        }
    }

    @Test
    void jwksUriTemplateWhenVariableNotInIssuerTemplateThenRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrustedIssuer.issuerTemplate("https://auth.example.test/{tenant}")
                        .jwksUriTemplate("https://auth.example.test/{tenant}/{realm}/jwks.json"));
        assertEquals("jwksUriTemplate: {realm} is not in the issuer template", e.getMessage());
    }

    static Stream<Arguments> templateOnlySettings() {
        return Stream.of(
                Arguments.of("jwksUriTemplate", (Runnable) () -> TrustedIssuer.discovery("https://idp.example.test")
                        .jwksUriTemplate("https://idp.example.test/{tenant}")),
                Arguments.of("maxConcreteIssuers", (Runnable) () -> TrustedIssuer.discovery("https://idp.example.test")
                        .maxConcreteIssuers(5)),
                Arguments.of("maxNewConcreteIssuersPerMinute", (Runnable) () -> TrustedIssuer.jwksUri(
                        "https://idp.example.test", URI.create("https://idp.example.test/jwks"))
                        .maxNewConcreteIssuersPerMinute(5)));
    }

    @ParameterizedTest
    @MethodSource("templateOnlySettings")
    void templateSettingWhenNoTemplateThenRefused(String setting, Runnable call) {
        IllegalStateException e = assertThrows(IllegalStateException.class, call::run);
        assertEquals(setting + " needs an issuer template (TrustedIssuer.issuerTemplate)", e.getMessage());
    }

    @Test
    void buildWhenTemplateOffLoopbackOverHttpOrIntrospectingThenRefused() {
        IllegalStateException http = assertThrows(IllegalStateException.class,
                () -> TrustedIssuer.issuerTemplate("http://auth.example.test/{tenant}").audience(AUDIENCE).build());
        assertEquals("issuer http://auth.example.test/{tenant}: an issuer template and its jwksUriTemplate need https"
                + " (http only on a loopback host, or set allowUnsafeHttpJwksUri)", http.getMessage());
        IllegalStateException introspecting = assertThrows(IllegalStateException.class,
                () -> TrustedIssuer.issuerTemplate(TEMPLATE).audience(AUDIENCE).introspection(
                        URI.create("https://auth.example.test/introspect"), "api", "secret").build());
        assertEquals("issuer " + TEMPLATE + ": introspection needs a fixed issuer (an opaque token names none)",
                introspecting.getMessage());
    }

    // ---- against real servers on loopback ----

    private JwksServer server;
    private JwksServer elsewhere;
    private TestIssuer acme;
    private TestIssuer globex;

    @BeforeAll
    static void warmUp() {
        // The first HTTP exchange of the JVM loads Jetty's and the JDK client's classes: not inside a 1 s timeout.
        try (JwksServer warm = JwksServer.start(new JWKSet())) {
            TestIssuer idp = TestIssuer.create(warm.base(""));
            warm.serve(idp.rsa().publicJwkSet());
            warm.serveDocument("/.well-known/openid-configuration", metadata(idp.issuer(), warm.uri().toString()));
            TokenVerifier.newBuilder().trust(TrustedIssuer.discovery(idp.issuer()).audience(AUDIENCE)
                    .jwksReadTimeout(Duration.ofSeconds(10)).build()).build().verify(idp.token().sign());
        }
    }

    @BeforeEach
    void startServers() {
        server = JwksServer.start(new JWKSet());
        elsewhere = JwksServer.start(new JWKSet());
        acme = TestIssuer.create(server.base("/v1/tenants/acme/realms/prod/applications/app1"));
        globex = TestIssuer.create(server.base("/v1/tenants/globex/realms/main/applications/app2"));
        server.serve(new JWKSet(java.util.List.of(acme.rsa().publicJwk(), globex.rsa().publicJwk())));
        elsewhere.serve(new JWKSet(java.util.List.of(acme.rsa().publicJwk(), globex.rsa().publicJwk())));
    }

    @AfterEach
    void stopServers() {
        server.close();
        elsewhere.close();
    }

    private String loopbackTemplate() {
        return server.base("/v1/tenants/{tenant}/realms/{realm}/applications/*");
    }

    private static String metadata(String issuer, String jwksUri) {
        return "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + jwksUri + "\"}";
    }

    private void serveMetadata(TestIssuer idp, String jwksUri) {
        server.serveDocument(URI.create(idp.issuer()).getPath() + "/.well-known/openid-configuration",
                metadata(idp.issuer(), jwksUri));
    }

    private static TrustedIssuer.JwksUriBuilder tuned(TrustedIssuer.JwksUriBuilder b) {
        return b.audience(AUDIENCE).jwksConnectTimeout(TIMEOUT).jwksReadTimeout(TIMEOUT)
                .jwksRefreshAhead(Duration.ZERO).jwksRateLimit(Duration.ofMillis(100));
    }

    private static TokenVerifier verifier(TrustedIssuer issuer) {
        return TokenVerifier.newBuilder().trust(issuer).cacheMaxEntries(0).build();
    }

    @Test
    void verifyWhenConcreteIssuerByDiscoveryThenValidWithTheTenantOfItsIss() {
        serveMetadata(acme, server.uri().toString());
        serveMetadata(globex, server.uri().toString());
        TrustedIssuer template = tuned(TrustedIssuer.issuerTemplate(loopbackTemplate())).build();
        TokenVerifier verifier = verifier(template);

        VerifiedToken a = valid(verifier.verify(acme.token().tenant("globex").sign()));
        VerifiedToken g = valid(verifier.verify(globex.token().sign()));

        assertEquals(acme.issuer(), a.issuer());
        assertEquals("acme", a.issuerTenant());
        assertEquals("prod", a.issuerRealm());
        assertEquals("globex", a.tenant(), "the claim is read as ever; the engine holds both to the route");
        assertEquals("globex", g.issuerTenant());
        assertEquals(4, server.fetches(), "metadata and keys, once per concrete issuer");
        assertEquals(2, template.concrete().size());
        assertTrue(template.isTemplate());
        assertEquals(4, template.keyStatus().keyCount(), "both concrete issuers' key sets counted");
    }

    @Test
    void verifyWhenJwksUriTemplateThenKeysFromTheFilledUriWithoutDiscovery() {
        TrustedIssuer template = tuned(TrustedIssuer.issuerTemplate(loopbackTemplate())
                .jwksUriTemplate(server.base("/keys/{tenant}/{realm}/jwks.json"))).build();

        VerifiedToken token = valid(verifier(template).verify(acme.token().sign()));

        assertEquals("acme", token.issuerTenant());
        assertEquals(1, server.fetches(), "the filled JWKS URI alone");
    }

    @Test
    void verifyWhenIssOnAnotherHostThenWrongIssuerAndNoFetchAnywhere() {
        TokenVerifier verifier = verifier(tuned(TrustedIssuer.issuerTemplate(loopbackTemplate())).build());
        String otherHost = elsewhere.base("/v1/tenants/acme/realms/prod/applications/app1");
        String userInfo = server.base("").replace("://", "://x@") + "/v1/tenants/acme/realms/prod/applications/a";

        for (String iss : new String[] {otherHost, userInfo, otherHost.replace("127.0.0.1", "localhost")}) {
            assertEquals(TokenFailure.WRONG_ISSUER, failureOf(verifier.verify(acme.token().issuer(iss).sign())), iss);
        }
        assertEquals(0, server.fetches());
        assertEquals(0, elsewhere.fetches());
    }

    @Test
    void verifyWhenMetadataPointsJwksUriElsewhereThenKeysUnavailableAndNoFetchThere() {
        serveMetadata(acme, elsewhere.uri().toString());
        TrustedIssuer template = tuned(TrustedIssuer.issuerTemplate(loopbackTemplate())).build();

        assertEquals(TokenFailure.KEYS_UNAVAILABLE, failureOf(verifier(template).verify(acme.token().sign())));
        assertEquals(0, elsewhere.fetches(), "the jwks_uri off the template's origin was never fetched");
        assertEquals(2, server.fetches(), "both metadata locations");
        assertTrue(template.keyStatus().lastError().contains("jwks_uri off the template origin"),
                template.keyStatus()::lastError);
    }

    @Test
    void verifyWhenMetadataRedirectsElsewhereThenNotFollowed() throws Exception {
        // A bare HTTP server answering every request 302 to the other server.
        AtomicInteger redirected = new AtomicInteger();
        try (ServerSocket redirector = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Thread answering = new Thread(() -> {
                while (!redirector.isClosed()) {
                    try (Socket s = redirector.accept()) {
                        s.getInputStream().read(new byte[4096]);
                        redirected.incrementAndGet();
                        s.getOutputStream().write(("HTTP/1.1 302 Found\r\nLocation: "
                                + elsewhere.uri("/.well-known/openid-configuration")
                                + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            answering.setDaemon(true);
            answering.start();
            String base = "http://127.0.0.1:" + redirector.getLocalPort();
            TestIssuer idp = TestIssuer.create(base + "/v1/tenants/acme/realms/prod/applications/app1");
            TrustedIssuer template = tuned(TrustedIssuer.issuerTemplate(
                    base + "/v1/tenants/{tenant}/realms/{realm}/applications/*")).build();

            assertEquals(TokenFailure.KEYS_UNAVAILABLE, failureOf(verifier(template).verify(idp.token().sign())));
            assertEquals(2, redirected.get(), "both metadata locations answered 302");
            assertEquals(0, elsewhere.fetches(), "no redirect followed");
        }
    }

    @Test
    void verifyWhenMetadataNamesAnotherIssuerThenKeysUnavailable() {
        server.serveDocument("/v1/tenants/acme/realms/prod/applications/app1/.well-known/openid-configuration",
                metadata(globex.issuer(), server.uri().toString()));
        TokenVerifier verifier = verifier(tuned(TrustedIssuer.issuerTemplate(loopbackTemplate())).build());

        assertEquals(TokenFailure.KEYS_UNAVAILABLE, failureOf(verifier.verify(acme.token().sign())));
        assertEquals(2, server.fetches(), "both metadata locations, and no JWK set from a refused document");
    }

    @Test
    void verifyWhenManyTenantsThenConcreteIssuersBoundedByMaxConcreteIssuers() {
        TrustedIssuer template = tuned(TrustedIssuer.issuerTemplate(loopbackTemplate())
                .jwksUriTemplate(server.base("/keys/{tenant}/jwks.json")).maxConcreteIssuers(3)).build();
        TokenVerifier verifier = verifier(template);

        for (int i = 0; i < 20; i++) {
            String iss = server.base("/v1/tenants/t" + i + "/realms/r/applications/a");
            assertEquals("t" + i, valid(verifier.verify(acme.token().issuer(iss).sign())).issuerTenant());
        }
        assertTrue(template.concrete().size() <= 3, "held: " + template.concrete().size());
    }

    @Test
    void verifyWhenFloodOfMadeUpTenantsThenNewConcreteIssuersRateLimited() {
        TrustedIssuer template = tuned(TrustedIssuer.issuerTemplate(loopbackTemplate())
                .maxNewConcreteIssuersPerMinute(2)).build();
        TokenVerifier verifier = verifier(template);

        for (int i = 0; i < 10; i++) {
            String iss = server.base("/v1/tenants/made-up-" + i + "/realms/r/applications/a");
            assertEquals(TokenFailure.KEYS_UNAVAILABLE, failureOf(verifier.verify(acme.token().issuer(iss).sign())));
        }
        assertEquals(4, server.fetches(), "two admitted, each trying both metadata locations; eight never fetched");
        assertEquals(2, template.concrete().size());
        serveMetadata(acme, server.uri().toString());
        assertEquals(TokenFailure.KEYS_UNAVAILABLE, failureOf(verifier.verify(acme.token().sign())),
                "a real tenant waits for the bucket too: 503, retry");
        assertTrue(template.concrete().held().stream().noneMatch(i -> i.issuer().equals(acme.issuer())));
    }
}
