package io.scopeenforcer.token;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.scopeenforcer.testing.JwksServer;
import io.scopeenforcer.testing.TestIssuer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link TrustedIssuer#keyStatus()} and {@link TrustedIssuer#prefetchKeys()}: fixed keys are loaded from the start;
 * a JWKS URI's keys once a fetch succeeded, for as long as the cache serves them; fetches and failures counted, the
 * last error named; a prefetch goes through the cache, so the next token finds the keys there.
 */
class KeySetStatusTest {

    private static final TestIssuer IDP = TestIssuer.create("https://idp.example.test");

    static Stream<Arguments> fixedSources() throws Exception {
        Path file = Files.createTempFile("jwks", ".json");
        file.toFile().deleteOnExit();
        Files.writeString(file, IDP.publicJwkSet().toString());
        return Stream.of(
                Arguments.of(TrustedIssuer.jwkSet(IDP.issuer(), IDP.publicJwkSet()).audience("a").build(), "jwkSet", 3),
                Arguments.of(TrustedIssuer.jwksFile(IDP.issuer(), file).audience("a").build(), "jwksFile " + file, 3),
                Arguments.of(TrustedIssuer.sharedSecret(IDP.issuer(), new byte[32]).audience("a").build(),
                        "sharedSecret", 1));
    }

    @ParameterizedTest
    @MethodSource("fixedSources")
    void keyStatusWhenFixedKeysThenLoadedFromTheStartAndNothingFetched(TrustedIssuer issuer, String source, int keys) {
        KeySetStatus status = issuer.prefetchKeys();
        assertAll(
                () -> assertEquals(IDP.issuer(), status.issuer()),
                () -> assertEquals(source, status.source()),
                () -> assertEquals(true, status.loaded()),
                () -> assertEquals(keys, status.keyCount()),
                () -> assertNotNull(status.lastSuccess()),
                () -> assertEquals(0, status.fetches()),
                () -> assertEquals(0, status.failures()),
                () -> assertNull(status.lastError()));
    }

    @Test
    void keyStatusWhenJwksUriThenLoadedAfterAFetchAndNotOnceTheCacheWouldNoLongerServeIt() throws Exception {
        try (JwksServer jwks = JwksServer.start(IDP.publicJwkSet())) {
            TrustedIssuer issuer = TrustedIssuer.jwksUri(IDP.issuer(), jwks.uri()).audience(TestIssuer.DEFAULT_AUDIENCE)
                    .jwksCacheTtl(Duration.ofMillis(400)).jwksRefreshAhead(Duration.ZERO)
                    .jwksRateLimit(Duration.ofMillis(50)).jwksOutageTolerance(Duration.ZERO).build();
            TokenVerifier verifier = TokenVerifier.newBuilder().trust(issuer).cacheMaxEntries(0).build();
            assertEquals(false, issuer.keyStatus().loaded());
            assertEquals(0, jwks.fetches(), "keyStatus() costs no fetch");

            KeySetStatus prefetched = issuer.prefetchKeys();
            assertEquals(true, prefetched.loaded());
            assertEquals(3, prefetched.keyCount());
            assertEquals(1, prefetched.fetches());
            assertEquals(TokenResult.Valid.class, verifier.verify(IDP.token().sign()).getClass());
            assertEquals(1, jwks.fetches(), "the token found the prefetched keys in the cache");

            jwks.failWithStatus(500);
            Thread.sleep(500);
            assertEquals(false, issuer.keyStatus().loaded(), "past the TTL, with no outage tolerance");
            KeySetStatus failed = issuer.prefetchKeys();
            assertAll(
                    () -> assertEquals(false, failed.loaded()),
                    () -> assertEquals(1, failed.failures()),
                    () -> assertNotNull(failed.lastFailure()),
                    () -> assertEquals("IOException 'Server returned HTTP response code: 500 ...'", failed.lastError()),
                    () -> assertEquals(3, failed.keyCount(), "the last set's size stays"));

            jwks.heal();
            Thread.sleep(120); // past the rate limit window
            assertEquals(true, issuer.prefetchKeys().loaded());
            assertEquals(2, issuer.keyStatus().fetches());
        }
    }
}
