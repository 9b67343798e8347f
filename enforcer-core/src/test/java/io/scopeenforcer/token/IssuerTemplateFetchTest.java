package io.scopeenforcer.token;

import static io.scopeenforcer.token.Fixtures.AUDIENCE;
import static io.scopeenforcer.token.Fixtures.failureOf;
import static io.scopeenforcer.token.Fixtures.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import io.scopeenforcer.testing.JwksServer;
import io.scopeenforcer.testing.TestIssuer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Concrete issuers of an {@linkplain TrustedIssuer#issuerTemplate(String) issuer template} against real metadata and
 * JWKS servers on loopback: per-tenant keys by discovery and by a JWKS URI template, the SSRF guards (RFC 8725
 * §3.10: no fetch to a host the template does not name, counted at that host; no redirect followed), and the bounds
 * on concrete issuers (held, and admitted a minute). The JWKS cache runs on the system clock, so these use real time.
 */
class IssuerTemplateFetchTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

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
