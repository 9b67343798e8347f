package io.scopeenforcer.servlet;

import io.scopeenforcer.internal.EngineAccess;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.scopeenforcer.Decision;
import io.scopeenforcer.Enforcer;
import io.scopeenforcer.token.KeySetStatus;
import io.scopeenforcer.token.TokenFailure;
import io.scopeenforcer.token.TrustedIssuer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The filter's meters in a Micrometer registry: the only class of this module that names a Micrometer type, loaded
 * only through {@link FilterMetrics#forRegistry} (Micrometer is optional). Every tag value is from a fixed set or
 * the configuration (an outcome, a reason, a token failure, a configured issuer): never a path, a subject or a
 * token, so the number of series is bounded whatever the clients send. Counters per request are registered up
 * front, so a request costs an increment and no registry lookup. Thread-safe.
 */
final class MicrometerMetrics implements FilterMetrics {

    static final String REQUESTS = "scope.enforcer.requests";
    static final String DECISION = "scope.enforcer.decision";
    static final String TOKEN_FAILURES = "scope.enforcer.token.failures";
    static final String CACHE_GETS = "scope.enforcer.cache.gets";
    static final String CACHE_SIZE = "scope.enforcer.cache.size";
    static final String CACHE_EVICTIONS = "scope.enforcer.cache.evictions";
    static final String JWKS_FETCHES = "scope.enforcer.jwks.fetches";
    static final String JWKS_AGE = "scope.enforcer.jwks.age";
    static final String JWKS_KEYS = "scope.enforcer.jwks.keys";
    static final String JWKS_LOADED = "scope.enforcer.jwks.loaded";

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final Counter allowed;
    private final Map<Decision.Reason, Counter> denied = new EnumMap<>(Decision.Reason.class);
    private final Map<Decision.Reason, Counter> wouldDeny = new EnumMap<>(Decision.Reason.class);
    private final Map<TokenFailure, Counter> failures = new EnumMap<>(TokenFailure.class);
    private final Timer decision;

    private MicrometerMetrics(MeterRegistry registry, Enforcer enforcer) {
        this.registry = registry;
        allowed = keep(requests("allowed", "none").register(registry));
        for (Decision.Reason reason : Decision.Reason.values()) {
            denied.put(reason, keep(requests("denied", lower(reason)).register(registry)));
            wouldDeny.put(reason, keep(requests("would_deny", lower(reason)).register(registry)));
        }
        for (TokenFailure failure : TokenFailure.values()) {
            failures.put(failure, keep(Counter.builder(TOKEN_FAILURES).tag("failure", lower(failure))
                    .description("tokens refused, by failure").register(registry)));
        }
        // Percentiles and histograms stay off (Micrometer's default): a MeterFilter turns them on where wanted.
        decision = keep(Timer.builder(DECISION).description("time the filter took to decide a request")
                .register(registry));

        cacheGets(enforcer, "token", "hit", e -> e.stats().tokenCache().hits());
        cacheGets(enforcer, "token", "negative_hit", e -> e.stats().tokenCache().negativeHits());
        cacheGets(enforcer, "token", "miss", e -> e.stats().tokenCache().misses());
        cacheGets(enforcer, "decision", "hit", e -> e.stats().decisionCache().hits());
        cacheGets(enforcer, "decision", "miss", e -> e.stats().decisionCache().misses());
        keep(Gauge.builder(CACHE_SIZE, enforcer, e -> e.stats().tokenCache().size()).tag("cache", "token")
                .description("verified tokens cached").register(registry));
        keep(Gauge.builder(CACHE_SIZE, enforcer, e -> e.stats().tokenCache().negativeSize())
                .tag("cache", "token_failure").description("refused tokens cached").register(registry));
        keep(FunctionCounter.builder(CACHE_EVICTIONS, enforcer, e -> e.stats().tokenCache().evictions())
                .tag("cache", "token").description("token cache entries removed for size or expiry")
                .register(registry));

        for (TrustedIssuer issuer : EngineAccess.verifier(enforcer).trustedIssuers()) {
            String name = issuer.issuer();
            keep(FunctionCounter.builder(JWKS_FETCHES, issuer, i -> i.keyStatus().fetches())
                    .tags("issuer", name, "result", "success").description("JWKS fetches").register(registry));
            keep(FunctionCounter.builder(JWKS_FETCHES, issuer, i -> i.keyStatus().failures())
                    .tags("issuer", name, "result", "failure").description("JWKS fetches").register(registry));
            keep(Gauge.builder(JWKS_AGE, issuer, MicrometerMetrics::ageSeconds).tag("issuer", name)
                    .baseUnit("seconds").description("age of the key set in hand (NaN before the first fetch)")
                    .register(registry));
            keep(Gauge.builder(JWKS_KEYS, issuer, i -> i.keyStatus().keyCount()).tag("issuer", name)
                    .description("keys in the key set in hand").register(registry));
            keep(Gauge.builder(JWKS_LOADED, issuer, i -> i.keyStatus().loaded() ? 1 : 0).tag("issuer", name)
                    .description("1 once the issuer's keys are loaded, else 0").register(registry));
        }
    }

    /** Registers the filter's meters; the argument types keep Micrometer out of the callers' signatures. */
    static FilterMetrics bind(Object registry, ScopeEnforcementFilter filter) {
        return new MicrometerMetrics((MeterRegistry) registry, filter.enforcer());
    }

    @Override
    public void decided(Decision d, boolean permissive, long nanos) {
        decision.record(nanos, TimeUnit.NANOSECONDS);
        if (d instanceof Decision.Deny deny) {
            (permissive ? wouldDeny : denied).get(deny.reason()).increment();
            if (deny.tokenFailure() != null) {
                failures.get(deny.tokenFailure()).increment();
            }
        } else {
            allowed.increment();
        }
    }

    @Override
    public void close() {
        synchronized (meters) {
            meters.forEach(registry::remove);
            meters.clear();
        }
    }

    private static Counter.Builder requests(String outcome, String reason) {
        return Counter.builder(REQUESTS).tags("outcome", outcome, "reason", reason)
                .description("requests decided by the filter, by outcome and reason");
    }

    private void cacheGets(Enforcer enforcer, String cache, String result, ToDoubleFunction<Enforcer> count) {
        keep(FunctionCounter.builder(CACHE_GETS, enforcer, count).tags("cache", cache, "result", result)
                .description("cache lookups").register(registry));
    }

    private static double ageSeconds(TrustedIssuer issuer) {
        KeySetStatus status = issuer.keyStatus();
        Duration age = status.age(Instant.now());
        return age == null ? Double.NaN : age.toMillis() / 1000.0;
    }

    private <M extends Meter> M keep(M meter) {
        synchronized (meters) {
            meters.add(meter);
        }
        return meter;
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
