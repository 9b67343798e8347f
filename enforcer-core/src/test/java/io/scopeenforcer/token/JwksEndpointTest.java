package io.scopeenforcer.token;

import static io.scopeenforcer.token.Fixtures.AUDIENCE;
import static io.scopeenforcer.token.Fixtures.failureOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scopeenforcer.testing.JwksServer;
import io.scopeenforcer.testing.TestIssuer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keys from a real JWKS endpoint that the test rotates, breaks, slows down, bloats and floods. The JWKS
 * cache runs on the system clock (Nimbus), so these tests use short real durations and a system-clock issuer.
 */
class JwksEndpointTest {

    /** Signs with the system clock, since the JWKS cache's timings are real. */
    private static final TestIssuer IDP = TestIssuer.create("https://jwks-idp.example.test");
    /** Generous, so that a loaded machine does not fail a fetch that should succeed. */
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** For the tests about timeouts. */
    private static final Duration SHORT = Duration.ofMillis(300);

    private JwksServer jwks;

    @BeforeAll
    static void warmUp() {
        // The first HTTP exchange of the JVM loads Jetty's and the JDK client's classes; pay for it here.
        try (JwksServer server = JwksServer.start(IDP.rsa().publicJwkSet())) {
            uncached(TrustedIssuer.jwksUri(IDP.issuer(), server.uri()).audience(AUDIENCE)
                    .jwksReadTimeout(Duration.ofSeconds(10)).build()).verify(IDP.token().sign());
        }
    }

    @BeforeEach
    void startServer() {
        jwks = JwksServer.start(IDP.rsa().publicJwkSet());
    }

    @AfterEach
    void stopServer() {
        jwks.close();
    }

    /** A remote issuer with short timeouts and no refresh-ahead (so fetch counts are exact). */
    private TrustedIssuer.JwksUriBuilder remote() {
        return TrustedIssuer.jwksUri(IDP.issuer(), jwks.uri()).audience(AUDIENCE)
                .jwksConnectTimeout(TIMEOUT).jwksReadTimeout(TIMEOUT).jwksRefreshAhead(Duration.ZERO);
    }

    /** Token cache off, so that every call reaches the key source. */
    private static TokenVerifier uncached(TrustedIssuer issuer) {
        return TokenVerifier.newBuilder().trust(issuer).cacheMaxEntries(0).build();
    }

    @Test
    void verifyWhenUnknownIssuerOrAlgorithmThenNoFetch() {
        TokenVerifier verifier = uncached(remote().build());
        assertEquals(0, jwks.fetches(), "keys are fetched lazily");
        assertEquals(TokenFailure.WRONG_ISSUER, failureOf(verifier.verify(IDP.token().issuer("https://x.test").sign())));
        assertEquals(TokenFailure.UNSUPPORTED, failureOf(verifier.verify(IDP.token().hmac(new byte[32]).sign())));
        assertEquals(TokenFailure.MALFORMED, failureOf(verifier.verify("a.b.c")));
        assertEquals(0, jwks.fetches());
        assertNull(failureOf(verifier.verify(IDP.token().sign())));
        assertEquals(1, jwks.fetches());
    }

    @Test
    void verifyWhenNewKeyPublishedThenPickedUpByOneRefetch() {
        TokenVerifier verifier = uncached(remote().jwksCacheTtl(Duration.ofMinutes(5)).build());
        assertNull(failureOf(verifier.verify(IDP.token().sign())));
        assertNull(failureOf(verifier.verify(IDP.token().sign())));
        assertEquals(1, jwks.fetches());

        jwks.addKey(IDP.ec().publicJwk());
        assertNull(failureOf(verifier.verify(IDP.token().signedWith(IDP.ec()).sign())));
        assertEquals(2, jwks.fetches(), "one refetch for the unknown kid");
        assertNull(failureOf(verifier.verify(IDP.token().signedWith(IDP.ec()).sign())));
        assertNull(failureOf(verifier.verify(IDP.token().sign())));
        assertEquals(2, jwks.fetches());
    }

    @Test
    void verifyWhenKeyRemovedThenFailsAfterTheCacheTtl() throws Exception {
        TokenVerifier verifier = uncached(remote().jwksCacheTtl(Duration.ofMillis(1500))
                .jwksRateLimit(Duration.ofMillis(100)).build());
        assertNull(failureOf(verifier.verify(IDP.token().sign())));
        jwks.serve(IDP.ec().publicJwkSet());
        assertNull(failureOf(verifier.verify(IDP.token().sign())), "still cached");
        Thread.sleep(1600);
        assertEquals(TokenFailure.UNKNOWN_KEY, failureOf(verifier.verify(IDP.token().sign())));
        assertNull(failureOf(verifier.verify(IDP.token().signedWith(IDP.ec()).sign())));
    }

    /**
     * Long enough that the first three verifications (a cold JVM's first fetch among them) fit in one window
     * on a loaded machine: at 2 s the third one once came after the window closed.
     */
    private static final Duration RATE_LIMIT_WINDOW = Duration.ofSeconds(4);

