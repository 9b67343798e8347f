package io.scopeenforcer;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;
import java.util.Objects;

/**
 * Remembers the DPoP proofs already used (RFC 9449 §11.1), so that a proof is accepted once. Keys are opaque,
 * fixed-length strings (a SHA-256 over the proof key's thumbprint and the proof's {@code jti}): never the proof or
 * the token. Implementations are thread-safe; one shared by several instances of the API (for example over Redis,
 * {@code SET key 1 NX PX retention}) makes a replay to another instance fail too, where the in-memory one only
 * catches a replay to the same instance.
 */
public interface ReplayCache {

    /**
     * Records {@code key} as used for {@code retention}, atomically.
     *
     * @param key the proof's replay key
     * @param retention how long the key must be remembered: as long as a proof with its {@code iat} is accepted
     * @return true when the key was not already recorded (the proof is fresh), false for a replay
     * @throws Unavailable when a shared store cannot answer (down, or slower than its timeout): the engine then
     *     answers 503 with {@code Retry-After}, since neither "fresh" nor "replay" would be the truth
     */
    boolean markUsed(String key, Duration retention);

    /**
     * A shared replay store could not say whether a key was used. Not the client's fault: the request is answered
     * 503 ({@link Decision.Reason#REPLAY_CACHE_UNAVAILABLE}), never a 5xx from the exception.
     */
    final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /**
         * @param message what failed, without the store's credentials
         * @param cause the client's exception, or null
         */
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * A bounded in-memory cache (Caffeine): at most {@code maxEntries} keys, each kept for the retention its
     * {@link #markUsed} asked for. Full, it evicts a key early, and a proof replayed after its key was evicted is
     * accepted again: size it above the proofs a retention brings (requests per second × the retention).
     *
     * @throws IllegalArgumentException when {@code maxEntries} is below 1
     */
    static ReplayCache inMemory(long maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, got " + maxEntries);
        }
        // The value is the entry's own retention, so each key expires when its proof could no longer be accepted.
        // An Expiry written out, not Expiry.creating(...): that factory is Caffeine 3.2's, and 3.1.8 is supported
        // (.ci/matrix binary-oldest caught it).
        Cache<String, Duration> seen = Caffeine.newBuilder().executor(Runnable::run).maximumSize(maxEntries)
                .expireAfter(new Expiry<String, Duration>() {
                    @Override
                    public long expireAfterCreate(String key, Duration retention, long currentTime) {
                        return saturatedNanos(retention);
                    }

                    @Override
                    public long expireAfterUpdate(String key, Duration retention, long currentTime,
                            long currentDuration) {
                        return currentDuration;
                    }

                    @Override
                    public long expireAfterRead(String key, Duration retention, long currentTime,
                            long currentDuration) {
                        return currentDuration;
                    }
                }).build();
        return (key, retention) -> seen.asMap().putIfAbsent(key, Objects.requireNonNull(retention, "retention")) == null;
    }

    /** A retention in nanoseconds, saturating instead of overflowing for a huge duration. */
    private static long saturatedNanos(Duration retention) {
        try {
            return Math.max(0, retention.toNanos());
        } catch (ArithmeticException e) {
            return retention.isNegative() ? 0 : Long.MAX_VALUE;
        }
    }
}
