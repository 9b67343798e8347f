package io.scopeenforcer.token;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.scopeenforcer.internal.UntrustedText;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

/**
 * Watches one issuer's JWKS fetches for {@link KeySetStatus}: a layer wrapped directly around Nimbus's
 * {@code URLBasedJWKSetSource}, so it sees every real fetch (never a cache hit) and records its outcome. Only the
 * {@link JWKSetSource} interface is implemented, which is the same from Nimbus 9.37 to 10.x (Nimbus's own event
 * listeners differ between those versions). For a fixed key source it just holds the loaded state. Thread-safe.
 */
final class KeyFetches implements JWKSetSource<SecurityContext> {

    private final String issuer;
    private final String source;
    /** The URL source; null for fixed keys. */
    private final JWKSetSource<SecurityContext> url;
    /** The top of the caching chain, for a prefetch that fills the cache; null for fixed keys. */
    private volatile JWKSetSource<SecurityContext> cache;
    /** How long a fetched set stays usable: the cache TTL plus the outage tolerance; MAX_VALUE for fixed keys. */
    private final long usableMillis;
    private final LongAdder successes = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private volatile State state;

    private record State(int keyCount, Instant lastSuccess, Instant lastFailure, String lastError) {
    }

    private KeyFetches(String issuer, String source, JWKSetSource<SecurityContext> url, long usableMillis,
            State initial) {
        this.issuer = issuer;
        this.source = source;
        this.url = url;
        this.usableMillis = usableMillis;
        this.state = initial;
    }

    /**
     * Around a URL source; nothing is loaded until the first fetch.
     *
     * @param usableMillis how long a fetched set is served at most: the cache TTL plus the outage tolerance
     */
    static KeyFetches remote(String issuer, String source, JWKSetSource<SecurityContext> url, long usableMillis) {
        return new KeyFetches(issuer, source, url, usableMillis, new State(0, null, null, null));
    }

    /** Fixed keys, loaded now. */
    static KeyFetches fixed(String issuer, String source, int keyCount) {
        return new KeyFetches(issuer, source, null, Long.MAX_VALUE, new State(keyCount, Instant.now(), null, null));
    }

    /** Names the top of the caching chain built over this layer. */
    void attach(JWKSetSource<SecurityContext> top) {
        this.cache = top;
    }

    @Override
    public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refreshEvaluator, long currentTime, SecurityContext context)
            throws KeySourceException {
        try {
            JWKSet keys = url.getJWKSet(refreshEvaluator, currentTime, context);
            successes.increment();
            State s = state;
            state = new State(keys.size(), Instant.now(), s.lastFailure(), s.lastError());
            return keys;
        } catch (KeySourceException | RuntimeException e) {
            failures.increment();
            State s = state;
            state = new State(s.keyCount(), s.lastSuccess(), Instant.now(), describe(e));
            throw e;
        }
    }

    /**
     * Fetches through the cache when no usable set is in hand, so that the next request finds the keys; the
     * rate limit applies as to any refetch. A failure is recorded, never thrown.
     */
    void prefetch() {
        JWKSetSource<SecurityContext> top = cache;
        if (top == null || loaded(state)) {
            return;
        }
        try {
            top.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), System.currentTimeMillis(), null);
        } catch (KeySourceException | RuntimeException e) {
            // A fetch that failed was recorded by getJWKSet; an attempt the rate limit refused was no fetch.
        }
    }

    KeySetStatus status() {
        State s = state;
        return new KeySetStatus(issuer, source, loaded(s), s.keyCount(), s.lastSuccess(),
                s.lastFailure(), s.lastError(), url == null ? 0 : successes.sum(), failures.sum());
    }

    /**
     * A set is in hand when one was fetched and is not older than the cache would serve it (TTL plus outage
     * tolerance: past that, a request needs a fetch that has not succeeded).
     */
    private boolean loaded(State s) {
        return s.lastSuccess() != null && (usableMillis == Long.MAX_VALUE
                || System.currentTimeMillis() - s.lastSuccess().toEpochMilli() <= usableMillis);
    }

    /** The innermost cause's class and a short fragment of its message: the message may quote the answer body. */
    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : " " + UntrustedText.quote(message));
    }

    @Override
    public void close() throws IOException {
        if (url != null) {
            url.close();
        }
    }
}
