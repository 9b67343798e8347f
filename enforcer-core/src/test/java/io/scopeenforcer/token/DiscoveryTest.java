package io.scopeenforcer.token;

import static io.scopeenforcer.token.Fixtures.AUDIENCE;
import static io.scopeenforcer.token.Fixtures.failureOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import io.scopeenforcer.testing.JwksServer;
import io.scopeenforcer.testing.TestIssuer;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link TrustedIssuer#discovery(String)} against a real metadata and JWKS server: where the metadata is looked
 * for (OpenID Connect Discovery, RFC 8414 §3.1), which documents are refused (RFC 8414 §3.3, the https rule), and an
 * issuer that is down when the application starts. The JWKS cache runs on the system clock, so these use real time.
 */
class DiscoveryTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private JwksServer server;

    @BeforeEach
    void startServer() {
        server = JwksServer.start(new JWKSet());
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    /** An issuer at {@code path} on the server, whose keys the server serves. */
    private TestIssuer issuerAt(String path) {
        TestIssuer idp = TestIssuer.create(server.base(path));
        server.serve(idp.rsa().publicJwkSet());
        return idp;
    }

    private static String metadata(String issuer, String jwksUri) {
        return "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + jwksUri + "\",\"token_endpoint\":\"" + issuer
                + "/token\"}";
    }

    /** Short timeouts, a short rate limit (so a retry is not held 30 s), no token cache. */
    private static TokenVerifier verifier(String issuer) {
        return TokenVerifier.newBuilder().trust(TrustedIssuer.discovery(issuer).audience(AUDIENCE)
                        .jwksConnectTimeout(TIMEOUT).jwksReadTimeout(TIMEOUT).jwksRefreshAhead(Duration.ZERO)
                        .jwksRateLimit(Duration.ofMillis(100)).build())
                .cacheMaxEntries(0).build();
    }

    /** Issuer path, where its metadata is served. */
    static Stream<Arguments> locations() {
        return Stream.of(
                Arguments.of("", "/.well-known/openid-configuration"),
                Arguments.of("", "/.well-known/oauth-authorization-server"),
                Arguments.of("/tenants/t1", "/tenants/t1/.well-known/openid-configuration"),
                // RFC 8414 §3.1: the well-known path goes between the host and the issuer's path.
                Arguments.of("/tenants/t1", "/.well-known/oauth-authorization-server/tenants/t1"),
                // OIDC Discovery §4.1: a trailing "/" of the issuer is removed before the well-known path...
                Arguments.of("/tenants/t1/", "/tenants/t1/.well-known/openid-configuration"),
                // ... and RFC 8414 §3.1 removes it as well.
                Arguments.of("/tenants/t1/", "/.well-known/oauth-authorization-server/tenants/t1"));
    }

    @ParameterizedTest(name = "issuer path \"{0}\", metadata at {1}")
    @MethodSource("locations")
    void verifyWhenMetadataAtWellKnownLocationThenValid(String issuerPath, String metadataPath) {
        TestIssuer idp = issuerAt(issuerPath);
        server.serveDocument(metadataPath, metadata(idp.issuer(), server.uri().toString()));
        TokenVerifier verifier = verifier(idp.issuer());
        assertEquals(0, server.fetches(), "build() fetches nothing: the application starts while the issuer is down");

        TokenResult result = verifier.verify(idp.token().sign());

        assertTrue(result instanceof TokenResult.Valid, () -> "expected valid, got " + result);
        KeySetStatus status = verifier.trustedIssuers().get(0).keyStatus();
        assertTrue(status.loaded());
        assertEquals("discovery " + idp.issuer(), status.source());
    }

    /** What the metadata says, and the start of the cause that KeySetStatus shows. */
    static Stream<Arguments> refusedMetadata() {
        return Stream.of(
                // RFC 8414 §3.3: the metadata of another issuer must not name this issuer's keys.
                Arguments.of("issuer of another tenant", "{\"issuer\":\"{issuer}/other\",\"jwks_uri\":\"{jwks}\"}",
                        "IllegalArgumentException 'issuer mismatch"),
                Arguments.of("issuer differs by a trailing slash",
                        "{\"issuer\":\"{issuer}/\",\"jwks_uri\":\"{jwks}\"}", "IllegalArgumentException 'issuer mismatch"),
                Arguments.of("issuer missing", "{\"jwks_uri\":\"{jwks}\"}", "IllegalArgumentException 'issuer mismatch"),
                Arguments.of("jwks_uri over http off loopback",
                        "{\"issuer\":\"{issuer}\",\"jwks_uri\":\"http://keys.example.test/jwks.json\"}",
                        "IllegalArgumentException 'jwks_uri not https off loopback"),
                Arguments.of("jwks_uri relative", "{\"issuer\":\"{issuer}\",\"jwks_uri\":\"/jwks.json\"}",
                        "IllegalArgumentException 'jwks_uri must be an absolute"),
                Arguments.of("jwks_uri missing", "{\"issuer\":\"{issuer}\"}",
                        "IllegalArgumentException 'no jwks_uri string"),
                Arguments.of("jwks_uri not a string", "{\"issuer\":\"{issuer}\",\"jwks_uri\":7}",
                        "IllegalArgumentException 'no jwks_uri string"),
                Arguments.of("not JSON", "<html>login</html>", "ParseException"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedMetadata")
    void verifyWhenMetadataRefusedThenKeysUnavailable(String name, String document, String cause) {
        TestIssuer idp = issuerAt("/t");
        server.serveDocument("/t/.well-known/openid-configuration",
                document.replace("{issuer}", idp.issuer()).replace("{jwks}", server.uri().toString()));
        TokenVerifier verifier = verifier(idp.issuer());

        assertEquals(TokenFailure.KEYS_UNAVAILABLE, failureOf(verifier.verify(idp.token().sign())));

        KeySetStatus status = verifier.trustedIssuers().get(0).keyStatus();
        assertFalse(status.loaded());
        assertTrue(status.lastError().startsWith(cause), () -> "lastError " + status.lastError());
        assertEquals(2, server.fetches(), "both metadata locations tried, no JWKS fetched");
    }

    @Test
    void verifyWhenMetadataDownAtStartThenUnavailableUntilItIsUpThenValid() throws InterruptedException {
        TestIssuer idp = issuerAt("");
        TokenVerifier verifier = verifier(idp.issuer());

        assertEquals(TokenFailure.KEYS_UNAVAILABLE, failureOf(verifier.verify(idp.token().sign())));
        int afterFirst = server.fetches();
        assertEquals(2, afterFirst, "both metadata locations tried once");
        Thread.sleep(150); // past the rate limit, inside the 1 s back-off
        assertEquals(TokenFailure.KEYS_UNAVAILABLE, failureOf(verifier.verify(idp.token().sign())));
        assertEquals(afterFirst, server.fetches(), "backing off: no request to the issuer");

        server.serveDocument("/.well-known/openid-configuration", metadata(idp.issuer(), server.uri().toString()));
        Thread.sleep(DiscoveredJwksSource.MIN_BACKOFF_MILLIS + 100);
        TokenResult result = verifier.verify(idp.token().sign());

        assertTrue(result instanceof TokenResult.Valid, () -> "expected valid, got " + result);
        assertEquals(afterFirst + 2, server.fetches(), "one metadata and one JWKS fetch");
    }

    @Test
    void prefetchKeysWhenDiscoveryThenMetadataAndKeysLoaded() {
        TestIssuer idp = issuerAt("");
        server.serveDocument("/.well-known/openid-configuration", metadata(idp.issuer(), server.uri().toString()));
        TrustedIssuer issuer = TrustedIssuer.discovery(idp.issuer()).audience(AUDIENCE).build();

        KeySetStatus status = issuer.prefetchKeys();

        assertTrue(status.loaded());
        assertEquals(1, status.keyCount());
        assertNull(status.lastError());
    }

    static Stream<Arguments> badIssuers() {
        return Stream.of(
                Arguments.of("not a URL", IllegalArgumentException.class),
                Arguments.of("urn:example:issuer", IllegalArgumentException.class),
                Arguments.of("https://idp.example.test/?tenant=1", IllegalArgumentException.class),
                Arguments.of("https://idp.example.test/#x", IllegalArgumentException.class),
                Arguments.of("ftp://idp.example.test", IllegalArgumentException.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badIssuers")
    void discoveryWhenIssuerNotAnHttpUrlThenRefused(String issuer, Class<? extends Exception> expected) {
        assertThrows(expected, () -> TrustedIssuer.discovery(issuer));
    }

    @Test
    void buildWhenDiscoveryIssuerHttpOffLoopbackThenRefusedUnlessOptedIn() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TrustedIssuer.discovery("http://idp.example.test").audience(AUDIENCE).build());
        assertEquals("issuer http://idp.example.test: discovery needs an https issuer (http only on a loopback"
                + " host, or set allowUnsafeHttpJwksUri)", e.getMessage());
        TrustedIssuer allowed = TrustedIssuer.discovery("http://idp.example.test").audience(AUDIENCE)
                .allowUnsafeHttpJwksUri().build();
        assertEquals("discovery http://idp.example.test", allowed.keyStatus().source());
    }
}
