package io.scopeenforcer.internal;

import io.scopeenforcer.Enforcer;
import io.scopeenforcer.RoutePolicy;
import io.scopeenforcer.token.TokenVerifier;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What the servlet module reads of an engine that users do not: the policy an {@link Enforcer} was built with
 * (for its warnings and the start-up log), the fixed scopes its rules name (RFC 9728 {@code scopes_supported}),
 * and its token verifier (key status for readiness and metrics). The package is exported to the
 * servlet module only; {@link Enforcer} installs the door when its class initializes, so the engine keeps no
 * public accessor for it.
 */
public final class EngineAccess {

    private static volatile Function<Enforcer, RoutePolicy> policyOf;
    private static volatile Function<RoutePolicy, List<String>> scopesOf;
    private static volatile Function<Enforcer, TokenVerifier> verifierOf;

    private EngineAccess() {
    }

    /**
     * Installs the door; called once by {@link Enforcer}'s static initializer.
     *
     * @throws IllegalStateException when called again
     */
    public static void install(Function<Enforcer, RoutePolicy> policy, Function<RoutePolicy, List<String>> scopes,
            Function<Enforcer, TokenVerifier> verifier) {
        if (policyOf != null) {
            throw new IllegalStateException("EngineAccess is already installed");
        }
        scopesOf = Objects.requireNonNull(scopes, "scopes");
        verifierOf = Objects.requireNonNull(verifier, "verifier");
        policyOf = Objects.requireNonNull(policy, "policy");
    }

    /**
     * The scopes the policy's rules name without a path variable, sorted: RFC 9728 {@code scopes_supported}
     * (a templated scope such as {@code {resource}:read} cannot be listed).
     */
    public static List<String> scopesSupported(Enforcer enforcer) {
        return scopesOf.apply(policy(enforcer));
    }

    /** The verifier {@code enforcer} was built with: its trusted issuers' key status, for readiness and metrics. */
    public static TokenVerifier verifier(Enforcer enforcer) {
        return verifierOf.apply(Objects.requireNonNull(enforcer, "enforcer"));
    }

    /** The policy {@code enforcer} was built with. */
    public static RoutePolicy policy(Enforcer enforcer) {
        // An Enforcer instance exists, so its class is initialized and the door installed.
        return policyOf.apply(Objects.requireNonNull(enforcer, "enforcer"));
    }
}
