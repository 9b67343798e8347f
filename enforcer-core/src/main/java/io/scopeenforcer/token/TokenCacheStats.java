package io.scopeenforcer.token;

/**
 * A snapshot of a {@link TokenVerifier}'s token caches.
 *
 * @param hits lookups answered by a cached verified token
 * @param negativeHits lookups answered by a cached failure (a repeated bad token)
 * @param misses lookups that ran a full verification
 * @param evictions entries removed for size or expiry, both caches
 * @param size cached verified tokens (estimate)
 * @param negativeSize cached failures (estimate)
 */
public record TokenCacheStats(long hits, long negativeHits, long misses, long evictions, long size, long negativeSize) {

    /** Share of lookups answered from a cache, positive or negative; 1.0 when there was no lookup. */
    public double hitRate() {
        long answered = hits + negativeHits;
        long total = answered + misses;
        return total == 0 ? 1.0 : (double) answered / total;
    }
}
