package io.scopeenforcer.servlet;

import static io.scopeenforcer.servlet.DemoScopes.ANALYTICS_READ;
import static io.scopeenforcer.servlet.DemoScopes.STACK_READ;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scopeenforcer.Enforcer;
import io.scopeenforcer.RoutePolicy;
import io.scopeenforcer.testing.JwksServer;
import io.scopeenforcer.testing.TestIssuer;
import io.scopeenforcer.token.TokenVerifier;
import io.scopeenforcer.token.TrustedIssuer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The filter's Micrometer meters, read from a real {@link SimpleMeterRegistry} after real HTTP requests: found as a
 * ServletContext attribute by a filter declared by class name (web.xml), or given to the builder. Tag values come
 * from fixed sets and the configuration only.
 */
class MetricsHttpTest {

    private static final TestIssuer IDP = TestIssuer.create("https://idp.example.test");
    private static final String REPORTS = "/paas/analytics/reports";
    private static final String READER = IDP.token().scope(ANALYTICS_READ).sign();
    private static final String STACK_READER = IDP.token().scope(STACK_READ).sign();
    private static final String EXPIRED = IDP.token().scope(ANALYTICS_READ)
            .issuedAt(Instant.now().minus(Duration.ofHours(2))).expiresAt(Instant.now().minus(Duration.ofHours(1)))
            .sign();

    @RegisterExtension
    static final FilterHarness HARNESS = FilterHarness.forIssuer(IDP);

    /** A counter's count, whether the filter counts it itself (Counter) or reads it (FunctionCounter). */
    private static double counter(MeterRegistry registry, String name, String... tags) {
        io.micrometer.core.instrument.FunctionCounter read = registry.find(name).tags(tags).functionCounter();
        return read != null ? read.count() : registry.get(name).tags(tags).counter().count();
    }

    private static double gauge(MeterRegistry registry, String name, String... tags) {
        return registry.get(name).tags(tags).gauge().value();
    }

