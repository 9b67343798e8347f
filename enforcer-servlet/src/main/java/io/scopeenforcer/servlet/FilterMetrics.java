package io.scopeenforcer.servlet;

import io.scopeenforcer.Decision;

/**
 * Where the filter reports each decision, without naming a Micrometer type: Micrometer is an optional dependency,
 * and this interface is all the filter links against. {@link MicrometerMetrics}, the one class that uses
 * Micrometer, is loaded only by {@link #forRegistry} once a registry is at hand (its static {@code bind} returns
 * this interface, so verifying the filter never loads it).
 */
interface FilterMetrics {

    /** The name of Micrometer's registry type, and of the ServletContext attribute the filter looks for. */
    String REGISTRY_CLASS = "io.micrometer.core.instrument.MeterRegistry";

    /** No registry: nothing recorded. */
    FilterMetrics NONE = new FilterMetrics() {
        @Override
        public void decided(Decision decision, boolean permissive, long nanos) {
        }

        @Override
        public void close() {
        }
    };

    /**
     * Records one decision.
     *
     * @param decision the decision
     * @param permissive true when a denial was let through (permissive mode)
     * @param nanos how long deciding took
     */
    void decided(Decision decision, boolean permissive, long nanos);

    /** Removes the meters from the registry (the filter is destroyed). */
    void close();

    /** True when Micrometer's registry type is visible to this module's class loader. */
    static boolean micrometerPresent() {
        try {
            Class.forName(REGISTRY_CLASS, false, FilterMetrics.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * The meters of {@code filter}, registered in {@code registry}.
     *
     * @throws IllegalArgumentException when Micrometer is not on the class path or {@code registry} is not a
     *     {@code MeterRegistry}
     */
    static FilterMetrics forRegistry(Object registry, ScopeEnforcementFilter filter) {
        Class<?> type;
        try {
            type = Class.forName(REGISTRY_CLASS, false, FilterMetrics.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("a meter registry was given but Micrometer (io.micrometer:micrometer-core)"
                    + " is not on the filter's class path");
        }
        if (!type.isInstance(registry)) {
            throw new IllegalArgumentException("not a " + REGISTRY_CLASS + ": " + registry.getClass().getName());
        }
        return MicrometerMetrics.bind(registry, filter);
    }
}
