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

    exports io.scopeenforcer.servlet;
}
