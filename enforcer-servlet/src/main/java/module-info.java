/**
 * Scope Enforcer as one Jakarta Servlet filter: {@link io.scopeenforcer.servlet.ScopeEnforcementFilter}, its
 * parameter table {@link io.scopeenforcer.servlet.FilterParameter} and its
 * {@link io.scopeenforcer.servlet.ConfigurationException}.
 */
module io.scopeenforcer.servlet {
    requires transitive io.scopeenforcer.core;
    requires transitive jakarta.servlet;
    // Optional (metrics): read only by MicrometerMetrics, which is loaded only when a registry is present.
    requires static micrometer.core;
    // Optional (the shared DPoP replay cache): read only by RedisReplayCache, loaded only for dpop-replay-cache=redis://.
    requires static lettuce.core;

    exports io.scopeenforcer.servlet;
}
