package io.scopeenforcer.internal;

import io.scopeenforcer.token.TokenResult;
import java.util.concurrent.ConcurrentMap;

/**
 * A token's verification as the engine sees it: the result, and the place where the engine keeps that token's
 * decisions. For a cached token the place is its token-cache entry, so its decisions live exactly as long as the
 * entry (dropped with it at {@code exp}, at the max TTL or on eviction) and are reached with the same single cache
 * probe that verified the token. Implementations are thread-safe.
 */
public interface Verification {

    /** The verification result. */
    TokenResult result();

    /**
     * The decisions kept with this token, created on first use; null when the token is not cached (a failure, or
     * caching off), where nothing may be kept.
     */
    ConcurrentMap<Object, Object> decisions();

    /** A result that is not cached: no place for decisions. */
    static Verification uncached(TokenResult result) {
        return new Verification() {
            @Override
            public TokenResult result() {
                return result;
            }

            @Override
            public ConcurrentMap<Object, Object> decisions() {
                return null;
            }
        };
    }
}
