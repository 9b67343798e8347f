package io.scopeenforcer.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The concrete issuers of one issuer template: for each {@code iss} that matches it, a {@link TrustedIssuer} of its
 * own (its own key chain, discovery state and rate limits), made when a token first names it and kept in a bounded
 * Caffeine cache. Making one costs no fetch, but its first token costs a metadata and a JWKS fetch, so new concrete
 * issuers are admitted at most {@code perMinute} a minute (a token bucket holding as many): a flood of tokens naming
 * made-up tenants costs the issuer's host at most that many first fetches a minute, and can evict real tenants'
 * entries only that fast. A token refused admission gets {@link TokenFailure#KEYS_UNAVAILABLE} (503: a real tenant
 * retries). Thread-safe.
 */
final class ConcreteIssuers {

    /** What a lookup found. */
    record Resolved(TrustedIssuer issuer, boolean matched) {
        static final Resolved NO_MATCH = new Resolved(null, false);
        static final Resolved NOT_ADMITTED = new Resolved(null, true);
    }

    private final IssuerTemplate template;
    private final BiFunction<String, Map<String, String>, TrustedIssuer> factory;
    private final Cache<String, TrustedIssuer> cache;
    private final int perMinute;
    /** Admissions left in the bucket; guarded by this. */
    private double admissions;
    /** When the bucket was last refilled, System.nanoTime(); guarded by this. */
    private long refilled = System.nanoTime();

    ConcreteIssuers(IssuerTemplate template, int maxEntries, int perMinute,
            BiFunction<String, Map<String, String>, TrustedIssuer> factory) {
        this.template = template;
        this.factory = factory;
        this.perMinute = perMinute;
        this.admissions = perMinute;
        this.cache = Caffeine.newBuilder().executor(Runnable::run).maximumSize(maxEntries).build();
    }

    /** The concrete issuer of {@code iss}, made (when admitted) if it is new. */
    Resolved resolve(String iss) {
        TrustedIssuer known = cache.getIfPresent(iss);
        if (known != null) {
            return new Resolved(known, true);
        }
        Map<String, String> values = template.match(iss);
        if (values == null) {
            return Resolved.NO_MATCH;
        }
        TrustedIssuer made = cache.get(iss, key -> admit() ? factory.apply(key, values) : null);
        return made == null ? Resolved.NOT_ADMITTED : new Resolved(made, true);
    }

    /** Whether {@code iss} matches the template. */
    boolean matches(String iss) {
        return template.match(iss) != null;
    }

    /** The concrete issuers held now. */
    List<TrustedIssuer> held() {
        return List.copyOf(cache.asMap().values());
    }

    /** Runs Caffeine's pending maintenance, so the size is exact; for tests. */
    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    private synchronized boolean admit() {
        long now = System.nanoTime();
        admissions = Math.min(perMinute, admissions + (now - refilled) * (perMinute / 60e9));
        refilled = now;
        if (admissions < 1) {
            return false;
        }
        admissions--;
        return true;
    }
}
