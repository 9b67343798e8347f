package io.scopeenforcer.internal;

import io.scopeenforcer.Enforcer;
import io.scopeenforcer.RoutePolicy;
import java.util.Objects;
import java.util.function.Function;

/**
 * What the servlet module reads of an engine that users do not: the policy an {@link Enforcer} was built with
 * (for the RFC 9728 metadata's {@code scopes_supported} and the start-up log). The package is exported to the
 * servlet module only; {@link Enforcer} installs the door when its class initializes, so the engine keeps no
 * public accessor for it.
 */
public final class EngineAccess {

    private static volatile Function<Enforcer, RoutePolicy> policyOf;

    private EngineAccess() {
    }

    /**
     * Installs the door; called once by {@link Enforcer}'s static initializer.
     *
     * @throws IllegalStateException when called again
     */
    public static void install(Function<Enforcer, RoutePolicy> policy) {
        if (policyOf != null) {
            throw new IllegalStateException("EngineAccess is already installed");
        }
        policyOf = Objects.requireNonNull(policy, "policy");
    }

    /** The policy {@code enforcer} was built with. */
    public static RoutePolicy policy(Enforcer enforcer) {
        // An Enforcer instance exists, so its class is initialized and the door installed.
        return policyOf.apply(Objects.requireNonNull(enforcer, "enforcer"));
    }
}