    @Test
    void metricsWhenRegistryIsContextAttributeThenRequestsCachesAndJwksCounted() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        JwksServer jwks = HARNESS.jwks();
        jwks.resetFetches();
        try (OpsServer app = OpsServer.byClassName(HARNESS.params(),
                Map.of(ScopeEnforcementFilter.METER_REGISTRY_ATTRIBUTE, registry))) {
            assertEquals(200, app.get(REPORTS, "Authorization", "Bearer " + READER).status());
            assertEquals(200, app.get(REPORTS, "Authorization", "Bearer " + READER).status());
            assertEquals(200, app.get("/health").status());
            assertEquals(401, app.get(REPORTS).status());
            assertEquals(401, app.get(REPORTS, "Authorization", "Bearer " + EXPIRED).status());
            assertEquals(403, app.get(REPORTS, "Authorization", "Bearer " + STACK_READER).status());
            assertEquals(403, app.get("/v1/tenants/acme/realms/prod/users/u1", "Authorization",
                    "Bearer " + READER).status());

            String issuer = IDP.issuer();
            assertAll(
                    () -> assertEquals(3, counter(registry, "scope.enforcer.requests", "outcome", "allowed",
                            "reason", "none")),
                    () -> assertEquals(1, counter(registry, "scope.enforcer.requests", "outcome", "denied",
                            "reason", "missing_token")),
                    () -> assertEquals(1, counter(registry, "scope.enforcer.requests", "outcome", "denied",
                            "reason", "invalid_token")),
                    () -> assertEquals(1, counter(registry, "scope.enforcer.requests", "outcome", "denied",
                            "reason", "insufficient_scope")),
                    // READER has no tenant claim: the management API's tenant binding refuses it first.
                    () -> assertEquals(1, counter(registry, "scope.enforcer.requests", "outcome", "denied",
                            "reason", "tenant_mismatch")),
                    () -> assertEquals(0, counter(registry, "scope.enforcer.requests", "outcome", "would_deny",
                            "reason", "insufficient_scope")),
                    () -> assertEquals(1, counter(registry, "scope.enforcer.token.failures", "failure", "expired")),
                    () -> assertEquals(7, registry.get("scope.enforcer.decision").timer().count()),
                    // READER twice (a miss, then a hit), EXPIRED, STACK_READER, READER on the management path (a hit).
                    () -> assertEquals(2, counter(registry, "scope.enforcer.cache.gets", "cache", "token",
                            "result", "hit")),
                    () -> assertEquals(3, counter(registry, "scope.enforcer.cache.gets", "cache", "token",
                            "result", "miss")),
                    () -> assertEquals(2, gauge(registry, "scope.enforcer.cache.size", "cache", "token")),
                    () -> assertEquals(1, counter(registry, "scope.enforcer.cache.gets", "cache", "decision",
                            "result", "hit")),
                    () -> assertEquals(1, counter(registry, "scope.enforcer.jwks.fetches", "issuer", issuer,
                            "result", "success")),
                    () -> assertEquals(0, counter(registry, "scope.enforcer.jwks.fetches", "issuer", issuer,
                            "result", "failure")),
                    () -> assertEquals(3, gauge(registry, "scope.enforcer.jwks.keys", "issuer", issuer)),
                    () -> assertEquals(1, gauge(registry, "scope.enforcer.jwks.loaded", "issuer", issuer)),
                    () -> {
                        double age = gauge(registry, "scope.enforcer.jwks.age", "issuer", issuer);
                        assertTrue(age >= 0 && age < 60, "key set age " + age);
                    });
            assertBoundedTags(registry, issuer);
        }
        assertEquals(Set.of(), registry.getMeters().stream().map(m -> m.getId().getName()).collect(
                java.util.stream.Collectors.toSet()), "destroy() removes the filter's meters");
    }

    /** Every tag value is an outcome, a reason, a failure, a cache name or result, or the configured issuer. */
    private static void assertBoundedTags(MeterRegistry registry, String issuer) {
        Set<String> allowed = new TreeSet<>(Set.of("allowed", "denied", "would_deny", "none", "token", "decision",
                "token_failure", "hit", "miss", "negative_hit", "success", "failure", issuer));
        for (io.scopeenforcer.Decision.Reason r : io.scopeenforcer.Decision.Reason.values()) {
            allowed.add(r.name().toLowerCase(java.util.Locale.ROOT));
        }
        for (io.scopeenforcer.token.TokenFailure f : io.scopeenforcer.token.TokenFailure.values()) {
            allowed.add(f.name().toLowerCase(java.util.Locale.ROOT));
        }
        Set<String> seen = new TreeSet<>();
        for (Meter meter : registry.getMeters()) {
            for (Tag tag : meter.getId().getTags()) {
                seen.add(tag.getValue());
            }
        }
        assertTrue(allowed.containsAll(seen), () -> "unbounded tag values: " + seen);
    }

    @Test
    void metricsWhenRegistryGivenToBuilderThenCountedAndPermissiveIsWouldDeny() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TrustedIssuer issuer = TrustedIssuer.jwksUri(IDP.issuer(), HARNESS.jwks().uri())
                .audience(TestIssuer.DEFAULT_AUDIENCE).build();
        Enforcer enforcer = Enforcer.newBuilder().verifier(TokenVerifier.newBuilder().trust(issuer).build())
                .policy(RoutePolicy.parse(FilterServer.POLICY, "policy.txt")).build();
        ScopeEnforcementFilter filter = ScopeEnforcementFilter.newBuilder().enforcer(enforcer)
                .mode(ScopeEnforcementFilter.Mode.PERMISSIVE).meterRegistry(registry).build();
        try (OpsServer app = OpsServer.of(filter)) {
            assertEquals(200, app.get(REPORTS).status());
            assertEquals(200, app.get(REPORTS, "Authorization", "Bearer " + READER).status());

            assertAll(
                    () -> assertEquals(1, counter(registry, "scope.enforcer.requests", "outcome", "would_deny",
                            "reason", "missing_token")),
                    () -> assertEquals(0, counter(registry, "scope.enforcer.requests", "outcome", "denied",
                            "reason", "missing_token")),
                    () -> assertEquals(1, counter(registry, "scope.enforcer.requests", "outcome", "allowed",
                            "reason", "none")),
                    () -> assertSame(filter, app.attribute(ScopeEnforcementFilter.CONTEXT_ATTRIBUTE_PREFIX
                            + OpsServer.FILTER_NAME), "init() publishes the filter under its filter-name"));
        }
    }

    @Test
    void builderWhenRegistryIsNotAMeterRegistryThenRefused() {
        Enforcer enforcer = Enforcer.newBuilder().verifier(TokenVerifier.newBuilder().trust(IDP.trustedIssuer()).build())
                .policy(RoutePolicy.parse("GET /health public", "policy.txt")).build();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ScopeEnforcementFilter.newBuilder().enforcer(enforcer).meterRegistry("registry").build());
        assertEquals("not a io.micrometer.core.instrument.MeterRegistry: java.lang.String", e.getMessage());
    }
}
