package io.scopeenforcer.token;

import static io.scopeenforcer.token.Fixtures.AUDIENCE;
import static io.scopeenforcer.token.Fixtures.IDP;
import static io.scopeenforcer.token.Fixtures.NOW;
import static io.scopeenforcer.token.Fixtures.failureOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scopeenforcer.testing.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class TokenCacheTest {

    private static TrustedIssuer issuer(Duration skew) {
        return TrustedIssuer.jwkSet(IDP.issuer(), IDP.publicJwkSet()).audience(AUDIENCE).clockSkew(skew)
                .build();
    }

    @Test
    void verifyWhenCachedThenHitUntilExpThenExpired() {
        TestClock clock = TestClock.at(NOW);
        TokenVerifier verifier = TokenVerifier.newBuilder().trust(issuer(Duration.ZERO)).clock(clock).build();
        String token = IDP.token().now(NOW).expiresIn(Duration.ofSeconds(60)).sign();

        TokenResult first = verifier.verify(token);
        assertNull(failureOf(first));
        assertSame(first, verifier.verify(token), "a hit returns the cached result");
        assertEquals(new TokenCacheStats(1, 0, 1, 0, 1, 0), verifier.stats());

        clock.advance(Duration.ofMillis(59_999));
        assertNull(failureOf(verifier.verify(token)), "one millisecond before exp");
        assertEquals(2, verifier.stats().hits());

        clock.advance(Duration.ofMillis(1));
        assertEquals(TokenFailure.EXPIRED, failureOf(verifier.verify(token)), "at exp, never stale");
        verifier.cleanUp();
        assertEquals(0, verifier.stats().size());
        assertEquals(TokenFailure.EXPIRED, failureOf(verifier.verify(token)));
    }

    @Test
    void verifyWhenSkewThenCachedUntilExpPlusSkew() {
        TestClock clock = TestClock.at(NOW);
        TokenVerifier verifier = TokenVerifier.newBuilder().trust(issuer(Duration.ofSeconds(30))).clock(clock).build();
        String token = IDP.token().now(NOW).expiresIn(Duration.ofSeconds(10)).sign();
        assertNull(failureOf(verifier.verify(token)));
        clock.advance(Duration.ofSeconds(39));
        assertNull(failureOf(verifier.verify(token)));
        assertEquals(1, verifier.stats().hits());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(TokenFailure.EXPIRED, failureOf(verifier.verify(token)));
    }

    @Test
    void verifyWhenCacheMaxTtlShorterThanExpThenReverifiedAfterIt() {
        TestClock clock = TestClock.at(NOW);
        TokenVerifier verifier = TokenVerifier.newBuilder().trust(issuer(Duration.ZERO)).clock(clock)
                .cacheMaxTtl(Duration.ofSeconds(10)).build();
        String token = IDP.token().now(NOW).expiresIn(Duration.ofHours(1)).sign();
        verifier.verify(token);
        clock.advance(Duration.ofMillis(9_999));
        verifier.verify(token);
        assertEquals(1, verifier.stats().misses());
        clock.advance(Duration.ofMillis(1));
        assertNull(failureOf(verifier.verify(token)));
        assertEquals(2, verifier.stats().misses(), "re-verified after cacheMaxTtl");
    }

    @Test
    void verifyWhenSameBadTokenRepeatedThenOneVerificationAndNegativeHits() {
        TestClock clock = TestClock.at(NOW);
        TokenVerifier verifier = TokenVerifier.newBuilder().trust(issuer(Duration.ZERO)).clock(clock)
                .negativeCacheTtl(Duration.ofSeconds(5)).build();
        String forged = Fixtures.ATTACKER.token().now(NOW).keyId(IDP.rsa().kid()).sign();
        for (int i = 0; i < 5; i++) {
            assertEquals(TokenFailure.BAD_SIGNATURE, failureOf(verifier.verify(forged)));
        }
        TokenCacheStats stats = verifier.stats();
        assertEquals(1, stats.misses());
        assertEquals(4, stats.negativeHits());
        assertEquals(0, stats.hits());
        assertEquals(1, stats.negativeSize());
        assertEquals(0, verifier.stats().size());
        assertEquals(0.8, stats.hitRate(), 1e-9);

        clock.advance(Duration.ofSeconds(5));
        assertEquals(TokenFailure.BAD_SIGNATURE, failureOf(verifier.verify(forged)));
        assertEquals(2, verifier.stats().misses(), "negative entries expire after negativeCacheTtl");
    }

    @Test
    void verifyWhenFailureMayChangeThenNeverNegativelyCached() {
        TestClock clock = TestClock.at(NOW);
        TokenVerifier verifier = TokenVerifier.newBuilder().trust(issuer(Duration.ZERO)).clock(clock).build();
        String unknownKey = IDP.token().now(NOW).keyId("rotating-in").sign();
        String early = IDP.token().now(NOW).notBefore(NOW.plusSeconds(10)).sign();
        for (int i = 0; i < 3; i++) {
            assertEquals(TokenFailure.UNKNOWN_KEY, failureOf(verifier.verify(unknownKey)));
            assertEquals(TokenFailure.NOT_YET_VALID, failureOf(verifier.verify(early)));
        }
        assertEquals(6, verifier.stats().misses());
        assertEquals(0, verifier.stats().negativeHits());
        clock.advance(Duration.ofSeconds(10));
        assertNull(failureOf(verifier.verify(early)));
    }

    @Test
    void verifyWhenNegativeCacheOffThenEveryBadTokenVerified() {
        TokenVerifier verifier = TokenVerifier.newBuilder().trust(issuer(Duration.ZERO)).clock(Fixtures.FIXED)
                .negativeCacheTtl(Duration.ZERO).build();
        String wrongAudience = IDP.token().audience("urn:nope").sign();
        verifier.verify(wrongAudience);
        verifier.verify(wrongAudience);
        assertEquals(2, verifier.stats().misses());
        assertEquals(0, verifier.stats().negativeSize());
    }

    @Test
    void verifyWhenCacheOffThenNothingCached() {
        TokenVerifier verifier = TokenVerifier.newBuilder().trust(issuer(Duration.ZERO)).clock(Fixtures.FIXED)
                .cacheMaxEntries(0).build();
        String token = IDP.token().sign();
        verifier.verify(token);
        verifier.verify(token);
        assertEquals(new TokenCacheStats(0, 0, 2, 0, 0, 0), verifier.stats());
        assertEquals(0, verifier.stats().size());
    }

    @Test
    void verifyWhenMoreTokensThanMaxEntriesThenBoundHonored() {
        TokenVerifier verifier = TokenVerifier.newBuilder().trust(issuer(Duration.ZERO)).clock(Fixtures.FIXED)
                .cacheMaxEntries(50).build();
        for (int i = 0; i < 300; i++) {
            assertNull(failureOf(verifier.verify(IDP.token().signedWith(IDP.ed25519()).sign())));
        }
        for (int i = 0; i < 100; i++) {
            verifier.verify(IDP.token().signedWith(IDP.ed25519()).audience("urn:nope-" + i).sign());
        }
        verifier.cleanUp();
        TokenCacheStats stats = verifier.stats();
        assertTrue(verifier.stats().size() <= 50, "positive size " + verifier.stats().size());
        assertTrue(stats.negativeSize() <= 5, "negative size " + stats.negativeSize());
        assertTrue(stats.evictions() >= 250 + 95, "evictions " + stats.evictions());
    }

    @Test
    void verifyWhenConcurrentMixedTokensThenCachedAgreesWithFresh() throws Exception {
        TokenVerifier fresh = Fixtures.verifier(0);
        TokenVerifier cached = TokenVerifier.newBuilder()
                .trust(IDP.trustedIssuer())
                .trust(Fixtures.OTHER_IDP.trustedIssuer())
                .clock(Fixtures.FIXED)
                .cacheMaxEntries(60) // smaller than the pool: evictions race with hits
                .build();
        List<String> pool = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            pool.add(IDP.token().signedWith(i % 2 == 0 ? IDP.ed25519() : IDP.ec()).scope("s:" + i).sign());
            pool.add(Fixtures.OTHER_IDP.token().signedWith(Fixtures.OTHER_IDP.ed25519()).subject("u" + i).sign());
            pool.add(IDP.token().signedWith(IDP.ed25519()).expiresIn(Duration.ofSeconds(-i - 1)).sign());
            pool.add(IDP.token().signedWith(IDP.ed25519()).audience("urn:other-" + i).sign());
            pool.add(Fixtures.ATTACKER.token().signedWith(Fixtures.ATTACKER.ed25519()).keyId(IDP.ed25519().kid()).sign());
            pool.add(IDP.token().signedWith(IDP.ed25519()).keyId("unknown-" + i).sign());
            pool.add(IDP.token().signedWith(IDP.ed25519()).notBefore(NOW.plusSeconds(3600)).sign());
            pool.add(IDP.token().signedWith(IDP.ed25519()).sign().replace('.', i % 2 == 0 ? '!' : '.') + "x");
        }
        Map<String, String> expected = new ConcurrentHashMap<>();
        for (String token : pool) {
            expected.put(token, summary(fresh.verify(token)));
        }
        int threads = 8;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(executor.submit(() -> {
                    start.await();
                    int checked = 0;
                    for (int i = 0; i < 800; i++) {
                        String token = pool.get(ThreadLocalRandom.current().nextInt(pool.size()));
                        assertEquals(expected.get(token), summary(cached.verify(token)));
                        checked++;
                    }
                    return checked;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> f : done) {
                total += f.get();
            }
            assertEquals(threads * 800, total);
        } finally {
            executor.shutdownNow();
        }
        TokenCacheStats stats = cached.stats();
        assertEquals(threads * 800L, stats.hits() + stats.negativeHits() + stats.misses());
        assertTrue(stats.hits() > 0 && stats.negativeHits() > 0, stats::toString);
    }

    private static String summary(TokenResult result) {
        if (result instanceof TokenResult.Invalid) {
            return ((TokenResult.Invalid) result).failure() + ": " + ((TokenResult.Invalid) result).description();
        }
        VerifiedToken t = ((TokenResult.Valid) result).token();
        return "valid " + t + " " + t.claims() + " " + t.audiences();
    }
}
