package io.scopeenforcer.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import io.scopeenforcer.internal.Verification;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The verifier's two caches and their counters. Thread-safe.
 *
 * <p>Invariants: a verified token is keyed by the whole token string ({@link TokenKey}, never a prefix or a
 * non-cryptographic hash of it), expires at {@code exp} plus the clock skew or after the maximum TTL, whichever
 * is first, and a hit re-checks that instant against the clock, so a token is never served past its expiry.
 * Only failures that the same string always gets again are cached negatively, in a separate, smaller cache, so a
 * flood of distinct bad tokens never evicts good ones.
 */
final class TokenCache {

    /** The negative cache holds at most this share of the positive cache's size. */
    static final int NEGATIVE_CACHE_DIVISOR = 10;

    private final Clock clock;
    /** Verified tokens; null when caching is off. */
    private final Cache<TokenKey, CachedToken> positive;
    /** Failures that cannot change; null when negative caching is off. */
    private final Cache<TokenKey, TokenResult.Invalid> negative;
    private final LongAdder hits = new LongAdder();
    private final LongAdder negativeHits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder evictions = new LongAdder();

    /**
     * @param maxEntries the most verified tokens held; 0 turns both caches off
     * @param negativeTtl how long a permanent failure is remembered; zero turns the negative cache off
     */
    TokenCache(Clock clock, long maxEntries, Duration maxTtl, Duration negativeTtl) {
        this.clock = clock;
        // Caffeine reads time from the same clock as the claim checks, so a fixed or stepped test clock
        // drives cache expiry too. Its maintenance (draining the read buffer, evicting) runs on the calling
        // thread, amortized, rather than as a task on the common pool: on a small machine the hand-off and the
        // second thread cost more than the work (CachedPathBenchmark, BENCHMARKS.md).
        Ticker ticker = () -> clock.millis() * 1_000_000L;
        if (maxEntries == 0) {
            this.positive = null;
            this.negative = null;
            return;
        }
        this.positive = Caffeine.newBuilder()
                .executor(Runnable::run)
                .ticker(ticker)
                .maximumSize(maxEntries)
                .expireAfter(new UntilExpiry(maxTtl.toNanos()))
                .evictionListener((TokenKey k, CachedToken v, RemovalCause cause) -> countEviction(cause))
                .build();
        this.negative = negativeTtl.isZero() ? null : Caffeine.newBuilder()
                .executor(Runnable::run)
                .ticker(ticker)
                .maximumSize(Math.max(1, maxEntries / NEGATIVE_CACHE_DIVISOR))
                .expireAfterWrite(negativeTtl.toNanos(), TimeUnit.NANOSECONDS)
                .evictionListener((TokenKey k, TokenResult.Invalid v, RemovalCause cause) -> countEviction(cause))
                .build();
    }

    /** False when caching is off: every lookup is a miss, nothing is kept. */
    boolean enabled() {
        return positive != null;
    }

    /**
     * The cached answer for a token, counted as a hit or a miss: its verification, {@code EXPIRED} for a cached
     * token whose time has passed (and which is dropped), a remembered permanent failure, or null (a miss: the
     * caller verifies and {@linkplain #remember remembers}).
     */
    Verification lookup(TokenKey key) { // key is null when caching is off
        if (positive == null) {
            misses.increment();
            return null;
        }
        CachedToken cached = positive.getIfPresent(key);
        if (cached != null) {
            hits.increment();
            if (clock.millis() < cached.validUntilMillis) {
                return cached;
            }
            // Caffeine's expiry and this check read the same clock; this one also covers a clock that moved
            // between the two reads. Never served past exp, and the entry's decisions go with it.
            positive.invalidate(key);
            return Verification.uncached(TokenVerifier.standard(TokenFailure.EXPIRED));
        }
        if (negative != null) {
            TokenResult.Invalid failed = negative.getIfPresent(key);
            if (failed != null) {
                negativeHits.increment();
                return Verification.uncached(failed);
            }
        }
        misses.increment();
        return null;
    }