    @Test
    void verifyWhenUnknownKeyWasRateLimitedThenSameTokenPassesLater() throws Exception {
        // The token cache is on: an UNKNOWN_KEY must not stick to the token.
        TokenVerifier verifier = TokenVerifier.newBuilder()
                .trust(remote().jwksCacheTtl(Duration.ofMinutes(5)).jwksRateLimit(RATE_LIMIT_WINDOW).build())
                .build();
        assertNull(failureOf(verifier.verify(IDP.token().sign())));
        assertEquals(TokenFailure.UNKNOWN_KEY, failureOf(verifier.verify(IDP.token().keyId("nope-1").sign())));
        assertEquals(2, jwks.fetches(), "Nimbus allows a second fetch in the window");
        jwks.addKey(IDP.ec().publicJwk());
        String token = IDP.token().signedWith(IDP.ec()).sign();
        assertEquals(TokenFailure.UNKNOWN_KEY, failureOf(verifier.verify(token)), "refetch refused by the rate limit");
        assertEquals(2, jwks.fetches());
        Thread.sleep(RATE_LIMIT_WINDOW.toMillis() + 100);
        assertNull(failureOf(verifier.verify(token)));
        assertEquals(3, jwks.fetches());
    }

    @Test
    void verifyWhenFloodedWithUnknownKidsThenFetchesStayWithinRateLimit() {
        Duration rate = Duration.ofMillis(400);
        TokenVerifier verifier = TokenVerifier.newBuilder()
                .trust(remote().jwksCacheTtl(Duration.ofMinutes(5)).jwksRateLimit(rate).build()).build();
        long start = System.nanoTime();
        assertNull(failureOf(verifier.verify(IDP.token().sign())));
        int tokens = 0;
        while (System.nanoTime() - start < Duration.ofMillis(1000).toNanos()) {
            String forged = IDP.token().keyId(UUID.randomUUID().toString()).signature(Fixtures.b64(new byte[256])).sign();
            assertEquals(TokenFailure.UNKNOWN_KEY, failureOf(verifier.verify(forged)));
            tokens++;
        }
        long windows = (System.nanoTime() - start) / rate.toNanos() + 1;
        assertTrue(tokens > 50, "the flood was a flood: " + tokens);
        // Nimbus's rate limiter lets two fetches through per interval.
        assertTrue(jwks.fetches() <= 2 * windows, jwks.fetches() + " fetches in " + windows + " windows");
        assertNull(failureOf(verifier.verify(IDP.token().sign())), "good tokens unaffected");
    }

    @Test
    void verifyWhenOutageWithWarmCacheThenGoodTokensKeepWorking() throws Exception {
        TokenVerifier verifier = uncached(remote().jwksCacheTtl(Duration.ofMillis(500))
                .jwksRateLimit(Duration.ofMillis(100)).jwksOutageTolerance(Duration.ofMinutes(1)).build());
        assertNull(failureOf(verifier.verify(IDP.token().sign())));
        jwks.failWithStatus(500);
        Thread.sleep(600);
        assertNull(failureOf(verifier.verify(IDP.token().sign())), "500 after the TTL");
        jwks.dropConnections();
        Thread.sleep(600);
        assertNull(failureOf(verifier.verify(IDP.token().sign())), "dropped connections after the TTL");
        jwks.serveRaw("<html>maintenance</html>");
        Thread.sleep(600);
        assertNull(failureOf(verifier.verify(IDP.token().sign())), "garbage after the TTL");
        assertTrue(jwks.fetches() >= 3, "it did try: " + jwks.fetches());
        assertEquals(TokenFailure.UNKNOWN_KEY,
                failureOf(verifier.verify(IDP.token().signedWith(IDP.ec()).sign())), "unknown kid during the outage");
    }

    @Test
    void verifyWhenOutageToleranceOffThenKeysUnavailableAfterTheTtl() throws Exception {
        TokenVerifier verifier = uncached(remote().jwksCacheTtl(Duration.ofMillis(400))
                .jwksRateLimit(Duration.ofMillis(100)).jwksOutageTolerance(Duration.ZERO).build());
        assertNull(failureOf(verifier.verify(IDP.token().sign())));
        jwks.failWithStatus(503);
        Thread.sleep(500);
        assertEquals(TokenFailure.KEYS_UNAVAILABLE, failureOf(verifier.verify(IDP.token().sign())));
    }

