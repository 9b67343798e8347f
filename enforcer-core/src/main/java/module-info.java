/**
 * Scope Enforcer's engine: scopes and their matching, the route policy, the path firewall, bearer token
 * verification and the decision. No servlet types.
 *
 * <p>The doors a user touches: {@link io.scopeenforcer.Enforcer} (with {@link io.scopeenforcer.Decision} and
 * {@link io.scopeenforcer.RoutePolicy}), {@link io.scopeenforcer.token.TokenVerifier} and
 * {@link io.scopeenforcer.token.TrustedIssuer}, the scope values of {@code io.scopeenforcer.scope}, and the
 * issuer-side {@link io.scopeenforcer.negotiation.Negotiator}. {@code io.scopeenforcer.internal} is for the
 * servlet module only.
 */
module io.scopeenforcer.core {
    // TrustedIssuer takes Nimbus JWK sets, so a user of this module reads Nimbus too.
    requires transitive com.nimbusds.jose.jwt;
    requires com.github.benmanes.caffeine;

    exports io.scopeenforcer;
    exports io.scopeenforcer.scope;
    exports io.scopeenforcer.token;
    exports io.scopeenforcer.negotiation;
    exports io.scopeenforcer.internal to io.scopeenforcer.servlet;
}