    /**
     * Keeps a fresh verification: a valid token until {@code exp + skewMillis} or for {@code maxLifetimeMillis}
     * (an introspection answer's own limit; {@code Long.MAX_VALUE} for none), whichever is first, and never past the
     * max TTL; a permanent failure for the negative TTL; anything else not at all.
     *
     * @return the verification, with its entry when one was made
     */
    Verification remember(TokenKey key, TokenResult result, long skewMillis, long maxLifetimeMillis) {
        if (positive == null) {
            return Verification.uncached(result);
        }
        if (result instanceof TokenResult.Valid valid) {
            long validUntil = Math.min(saturatedAdd(valid.token().expiresAt().toEpochMilli(), skewMillis),
                    saturatedAdd(clock.millis(), maxLifetimeMillis));
            CachedToken entry = new CachedToken(valid, validUntil);
            positive.put(key, entry);
            return entry;
        }
        if (negative != null && isPermanent(((TokenResult.Invalid) result).failure())) {
            negative.put(key, (TokenResult.Invalid) result);
        }
        return Verification.uncached(result);
    }

    /** A snapshot of the counters. With caching off, every verification counts as a miss. */
    TokenCacheStats stats() {
        return new TokenCacheStats(hits.sum(), negativeHits.sum(), misses.sum(), evictions.sum(),
                positive == null ? 0 : positive.estimatedSize(), negative == null ? 0 : negative.estimatedSize());
    }

    /** Runs Caffeine's pending maintenance, so sizes are exact; for tests. */
    void cleanUp() {
        if (positive != null) {
            positive.cleanUp();
        }
        if (negative != null) {
            negative.cleanUp();
        }
    }

    private void countEviction(RemovalCause cause) {
        if (cause.wasEvicted()) {
            evictions.increment();
        }
    }

    /** Failures that the same token string will always get again (for a clock that only moves forward). */
    private static boolean isPermanent(TokenFailure failure) {
        switch (failure) {
            case MALFORMED:
            case TOO_LARGE:
            case UNSUPPORTED:
            case BAD_SIGNATURE:
            case WRONG_ISSUER:
            case WRONG_AUDIENCE:
            case WRONG_TYPE:
            case EXPIRED:
            case INACTIVE: // RFC 7662: an inactive token never becomes active again
                return true;
            default:
                // UNKNOWN_KEY and KEYS_UNAVAILABLE change with the next JWKS fetch, NOT_YET_VALID with time.
                return false;
        }
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
    }

    /**
     * A cached verified token with the instant (epoch ms) it stops being valid (exp plus the clock skew), and the
     * engine's decisions for it, created on first use.
     */
    private static final class CachedToken implements Verification {
        final TokenResult.Valid result;
        final long validUntilMillis;
        private volatile ConcurrentMap<Object, Object> decisions;

        CachedToken(TokenResult.Valid result, long validUntilMillis) {
            this.result = result;
            this.validUntilMillis = validUntilMillis;
        }

        @Override
        public TokenResult result() {
            return result;
        }

        @Override
        public ConcurrentMap<Object, Object> decisions() {
            ConcurrentMap<Object, Object> map = decisions;
            if (map == null) {
                synchronized (this) {
                    map = decisions;
                    if (map == null) {
                        map = new ConcurrentHashMap<>(4);
                        decisions = map;
                    }
                }
            }
            return map;
        }
    }

    /** Expires a cached token when it stops being valid or after the max TTL, whichever is first. */
    private static final class UntilExpiry implements Expiry<TokenKey, CachedToken> {
        private final long maxTtlNanos;

        UntilExpiry(long maxTtlNanos) {
            this.maxTtlNanos = maxTtlNanos;
        }

        @Override
        public long expireAfterCreate(TokenKey key, CachedToken value, long currentTime) {
            long untilNanos = value.validUntilMillis >= Long.MAX_VALUE / 1_000_000L
                    ? Long.MAX_VALUE : value.validUntilMillis * 1_000_000L - currentTime;
            return Math.max(0, Math.min(untilNanos, maxTtlNanos));
        }

        @Override
        public long expireAfterUpdate(TokenKey key, CachedToken value, long currentTime, long currentDuration) {
            return expireAfterCreate(key, value, currentTime);
        }

        @Override
        public long expireAfterRead(TokenKey key, CachedToken value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