    static Stream<Arguments> brokenEndpoints() {
        return Stream.of(
                Arguments.of("status 500", (Consumer<JwksServer>) s -> s.failWithStatus(500)),
                Arguments.of("status 404", (Consumer<JwksServer>) s -> s.failWithStatus(404)),
                Arguments.of("connection closed", (Consumer<JwksServer>) JwksServer::dropConnections),
                Arguments.of("garbage body", (Consumer<JwksServer>) s -> s.serveRaw("\u0000\u0001garbage")),
                Arguments.of("HTML body", (Consumer<JwksServer>) s -> s.serveRaw("<html><body>login</body></html>")),
                Arguments.of("empty object", (Consumer<JwksServer>) s -> s.serveRaw("{}")),
                Arguments.of("empty body", (Consumer<JwksServer>) s -> s.serveRaw("")),
                Arguments.of("keys not an array", (Consumer<JwksServer>) s -> s.serveRaw("{\"keys\":{}}")),
                Arguments.of("1 MiB body", (Consumer<JwksServer>) s -> s.bloat(1 << 20)),
                Arguments.of("slower than the read timeout", (Consumer<JwksServer>) s -> s.delay(Duration.ofSeconds(5))),
                Arguments.of("endless chunked body", (Consumer<JwksServer>) s -> s.endlessChunked(Duration.ZERO)),
                // Found by JwksFaultsOverHttpTest: each read is quick, so only a deadline on the whole fetch ends it.
                Arguments.of("endless chunked body, one chunk every 100 ms",
                        (Consumer<JwksServer>) s -> s.endlessChunked(Duration.ofMillis(100))),
                Arguments.of("server stopped", (Consumer<JwksServer>) JwksServer::close));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenEndpoints")
    void verifyWhenEndpointBrokenAndCacheColdThenKeysUnavailableWithinTimeouts(String name, Consumer<JwksServer> breakIt) {
        breakIt.accept(jwks);
        TokenVerifier verifier = uncached(TrustedIssuer.jwksUri(IDP.issuer(), jwks.uri()).audience(AUDIENCE)
                .jwksConnectTimeout(SHORT).jwksReadTimeout(SHORT).jwksRefreshAhead(Duration.ZERO)
                .jwksCacheTtl(Duration.ofSeconds(5)).jwksRateLimit(Duration.ofMillis(200)).build());
        long start = System.nanoTime();
        TokenResult result = verifier.verify(IDP.token().sign());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(TokenFailure.KEYS_UNAVAILABLE, failureOf(result), name);
        assertTrue(took.compareTo(Duration.ofMillis(1500)) < 0, "took " + took);
        assertEquals(TokenFailure.KEYS_UNAVAILABLE, ((TokenResult.Invalid) result).failure());
    }

    @Test
    void verifyWhenEndpointHealsThenColdVerifierRecovers() throws Exception {
        jwks.failWithStatus(500);
        TokenVerifier verifier = TokenVerifier.newBuilder().trust(remote().jwksCacheTtl(Duration.ofSeconds(5))
                .jwksRateLimit(Duration.ofMillis(200)).build()).build();
        String token = IDP.token().sign();
        assertEquals(TokenFailure.KEYS_UNAVAILABLE, failureOf(verifier.verify(token)));
        assertEquals(TokenFailure.KEYS_UNAVAILABLE, failureOf(verifier.verify(token)), "not cached, tried again");
        jwks.heal();
        Thread.sleep(250);
        assertNull(failureOf(verifier.verify(token)), "the same token, once keys are back");
    }

    @Test
    void verifyWhenManyThreadsWaitForASlowEndpointThenNoneHangs() throws Exception {
        jwks.delay(Duration.ofSeconds(5));
        TokenVerifier verifier = uncached(TrustedIssuer.jwksUri(IDP.issuer(), jwks.uri()).audience(AUDIENCE)
                .jwksConnectTimeout(SHORT).jwksReadTimeout(SHORT).jwksRefreshAhead(Duration.ZERO)
                .jwksCacheTtl(Duration.ofSeconds(5)).build());
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            long start = System.nanoTime();
            List<Future<TokenResult>> results = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                results.add(pool.submit(() -> verifier.verify(IDP.token().sign())));
            }
            for (Future<TokenResult> f : results) {
                assertEquals(TokenFailure.KEYS_UNAVAILABLE, failureOf(f.get()));
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "took " + took);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void verifyWhenSlowButWithinTimeoutThenValid() {
        jwks.delay(Duration.ofMillis(100));
        TokenVerifier verifier = uncached(remote().build());
        assertNull(failureOf(verifier.verify(IDP.token().sign())));
    }

    @Test
    void verifyWhenInRefreshAheadWindowThenRefetchesInBackground() throws Exception {
        // TTL 3 s, refresh-ahead 1.5 s: from 1.5 s on, a request starts a background refetch and does not wait.
        TokenVerifier verifier = uncached(TrustedIssuer.jwksUri(IDP.issuer(), jwks.uri()).audience(AUDIENCE)
                .jwksConnectTimeout(SHORT).jwksReadTimeout(Duration.ofSeconds(1))
                .jwksCacheTtl(Duration.ofSeconds(3)).jwksRefreshAhead(Duration.ofMillis(1500))
                .jwksRateLimit(Duration.ofMillis(100)).build());
        assertNull(failureOf(verifier.verify(IDP.token().sign())));
        assertEquals(1, jwks.fetches());
        jwks.delay(Duration.ofMillis(600));
        Thread.sleep(1700);
        long start = System.nanoTime();
        assertNull(failureOf(verifier.verify(IDP.token().sign())));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(Duration.ofMillis(500)) < 0, "did not wait for the 600 ms refetch: " + took);
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (jwks.fetches() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(2, jwks.fetches(), "refetched in the background");
    }
}
